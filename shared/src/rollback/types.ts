// What rollback generation produces: the inverse of each statement of a migration's up part.

/**
 * How one up statement is reverted:
 * - inverted: the down SQL undoes it exactly;
 * - recreated: it destroyed something that the down re-creates from the replayed schema, but
 *   the data is lost (PARTIAL ROLLBACK);
 * - irreversible: PostgreSQL has no way back (ALTER TYPE … ADD VALUE, …);
 * - data: a data change (INSERT / UPDATE / DELETE / TRUNCATE) SQL cannot invert;
 * - unsupported: pgsafe does not know how to invert it (never skipped silently);
 * - no-op: nothing to undo (SET, BEGIN/COMMIT, VALIDATE CONSTRAINT, …).
 */
export type DownStatus = 'inverted' | 'recreated' | 'irreversible' | 'data' | 'unsupported' | 'no-op';

export interface DownItem {
  /** Index of the up statement in the file, its 1-based line, and its first line of text. */
  index: number;
  line: number;
  summary: string;
  status: DownStatus;
  /** The down SQL for it (statements with `;`), in the order they run; '' when none. */
  sql: string;
  /** Why it is not (fully) reversible, or what the down assumes. */
  reason?: string;
}

export interface DownSql {
  /** The whole down: header comments and the statements in reverse order. */
  sql: string;
  items: DownItem[];
  /** The down runs outside a transaction (DROP INDEX CONCURRENTLY). */
  needsNoTransaction: boolean;
  /** Items that are not inverted exactly (recreated, irreversible, data, unsupported). */
  partial: boolean;
}

import type { QName } from '../ast/names';
import type { LockEffect } from '../locks/catalogue';
import type { Statement } from '../parse/statement';
import type { Catalog } from './catalog';
import type { DetectedFramework, MigrationFile } from '../project/types';

/** begin: the file's BEGIN; runner: the migration runner's; implicit: a multi-statement query or pipeline. */
export type TransactionSource = 'begin' | 'runner' | 'implicit' | 'none';

/** The transaction a statement runs in, and what happened earlier in it (or in the session). */
export interface TransactionView {
  inTransaction: boolean;
  source: TransactionSource;
  /** Why pgsafe believes the statement is (or is not) in a transaction, for messages. */
  reason: string;
  /** The framework that runs the file (or 'config' for "transaction": "always"). */
  runner?: string;
  /** The migration runner will refuse this migration (e.g. Flyway's mixed transactional check). */
  runnerRefuses?: string;
  /** Set when the runner is unknown: what pgsafe would assume about how it sends the file. */
  assumption?: string;
  /** How one migration leaves this transaction with this framework (marker, own file, …). */
  optOut?: string;
  /** The BEGIN statement, when the file opened the transaction itself. */
  begin?: Statement;
  /** Statements (parsed, excluding BEGIN) that ran earlier in this transaction. */
  earlier: readonly Statement[];
  /** First statement of this transaction (or session, outside one) that took a traffic-blocking
   *  lock on an existing relation while no lock_timeout was set. */
  unprotectedHeavyLock?: { stmt: Statement; effect: LockEffect };
  /** First statement in this transaction that took ACCESS EXCLUSIVE on an existing relation. */
  accessExclusive?: { stmt: Statement; effect: LockEffect };
  /** Statements doing work after `accessExclusive`, before this one. */
  workAfterAccessExclusive: number;
  /** Constraints added NOT VALID in this transaction: key `table.constraint` (see constraintKey). */
  notValidAdded: ReadonlyMap<string, Statement>;
  /** First DDL on an existing relation / first data change of an existing table in this transaction. */
  firstDdl?: Statement;
  firstDataChange?: Statement;
  /** Enum values added in this transaction (value → ALTER TYPE statement). */
  enumValuesAdded: ReadonlyMap<string, Statement>;
}

export interface SessionView {
  /** The SET that made lock_timeout non-zero for this statement, if any. */
  lockTimeout?: Statement;
}

/** The migration set a file belongs to (fixes that add a migration need its neighbours). */
export interface MigrationInfo {
  root: string;
  framework: DetectedFramework;
  files: readonly MigrationFile[];
}

export interface RuleContext {
  readonly pgVersion: number;
  readonly path: string;
  /** The whole file (fixes edit it). */
  readonly text: string;
  readonly migration?: MigrationInfo;
  /** The lock_timeout fixes write (config `lockTimeout`). */
  readonly lockTimeout: string;
  /** Every statement of the file (rules may look ahead, e.g. for a COMMIT). */
  readonly statements: readonly Statement[];
  /** Schema as it is before this statement. */
  readonly catalog: Catalog;
  readonly tx: TransactionView;
  readonly session: SessionView;
  /** Lock effects of the statement being checked (the lock catalogue, resolved against the schema). */
  readonly locks: readonly LockEffect[];
  /** Created earlier in this file: other sessions are not using it, so locking it is harmless. */
  isNew(q: QName | undefined): boolean;
}

export function constraintKey(table: QName, name: string): string {
  return `${table.name}.${name}`;
}

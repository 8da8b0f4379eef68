// The re-run proof of `pgsafe verify`: run a file's up a second time (inside the proofs'
// rolled-back transaction) and classify each statement that is not re-runnable by how much a
// failed retry would matter, which depends on the transaction the statement runs in.
import type { Statement } from '../parse/statement';
import { compareSnapshots, snapshotSchema } from '../rollback/roundtrip';
import { cannotRunInTransaction, firstLine, statementTitle, type FileMode } from './run';
import type { SqlDb } from './trace';

/**
 * Why a statement is not re-runnable, and how much that matters:
 * - `fails-in-transaction`: errors on a second run, but it runs in a transaction that a failure
 *   rolls back whole (the runner's, one query's implicit one, or the file's own BEGIN … COMMIT),
 *   so a failed run leaves nothing of that transaction behind and a retry starts it from scratch
 *   (harmless);
 * - `fails`: errors on a second run, and a failed run of this file can leave earlier statements
 *   applied (autocommit, or a statement that runs outside the transaction): the retry stops here;
 * - `duplicates-data`: runs again without an error and inserts its rows a second time;
 * - `changes-schema`: the second run of the file changes the schema again (per file).
 */
export type RerunKind = 'fails-in-transaction' | 'fails' | 'duplicates-data' | 'changes-schema';
export const RERUN_KINDS: readonly RerunKind[] = ['duplicates-data', 'fails', 'changes-schema', 'fails-in-transaction'];
export const RERUN_SEVERITY: Record<RerunKind, 'error' | 'warning' | 'harmless'> = {
  'duplicates-data': 'error', fails: 'warning', 'changes-schema': 'warning', 'fails-in-transaction': 'harmless',
};
export const RERUN_LABEL: Record<RerunKind, string> = {
  'duplicates-data': 're-runs but duplicates data',
  fails: 'fails on re-run (a failed run can leave earlier statements applied)',
  'changes-schema': 're-runs but changes the schema again',
  'fails-in-transaction': 'fails on re-run, harmless (its transaction rolls a failed run back)',
};

export interface RerunFinding {
  line: number;
  statement: string;
  message: string;
  kind: RerunKind;
  severity: 'error' | 'warning' | 'harmless';
}

export interface Idempotency {
  /** No finding above "harmless". */
  rerunnable: boolean;
  failures: RerunFinding[];
  schemaChanges: string[];
}

export interface RerunOptions {
  /** How the runner sends the file (its transaction, if any). */
  mode: FileMode;
  lineOf(s: Statement): number;
  /**
   * The statement runs inside the file's own BEGIN … COMMIT block (the migration walker's view,
   * shared with the rules). A failure there aborts the block and its COMMIT rolls it back, exactly
   * like the runner's transaction; statements before the BEGIN or after the COMMIT are not in it.
   */
  inOwnBlock(s: Statement): boolean;
}

/** Rows a statement inserted, from either driver's result (PGlite: affectedRows, pg: rowCount). */
function affectedRows(result: unknown): number {
  const list = Array.isArray(result) ? result : [result];
  return list.reduce((n: number, r: any) => n + Number(r?.affectedRows ?? r?.rowCount ?? 0), 0);
}

/** Statements whose rows on a second run are duplicates (an INSERT … ON CONFLICT updates or skips instead). */
const duplicatesRows = (s: Statement) => (s.kind === 'InsertStmt' && !s.node?.onConflictClause) || (s.kind === 'CopyStmt' && !!s.node?.is_from);

/**
 * Run the up a second time inside a transaction that is rolled back; savepoint per statement.
 * Each statement that is not re-runnable gets a kind (RerunKind) and its severity.
 */
export async function rerun(db: SqlDb, up: readonly Statement[], opts: RerunOptions): Promise<Idempotency> {
  const failures: RerunFinding[] = [];
  const add = (s: Statement, kind: RerunKind, message: string) => failures.push({ line: opts.lineOf(s), statement: statementTitle(s), message, kind, severity: RERUN_SEVERITY[kind] });
  // A file in one transaction (the runner's, or one query's implicit one) that fails is rolled
  // back whole; a file with BEGIN / COMMIT of its own is not one transaction, but the statements
  // inside its block are (inOwnBlock); statements PostgreSQL runs outside any are not.
  const atomic = opts.mode.wrap && !up.some((s) => s.kind === 'TransactionStmt');
  const before = await snapshotSchema(db);
  let schemaChanges: string[] = [];
  await db.exec('SAVEPOINT pgsafe_rerun_all');
  try {
    for (const s of up) {
      if (s.kind === 'TransactionStmt' || s.error) continue;
      if (cannotRunInTransaction(s)) {
        const guarded = !!(s.node?.if_not_exists || s.node?.missing_ok);
        if (!guarded) add(s, 'fails', 'not re-run (it cannot run in a transaction block, so a failed run keeps it) and it has no IF NOT EXISTS / IF EXISTS guard');
        continue;
      }
      await db.exec('SAVEPOINT pgsafe_rerun');
      try {
        const result = await db.exec(s.text);
        await db.exec('RELEASE SAVEPOINT pgsafe_rerun');
        const rows = duplicatesRows(s) ? affectedRows(result) : 0;
        if (rows > 0) add(s, 'duplicates-data', `runs again without an error and writes ${rows} row${rows === 1 ? '' : 's'} a second time (no ON CONFLICT / NOT EXISTS guard)`);
      } catch (e) {
        await db.exec('ROLLBACK TO SAVEPOINT pgsafe_rerun');
        await db.exec('RELEASE SAVEPOINT pgsafe_rerun');
        add(s, atomic || opts.inOwnBlock(s) ? 'fails-in-transaction' : 'fails', firstLine(e));
      }
    }
    schemaChanges = compareSnapshots(before, await snapshotSchema(db)).map((d) => d.replace(' (left behind by the down)', ' (added by the second run)').replace(' (missing after the down)', ' (removed by the second run)'));
  } finally {
    await db.exec('ROLLBACK TO SAVEPOINT pgsafe_rerun_all').catch(() => undefined);
  }
  return { rerunnable: !failures.some((f) => f.severity !== 'harmless') && schemaChanges.length === 0, failures, schemaChanges };
}

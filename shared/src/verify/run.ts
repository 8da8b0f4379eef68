// Run a migration's statements the way its framework sends them (frameworks.md, table B): in the
// runner's transaction, as one query (one implicit transaction), or one by one in autocommit; a
// file's own BEGIN / COMMIT are honoured. With `trace`, each statement is observed (trace.ts):
// a statement that runs in autocommit is wrapped in its own BEGIN … COMMIT for the observation
// (a single statement is atomic anyway); statements that cannot run in a transaction block
// (CONCURRENTLY, VACUUM, …) run alone and are not observed: their locks come from the catalogue.
import { hasOption } from '../ast/options';
import type { Statement } from '../parse/statement';
import type { DetectedFramework, TransactionPlan } from '../project/types';
import { heldLocks, traceStatement, type ObservedLock, type Observation, type RelationSnapshot, type SqlDb } from './trace';

/** How a file reaches the database. */
export interface FileMode {
  /** The framework wraps the statements in one transaction (its own, or one query's implicit one). */
  wrap: boolean;
  /** Statements the runner takes out and runs alone (Supabase CLI ≥ 2.109). */
  standalone?: RegExp;
  /** For reports: "runner transaction", "one query (implicit transaction)", "statement by statement (autocommit)". */
  how: string;
}

export function fileMode(plan: TransactionPlan, statements: readonly Statement[], _framework?: DetectedFramework): FileMode {
  const optedOut = statements.some((s) => s.section.noTransaction);
  const autoNonTx = !!plan.autoNonTransactional && statements.length > 0 && statements.every((s) => plan.autoNonTransactional!.test(s.text));
  if (plan.runnerTransaction && !optedOut && !autoNonTx) return { wrap: true, how: 'runner transaction' };
  if (plan.sending !== 'statement') {
    const many = statements.length > 1;
    return { wrap: many, standalone: plan.standalone, how: many ? 'one query (implicit transaction)' : 'one statement (autocommit)' };
  }
  return { wrap: false, how: 'statement by statement (autocommit)' };
}

/** PostgreSQL refuses these inside a transaction block (PreventInTransactionBlock). */
export function cannotRunInTransaction(s: Statement): boolean {
  const n = s.node;
  if (!n) return false;
  switch (s.kind) {
    case 'IndexStmt':
    case 'DropStmt':
      return !!n.concurrent;
    case 'ReindexStmt':
      return hasOption(n.params, 'concurrently') || ['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_SYSTEM', 'REINDEX_OBJECT_DATABASE'].includes(n.kind);
    case 'VacuumStmt':
      return !!n.is_vacuumcmd;
    case 'ClusterStmt':
      return !n.relation;
    case 'CreatedbStmt': case 'DropdbStmt': case 'CreateTableSpaceStmt': case 'DropTableSpaceStmt': case 'AlterSystemStmt':
    case 'CreateSubscriptionStmt': case 'DropSubscriptionStmt':
      return true;
    case 'AlterTableStmt':
      return (n.cmds ?? []).some((c: any) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd.def?.PartitionCmd?.concurrent);
    default:
      return false;
  }
}

/** A transaction-control statement's effect on "are we in a transaction". */
function inTransactionAfter(s: Statement, was: boolean): boolean {
  const k = s.node?.kind;
  if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') return true;
  if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_PREPARE') return !!s.node?.chain;
  return was;
}

export interface StatementRun {
  stmt: Statement;
  /** Ran inside a transaction (the runner's, an implicit one, or the file's own). */
  inTransaction: boolean;
  /** Ran outside any transaction because PostgreSQL refuses it inside one: not observed. */
  outside: boolean;
  /** BEGIN / COMMIT / SAVEPOINT … */
  control: boolean;
  observation?: Observation;
  /** Locks the transaction held before the statement (for the comparison with the catalogue). */
  held?: ObservedLock[];
  durationMs: number;
}

export class StatementError extends Error {
  constructor(readonly stmt: Statement, readonly reason: string) {
    super(reason);
  }
}

export interface RunOptions {
  mode: FileMode;
  /** Observe each statement against these pre-migration relations. */
  trace?: { existing: RelationSnapshot };
  onStatement?(run: StatementRun): void;
  /**
   * Inside an outer transaction that will be rolled back (the down / up-again / re-run proofs):
   * the file runs under a savepoint, its own BEGIN / COMMIT are skipped, CONCURRENTLY is dropped
   * (same catalog effect) and VACUUM is skipped. No tracing.
   */
  nested?: boolean;
}

/** An error's first line (PostgreSQL adds DETAIL / HINT / CONTEXT lines after it). */
export const firstLine = (e: any) => String(e?.message ?? e).split('\n')[0];

/** A statement as reports name it: its first line, at most 100 characters. */
export function statementTitle(s: Statement): string {
  const t = s.text.split('\n', 1)[0].trim();
  return t.length > 100 ? t.slice(0, 97) + '…' : t;
}

/** Run the statements; a failure rolls back the open transaction and throws StatementError. */
export async function runStatements(db: SqlDb, statements: readonly Statement[], opts: RunOptions): Promise<StatementRun[]> {
  if (opts.nested) return runNested(db, statements);
  const out: StatementRun[] = [];
  let inTx = false;
  let current: Statement | undefined;
  const push = (r: StatementRun) => {
    out.push(r);
    opts.onStatement?.(r);
  };
  try {
    if (opts.mode.wrap && statements.length) {
      await db.exec('BEGIN');
      inTx = true;
    }
    for (const s of statements) {
      current = s;
      if (s.error) throw new StatementError(s, `does not parse: ${s.error.message}`);
      if (s.kind === 'TransactionStmt') {
        const t0 = performance.now();
        await db.exec(s.text);
        inTx = inTransactionAfter(s, inTx);
        push({ stmt: s, inTransaction: inTx, outside: false, control: true, durationMs: performance.now() - t0 });
        continue;
      }
      const standalone = !!opts.mode.standalone?.test(s.text);
      if (standalone && inTx) {
        await db.exec('COMMIT');
        inTx = false;
      }
      if (!inTx && (standalone || cannotRunInTransaction(s))) {
        const t0 = performance.now();
        await db.exec(s.text);
        push({ stmt: s, inTransaction: false, outside: true, control: false, durationMs: performance.now() - t0 });
        if (standalone && opts.mode.wrap) {
          await db.exec('BEGIN');
          inTx = true;
        }
        continue;
      }
      if (!opts.trace) {
        const t0 = performance.now();
        await db.exec(s.text);
        push({ stmt: s, inTransaction: inTx, outside: false, control: false, durationMs: performance.now() - t0 });
        continue;
      }
      const own = !inTx;
      if (own) {
        await db.exec('BEGIN');
        inTx = true;
      }
      const held = own ? [] : await heldLocks(db, opts.trace.existing);
      const observation = await traceStatement(db, s.text, opts.trace.existing);
      if (own) {
        await db.exec('COMMIT');
        inTx = false;
      }
      push({ stmt: s, inTransaction: !own, outside: false, control: false, observation, held, durationMs: observation.durationMs });
    }
    current = undefined;
    if (inTx && opts.mode.wrap) {
      await db.exec('COMMIT');
      inTx = false;
    }
  } catch (e) {
    if (inTx) await db.exec('ROLLBACK').catch(() => undefined);
    if (e instanceof StatementError) throw e;
    throw new StatementError(current ?? statements[statements.length - 1], firstLine(e));
  }
  return out;
}

async function runNested(db: SqlDb, statements: readonly Statement[]): Promise<StatementRun[]> {
  const out: StatementRun[] = [];
  let current: Statement | undefined;
  await db.exec('SAVEPOINT pgsafe_file');
  try {
    for (const s of statements) {
      current = s;
      if (s.error) throw new StatementError(s, `does not parse: ${s.error.message}`);
      if (s.kind === 'TransactionStmt' || (s.kind === 'VacuumStmt' && s.node?.is_vacuumcmd)) {
        out.push({ stmt: s, inTransaction: true, outside: false, control: true, durationMs: 0 });
        continue;
      }
      const sql = cannotRunInTransaction(s) ? s.text.replace(/\bconcurrently\b/i, '') : s.text;
      const t0 = performance.now();
      await db.exec(sql);
      out.push({ stmt: s, inTransaction: true, outside: false, control: false, durationMs: performance.now() - t0 });
    }
    await db.exec('RELEASE SAVEPOINT pgsafe_file');
  } catch (e) {
    await db.exec('ROLLBACK TO SAVEPOINT pgsafe_file').catch(() => undefined);
    await db.exec('RELEASE SAVEPOINT pgsafe_file').catch(() => undefined);
    if (e instanceof StatementError) throw e;
    throw new StatementError(current ?? statements[statements.length - 1], firstLine(e));
  }
  return out;
}

import { leaveTransaction as leaveTransactionFix } from '../fixes/concurrently';
import { defineRule, docsUrl } from './types';
import { leaveTransaction, related, sentence, transactionCause } from './_helpers';
import type { Statement } from '../parse/statement';
import { hasOption } from '../ast/options';

/** Statements PostgreSQL refuses inside a transaction block (PreventInTransactionBlock). */
export function nonTransactionalForm(stmt: Statement): string | undefined {
  const n = stmt.node;
  if (!n) return undefined;
  switch (stmt.kind) {
    case 'IndexStmt':
      return n.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined;
    case 'DropStmt':
      return n.concurrent ? 'DROP INDEX CONCURRENTLY' : n.removeType === 'OBJECT_DATABASE' ? 'DROP DATABASE' : undefined;
    case 'ReindexStmt':
      if (hasOption(n.params, 'concurrently')) return 'REINDEX CONCURRENTLY';
      return ['REINDEX_OBJECT_SYSTEM', 'REINDEX_OBJECT_DATABASE', 'REINDEX_OBJECT_SCHEMA'].includes(n.kind) ? 'REINDEX SCHEMA/DATABASE/SYSTEM' : undefined;
    case 'VacuumStmt':
      return n.is_vacuumcmd ? 'VACUUM' : undefined;
    case 'ClusterStmt':
      return n.relation ? undefined : 'CLUSTER (without a table)';
    case 'AlterTableStmt':
      return (n.cmds ?? []).some((c: any) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd?.def?.PartitionCmd?.concurrent)
        ? 'DETACH PARTITION CONCURRENTLY' : undefined;
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    default:
      return undefined;
  }
}

export default defineRule({
  meta: {
    id: 'concurrently-in-transaction',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'CONCURRENTLY (and other non-transactional commands) inside a transaction block fail with "cannot run inside a transaction block".',
    docs: docsUrl('concurrently-in-transaction'),
    fixable: true,
  },
  statementKinds: ['IndexStmt', 'DropStmt', 'ReindexStmt', 'VacuumStmt', 'ClusterStmt', 'AlterTableStmt', 'CreatedbStmt', 'AlterSystemStmt', 'CreateTableSpaceStmt'],
  check(stmt, ctx) {
    const form = nonTransactionalForm(stmt);
    if (!form) return undefined;
    if ('parent' in stmt) {
      return {
        message: `${form} inside a DO block fails: it "cannot be executed from a function".`,
        help: 'Run it as a top-level statement of its own, outside the DO block and outside any transaction.',
      };
    }
    if (!ctx.tx.inTransaction || ctx.tx.runnerRefuses) return undefined; // a runner refusal is reported by its own rule
    const why = transactionCause(ctx);
    const fix = sentence(leaveTransaction(ctx));
    return {
      message: `${form} cannot run inside a transaction block, and this one is in a transaction: ${why}. PostgreSQL will fail the migration with SQLSTATE 25001.`,
      help: fix,
      related: related(ctx.tx.begin, 'the transaction starts here'),
    };
  },
  fix: (stmt, _report, ctx) => leaveTransactionFix(stmt, ctx),
});

import { defineRule, docsUrl } from './types';
import { related } from './_helpers';
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
    if (!ctx.tx.inTransaction) return undefined;
    const why = ctx.tx.source === 'begin' ? 'the BEGIN earlier in this file opened a transaction block' : ctx.tx.reason;
    const fix = ctx.tx.source === 'begin'
      ? 'End the transaction (COMMIT) before this statement and start a new one after it if needed, or move the statement to its own migration.'
      : ctx.tx.reason.includes('goose')
        ? 'Move it to its own migration file with `-- +goose NO TRANSACTION` at the top (one statement per file, so the other statements keep their transaction).'
        : ctx.tx.reason.includes('dbmate')
          ? 'Move it to its own migration whose marker is `-- migrate:up transaction:false`, alone in its section.'
          : ctx.tx.reason.includes('sql-migrate')
            ? 'Move it to its own migration with `-- +migrate Up notransaction`.'
            : 'Run it outside the transaction: in its own migration that the runner does not wrap in a transaction.';
    return {
      message: `${form} cannot run inside a transaction block, and this one is in a transaction: ${why}. PostgreSQL will fail the migration with SQLSTATE 25001.`,
      help: fix,
      related: related(ctx.tx.begin, 'the transaction starts here'),
    };
  },
});

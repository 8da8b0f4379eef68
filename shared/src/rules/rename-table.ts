import { defineRule, docsUrl } from './types';
import { lockPhrase, name, rangeAt, targetOf } from './_helpers';
import { rangeVarName, sameName, type QName } from '../ast/names';
import type { Statement } from '../parse/statement';
import { laterStatements } from './_drops';

const KINDS: Record<string, string> = {
  OBJECT_TABLE: 'TABLE',
  OBJECT_VIEW: 'VIEW',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
};

const TX_END = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE', 'TRANS_STMT_COMMIT_PREPARED', 'TRANS_STMT_ROLLBACK_PREPARED']);

/** The `CREATE VIEW <old name> …` that keeps the old name working, later in the same section. */
function compatibilityView(stmts: Statement[], old: QName, inTransaction: boolean): Statement | undefined {
  for (const s of stmts) {
    if (inTransaction && s.kind === 'TransactionStmt' && TX_END.has(s.node?.kind)) return undefined;
    if (s.kind === 'ViewStmt') {
      const v = rangeVarName(s.node?.view);
      if (v && sameName(v, old)) return s;
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'rename-table',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'Renaming an existing table or view: running code that uses the old name breaks immediately.',
    docs: docsUrl('rename-table'),
    fixable: true,
  },
  check(stmt, ctx) {
    const n = stmt.node;
    if (stmt.kind !== 'RenameStmt' || !n || !KINDS[n.renameType]) return undefined;
    const old = targetOf(stmt);
    if (!old || ctx.isNew(old)) return undefined;
    const kind = KINDS[n.renameType];
    const renamed: QName = { schema: old.schema, name: String(n.newname) };
    const view = compatibilityView(laterStatements(ctx, stmt), old, ctx.tx.inTransaction);
    if (view && ctx.tx.inTransaction) return undefined;
    const recipe = `ALTER ${kind} ${name(old)} RENAME TO ${name(renamed)}; CREATE VIEW ${name(old)} AS SELECT * FROM ${name(renamed)};`;
    if (view) {
      return {
        ...rangeAt(stmt, n.relation?.location),
        message: `ALTER ${kind} … RENAME TO and the compatibility view ${name(old)} run in separate transactions: between the two, every query on ${name(old)} fails with "relation does not exist".`,
        help: `Run both in one transaction: BEGIN; ${recipe} COMMIT;`,
        related: [{ start: view.start, end: view.end, message: 'the compatibility view is created here, after the rename has committed' }],
      };
    }
    return {
      ...rangeAt(stmt, n.relation?.location),
      message: `Renaming ${name(old)} to ${name(renamed)} breaks every running query that still uses ${name(old)} ("relation does not exist") the moment it commits: application instances deployed before the migration keep using the old name. It takes ${lockPhrase('ACCESS EXCLUSIVE', old)} (briefly).`,
      help: `Leave a view with the old name in the same transaction: BEGIN; ${recipe} COMMIT;${kind === 'TABLE' || kind === 'VIEW' ? ' A simple view like this is updatable, so old code keeps reading and writing through it.' : ''} Deploy code that uses ${name(renamed)}, then DROP VIEW ${name(old)} in a later migration.`,
    };
  },
});

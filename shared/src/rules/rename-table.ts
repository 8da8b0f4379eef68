import { renameTableExpandContract } from '../fixes/expand-contract';
import { defineRule, docsUrl } from './types';
import { lockPhrase, name, rangeAt, targetOf } from './_helpers';
import { rangeVarName, sameName, type QName } from '../ast/names';
import type { Statement } from '../parse/statement';
import { followingStatements } from './_drops';

const KINDS: Record<string, string> = {
  OBJECT_TABLE: 'TABLE',
  OBJECT_VIEW: 'VIEW',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
};

/** A statement that creates something under the old name again (compatibility view, or a swap). */
function replacement(stmts: Statement[], old: QName): Statement | undefined {
  return stmts.find((s) => {
    const made = s.kind === 'ViewStmt' ? rangeVarName(s.node?.view)
      : s.kind === 'CreateStmt' ? rangeVarName(s.node?.relation)
        : s.kind === 'CreateTableAsStmt' ? rangeVarName(s.node?.into?.rel) : undefined;
    return !!made && sameName(made, old);
  });
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
  statementKinds: ['RenameStmt'],
  // followingStatements: a view or table that replaces the old name, and where the transaction ends.
  lookAhead: (later) => ['ViewStmt', 'CreateStmt', 'CreateTableAsStmt', 'TransactionStmt'].includes(later.kind),
  check(stmt, ctx) {
    const n = stmt.node;
    if (stmt.kind !== 'RenameStmt' || !n || !KINDS[n.renameType]) return undefined;
    const old = targetOf(stmt);
    if (!old || ctx.isNew(old)) return undefined;
    const kind = KINDS[n.renameType];
    const renamed: QName = { schema: old.schema, name: String(n.newname) };
    const following = followingStatements(ctx, stmt);
    if (replacement(following.atomic, old)) return undefined;
    const view = replacement(following.later, old);
    const recipe = `ALTER ${kind} ${name(old)} RENAME TO ${name(renamed)}; CREATE VIEW ${name(old)} AS SELECT * FROM ${name(renamed)};`;
    if (view) {
      return {
        ...rangeAt(stmt, n.relation?.location),
        message: `Renaming ${name(old)} to ${name(renamed)} and creating ${name(old)} again (below) run in separate transactions: in between, every query on ${name(old)} fails with "relation does not exist". The rename takes ${lockPhrase('ACCESS EXCLUSIVE', old)} (briefly).`,
        help: `Run both in one transaction: BEGIN; ALTER ${kind} ${name(old)} RENAME TO ${name(renamed)}; ${view.kind === 'ViewStmt' ? 'CREATE VIEW' : 'CREATE TABLE'} ${name(old)} …; COMMIT;`,
        related: [{ start: view.start, end: view.end, message: `${name(old)} is created again here, after the rename has committed` }],
      };
    }
    return {
      ...rangeAt(stmt, n.relation?.location),
      message: `Renaming ${name(old)} to ${name(renamed)} breaks every running query that still uses ${name(old)} ("relation does not exist") the moment it commits: application instances deployed before the migration keep using the old name. It takes ${lockPhrase('ACCESS EXCLUSIVE', old)} (briefly).`,
      help: `Leave a view with the old name in the same transaction: BEGIN; ${recipe} COMMIT;${kind === 'TABLE' || kind === 'VIEW' ? ' A simple view like this is updatable, so old code keeps reading and writing through it.' : ''} Deploy code that uses ${name(renamed)}, then DROP VIEW ${name(old)} in a later migration.`,
    };
  },
  fix: (stmt, report, ctx) => (report.related?.length ? [] : renameTableExpandContract(stmt, ctx)),
});

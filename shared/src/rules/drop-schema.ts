import { defineRule, docsUrl, type RuleReport } from './types';
import { createdEarlier } from './_drops';
import { quoteIdent } from '../ast/names';

export default defineRule({
  meta: {
    id: 'drop-schema',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'DROP SCHEMA or DROP DATABASE: everything inside is dropped, irreversibly.',
    docs: docsUrl('drop-schema'),
    fixable: false,
  },
  statementKinds: ['DropStmt', 'DropdbStmt'],
  check(stmt, ctx) {
    const n = stmt.node;
    if (!n) return undefined;
    if (stmt.kind === 'DropdbStmt') {
      const db = { name: String(n.dbname) };
      if (createdEarlier(ctx, stmt, 'database', db)) return undefined;
      const force = (n.options ?? []).some((o: any) => o.DefElem?.defname === 'force');
      return {
        message: `DROP DATABASE ${quoteIdent(db.name)} deletes the whole database — every schema, table and row in it — irreversibly${force ? ', and WITH (FORCE) first terminates every session connected to it' : ''}.`,
        help: 'A migration should not drop a database: do it by hand after a backup (pg_dump), or, if this file really is meant to (e.g. a test fixture), acknowledge with `-- pgsafe-ignore drop-schema`.',
      };
    }
    if (stmt.kind !== 'DropStmt' || n.removeType !== 'OBJECT_SCHEMA') return undefined;
    const cascade = n.behavior === 'DROP_CASCADE';
    const out: RuleReport[] = [];
    for (const o of n.objects ?? []) {
      const s = o.String?.sval;
      if (typeof s !== 'string' || createdEarlier(ctx, stmt, 'schema', { name: s })) continue;
      const q = quoteIdent(s);
      out.push(cascade
        ? {
          message: `DROP SCHEMA ${q} CASCADE deletes every table (with all its rows), view, function, type and sequence in ${q}, irreversibly, plus objects elsewhere that depend on them. It takes an ACCESS EXCLUSIVE lock on every table it drops.`,
          help: `Drop the objects in ${q} explicitly (in earlier migrations, each reviewed on its own) after a backup (\`pg_dump -n ${s}\`), then DROP SCHEMA ${q} without CASCADE, which fails instead of dropping anything you missed. If dropping it all is really intended, acknowledge with \`-- pgsafe-ignore drop-schema\`.`,
        }
        : {
          message: `DROP SCHEMA ${q} removes the schema ${q}: irreversible, and code, grants and search_path settings that refer to it break. Without CASCADE it fails while anything is left in it, so the objects it held must already be gone.`,
          help: `Make sure nothing uses ${q} any more and that its objects were dropped deliberately (back up with \`pg_dump -n ${s}\` first); then acknowledge with \`-- pgsafe-ignore drop-schema\`.`,
        });
    }
    return out;
  },
});

import { renameColumnExpandContract } from '../fixes/expand-contract';
import { defineRule, docsUrl } from './types';
import { lockPhrase, name, targetOf } from './_helpers';
import { quoteIdent } from '../ast/names';

export default defineRule({
  meta: {
    id: 'rename-column',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'RENAME COLUMN on an existing table: running code that uses the old name breaks immediately.',
    docs: docsUrl('rename-column'),
    fixable: true,
  },
  statementKinds: ['RenameStmt'],
  check(stmt, ctx) {
    const n = stmt.node;
    if (stmt.kind !== 'RenameStmt' || n?.renameType !== 'OBJECT_COLUMN') return undefined;
    const table = targetOf(stmt);
    if (!table || ctx.isNew(table)) return undefined;
    const what = n.relationType === 'OBJECT_VIEW' ? 'view' : n.relationType === 'OBJECT_MATVIEW' ? 'materialized view' : 'table';
    const from = quoteIdent(String(n.subname));
    const to = quoteIdent(String(n.newname));
    return {
      message: `Renaming ${name(table)}.${from} to ${to} breaks every running query that still uses ${from} ("column does not exist") the moment it commits: application instances deployed before the migration, and ORMs that cache the column list, keep using the old name. It takes ${lockPhrase('ACCESS EXCLUSIVE', table)} (briefly).`,
      help: what === 'table'
        ? `Expand and contract instead: ADD COLUMN ${to}; keep it in sync with ${from} (write both from the application, or a trigger); backfill ${to} from ${from} in batches; switch reads to ${to} and deploy; stop writing ${from}; DROP COLUMN ${from} in a later migration. Or deploy code that works with both names before renaming. Acknowledge with \`-- pgsafe-ignore rename-column\` when no running code uses ${from}.`
        : `Deploy code that no longer uses ${from} first (or create the ${what} anew under another name and switch the application to it), then rename. Acknowledge with \`-- pgsafe-ignore rename-column\` when no running code uses ${from}.`,
    };
  },
  fix: (stmt, _report, ctx) => renameColumnExpandContract(stmt, ctx),
});

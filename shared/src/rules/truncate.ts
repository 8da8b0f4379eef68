import { defineRule, docsUrl } from './types';
import { lockPhrase, name, rangeAt } from './_helpers';
import { rangeVarName, type QName } from '../ast/names';
import { joinNames } from './_drops';

export default defineRule({
  meta: {
    id: 'truncate',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'TRUNCATE of an existing table: every row is deleted irreversibly under an ACCESS EXCLUSIVE lock (CASCADE empties referencing tables too).',
    docs: docsUrl('truncate'),
    fixable: false,
  },
  statementKinds: ['TruncateStmt'],
  check(stmt, ctx) {
    const n = stmt.node;
    if (stmt.kind !== 'TruncateStmt' || !n) return undefined;
    const rels: any[] = (n.relations ?? []).map((r: any) => r.RangeVar).filter(Boolean);
    const existing = rels.filter((r) => !ctx.isNew(rangeVarName(r)));
    if (existing.length === 0) return undefined;
    const tables: QName[] = existing.map((r) => rangeVarName(r)!).filter(Boolean);
    const list = joinNames(tables.map(name));
    const cascade = n.behavior === 'DROP_CASCADE';
    const first = tables[0];
    return {
      ...rangeAt(stmt, existing[0].location),
      message: `TRUNCATE deletes every row of ${list} irreversibly once committed, and takes ${lockPhrase('ACCESS EXCLUSIVE', first)}${tables.length > 1 ? ' (and on each table listed)' : ''}.${cascade ? ` CASCADE also empties every table that references ${tables.length > 1 ? 'them' : 'it'} by foreign key — tables this statement does not name — and locks them the same way.` : ''}`,
      help: `If ${list} ${tables.length > 1 ? 'are' : 'is'} in use, delete in batches instead (e.g. repeat \`DELETE FROM ${name(first)} WHERE <key> IN (SELECT <key> FROM ${name(first)} LIMIT 5000)\` until no row is left): DELETE takes ROW EXCLUSIVE, so reads and writes continue.${cascade ? ' Name every table to empty instead of using CASCADE.' : ''} If emptying ${tables.length > 1 ? 'them' : 'it'} is intended (e.g. a staging table), acknowledge with \`-- pgsafe-ignore truncate\`.`,
    };
  },
});

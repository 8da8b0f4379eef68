import { acknowledgedIrreversible, dropTableHeader } from '../fixes/irreversible';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import { defineRule, docsUrl } from './types';
import { lockPhrase, name, dependentsSentence } from './_helpers';
import { listName, type QName } from '../ast/names';
import { joinNames } from './_drops';

export default defineRule({
  meta: {
    id: 'drop-table',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'DROP TABLE of an existing table: its rows are gone for good, running code that uses it breaks, and the tables its foreign keys reference are locked too.',
    docs: docsUrl('drop-table'),
    fixable: true,
  },
  statementKinds: ['DropStmt'],
  check(stmt, ctx) {
    const tables = droppedTables(stmt, ctx);
    if (tables.length === 0) return undefined;
    // An IRREVERSIBLE header right above the statement (the fix writes one) acknowledges the drop.
    if (acknowledgedIrreversible(ctx.text, stmt)) return undefined;
    const first = tables[0];
    const list = joinNames(tables.map(name));
    const referenced = ctx.locks.filter((l) => l.role === 'referenced' && !ctx.isNew(l.relation)).map((l) => name(l.relation));
    const refs = [...new Set(referenced)];
    const many = tables.length > 1;
    const fkTables = refs.length ? `${joinNames(refs)} (which ${many ? 'their' : 'its'} foreign keys reference)` : `every table ${many ? 'their' : 'its'} foreign keys reference`;
    const locks = many
      ? `ACCESS EXCLUSIVE locks on ${list} and on ${fkTables}, which block all reads and writes`
      : `${lockPhrase('ACCESS EXCLUSIVE', first)}, and the same lock on ${fkTables}`;
    return {
      message: `DROP TABLE ${tables.map(name).join(', ')} deletes ${many ? 'the tables and all their rows' : 'the table and all its rows'} irreversibly; running code that still uses ${many ? 'them' : 'it'} fails as soon as this commits. It takes ${locks}.${tables.map((t) => dependentsSentence(ctx, t)).join('')}`,
      help: `Stop using ${list} in the application and deploy first (renaming ${many ? 'them' : 'it'} beforehand makes a missed use fail loudly while a rename back still undoes it). Back up the data (\`pg_dump -t ${first.name}\`). Drop ${many ? 'their' : 'its'} foreign keys first, each in its own short statement (\`ALTER TABLE ${name(first)} DROP CONSTRAINT …\` with a lock_timeout), so the DROP TABLE locks no other table. Then drop ${many ? 'them' : 'it'} in a later migration and acknowledge with \`-- pgsafe-ignore drop-table\`.`,
    };
  },
  fix: (stmt, _report, ctx) => dropTableHeader(stmt, ctx, droppedTables(stmt, ctx)),
});

/** The existing tables this statement drops. */
function droppedTables(stmt: Statement, ctx: RuleContext): QName[] {
  if (stmt.kind !== 'DropStmt' || stmt.node?.removeType !== 'OBJECT_TABLE') return [];
  return (stmt.node.objects ?? [])
    .map((o: any) => listName(o.List?.items))
    .filter((q: QName | undefined): q is QName => !!q && !ctx.isNew(q));
}

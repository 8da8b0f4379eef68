import { acknowledgedIrreversible, dropColumnHeader } from '../fixes/irreversible';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import { defineRule, docsUrl } from './types';
import { alterCommands, dependentsSentence, lockPhrase, name } from './_helpers';
import { quoteIdent, type QName } from '../ast/names';
import { joinNames } from './_drops';

export default defineRule({
  meta: {
    id: 'drop-column',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'DROP COLUMN on an existing table: its data is gone for good and running code that still uses the column breaks.',
    docs: docsUrl('drop-column'),
    fixable: true,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const { table, cols } = droppedColumns(stmt, ctx);
    if (!table || cols.length === 0) return undefined;
    // An IRREVERSIBLE header right above the statement (the fix writes one) acknowledges the drop.
    if (acknowledgedIrreversible(ctx.text, stmt)) return undefined;
    const many = cols.length > 1;
    const list = joinNames(cols.map(quoteIdent));
    const qualified = joinNames(cols.map((c) => `${name(table)}.${quoteIdent(c)}`));
    const backup = `CREATE TABLE ${table.name}_${cols[0]}_backup AS SELECT <primary key>, ${cols.map(quoteIdent).join(', ')} FROM ${name(table)}`;
    return {
      message: `DROP COLUMN deletes ${qualified} and all ${many ? 'their' : 'its'} data irreversibly, together with the indexes and constraints that use ${many ? 'them' : 'it'}. Application code that still reads or writes ${list} fails as soon as this commits (ORMs that cache the column list, such as Rails, fail until restarted). It takes ${lockPhrase('ACCESS EXCLUSIVE', table)} (briefly: ${many ? 'the columns are' : 'the column is'} only marked as dropped).${cols.map((c) => dependentsSentence(ctx, table!, c)).join('')}`,
      help: `Drop ${many ? 'them' : 'it'} in two deployments: first stop using ${list} in the application (for an ORM, also tell it to ignore ${many ? 'the columns' : 'the column'}) and deploy; then drop ${many ? 'them' : 'it'} in a later migration, after a backup if the data may be needed (e.g. \`${backup}\`). Set a short lock_timeout before it. Once the code no longer uses ${many ? 'them' : 'it'}, acknowledge with \`-- pgsafe-ignore drop-column\`.`,
    };
  },
  fix(stmt, _report, ctx) {
    const { table, cols } = droppedColumns(stmt, ctx);
    return table ? dropColumnHeader(stmt, ctx, table, cols) : [];
  },
});

/** The existing table's columns this statement drops. */
function droppedColumns(stmt: Statement, ctx: RuleContext): { table?: QName; cols: string[] } {
  let table: QName | undefined;
  const cols: string[] = [];
  for (const { table: t, cmd } of alterCommands(stmt)) {
    if (cmd.subtype !== 'AT_DropColumn' || ctx.isNew(t)) continue;
    table = t;
    cols.push(String(cmd.name));
  }
  return { table, cols };
}

import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, lockPhrase, name } from './_helpers';
import { quoteIdent } from '../ast/names';

export default defineRule({
  meta: {
    id: 'drop-column',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'DROP COLUMN on an existing table: its data is gone for good and running code that still uses the column breaks.',
    docs: docsUrl('drop-column'),
    fixable: false,
  },
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (cmd.subtype !== 'AT_DropColumn' || ctx.isNew(table)) continue;
      const col = quoteIdent(String(cmd.name));
      out.push({
        message: `DROP COLUMN ${col} deletes ${name(table)}.${col} and all its data irreversibly, together with the indexes and constraints that use it. Application code that still reads or writes ${col} fails as soon as this commits (ORMs that cache the column list, such as Rails, fail until restarted). It takes ${lockPhrase('ACCESS EXCLUSIVE', table)} (briefly: the column is only marked as dropped).`,
        help: `Drop it in two deployments: first stop using ${col} in the application (for an ORM, also tell it to ignore the column) and deploy; then drop the column in a later migration, after a backup if the data may be needed (e.g. \`CREATE TABLE ${table.name}_${cmd.name}_backup AS SELECT <primary key>, ${col} FROM ${name(table)}\`). Set a short lock_timeout before it. Once the code no longer uses the column, acknowledge with \`-- pgsafe-ignore drop-column\`.`,
      });
    }
    return out;
  },
});

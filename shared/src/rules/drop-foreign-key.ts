import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, name } from './_helpers';

/** Naming conventions for foreign keys: PostgreSQL (`t_col_fkey`, `t_col_fkey1`), Rails (`fk_rails_…`),
 *  Laravel (`t_col_foreign`), Django (`…_fk_othertable_id`), and the common `fk_…` / `…_fk`. */
const FK_NAME = /(_fkey\d*$|^fk_|_fk$|_fk_|_foreign$)/i;

export default defineRule({
  meta: {
    id: 'drop-foreign-key',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'Dropping a foreign key takes ACCESS EXCLUSIVE locks on both the table and the table it references.',
    docs: docsUrl('drop-foreign-key'),
    fixable: false,
  },
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (cmd.subtype !== 'AT_DropConstraint' || !cmd.name || ctx.isNew(table)) continue;
      const conname: string = cmd.name;
      const known = ctx.catalog.constraint(table, conname);
      let inferred = false;
      if (known) {
        if (known.type !== 'foreign') continue;
      } else if (FK_NAME.test(conname)) {
        inferred = true;
      } else continue;
      const ref = known?.references;
      const t = name(table);
      const refName = ref ? name(ref) : 'the table it references';
      const why = inferred ? ` (pgsafe did not see ${conname} being created; it takes it for a foreign key from its name)` : '';
      out.push({
        message: `DROP CONSTRAINT ${conname} drops a foreign key${why}, which takes ACCESS EXCLUSIVE locks on both ${t} and ${refName}: all reads and writes on both tables wait while it waits for the locks, and until the transaction commits.`,
        help: `The drop itself is instant, but it needs both tables idle for a moment: set a short lock_timeout (\`SET lock_timeout = '2s';\`) and retry on timeout, keep it alone in its own transaction (commit right after it), and run it when no long queries or transactions touch ${t} or ${refName}.`,
      });
    }
    return out;
  },
});

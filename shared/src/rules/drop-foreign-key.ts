import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, name } from './_helpers';
import { quoteIdent, rangeVarName, type QName } from '../ast/names';

/** Naming conventions for foreign keys: PostgreSQL (`t_col_fkey`, `t_col_fkey1`), Rails (`fk_rails_…`),
 *  Drizzle and others (`…_fk`), Django (`…_fk_othertable_id`), Laravel (`t_col_foreign`), and `fk_…`. */
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
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    const cmds = alterCommands(stmt);
    for (const { table, cmd } of cmds) {
      if (cmd.subtype !== 'AT_DropConstraint' || !cmd.name || ctx.isNew(table)) continue;
      const conname: string = cmd.name;
      const shown = quoteIdent(conname);
      const known = ctx.catalog.constraint(table, conname);
      // `DROP CONSTRAINT x, ADD CONSTRAINT x FOREIGN KEY … REFERENCES r` (redefining a foreign key).
      const readded = cmds.map(({ cmd: c }) => c.def?.Constraint).find((c) => c?.contype === 'CONSTR_FOREIGN' && c.conname === conname);
      let ref: QName | undefined;
      let basis: 'known' | 'readded' | 'name';
      if (known) {
        if (known.type !== 'foreign') continue;
        ref = known.references;
        basis = 'known';
      } else if (readded) {
        ref = rangeVarName(readded.pktable);
        basis = 'readded';
      } else if (FK_NAME.test(conname)) {
        basis = 'name';
      } else continue;
      const t = name(table);
      const refName = ref ? name(ref) : 'the table it references';
      const what = basis === 'name'
        ? `what its name says is a foreign key (pgsafe did not see ${shown} created, so this is inferred from the name)`
        : basis === 'readded'
          ? `the foreign key ${shown} of ${t} (assumed to reference ${refName}, like the FOREIGN KEY this statement re-adds under the same name)`
          : `the foreign key from ${t} to ${refName}`;
      out.push({
        message: `DROP CONSTRAINT ${shown} drops ${what}, which takes ACCESS EXCLUSIVE locks on both ${t} and ${refName}: all reads and writes on both tables are blocked while the statement waits for the locks and until its transaction commits.`,
        help: `The drop itself is instant, but it needs both tables idle for a moment: set a short lock_timeout (\`SET lock_timeout = '2s';\`) and retry on timeout, keep it alone in its own transaction (commit right after it), and run it when no long queries or transactions touch ${t} or ${refName}.`,
      });
    }
    return out;
  },
});

import { notValidThenValidate } from '../fixes/not-valid';
import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, lockPhrase, name, rangeAt } from './_helpers';
import { columnConstraints } from './_columns';
import { quoteIdent } from '../ast/names';

export default defineRule({
  meta: {
    id: 'check-constraint-not-valid',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'Adding a CHECK constraint without NOT VALID scans the whole table under an ACCESS EXCLUSIVE lock.',
    docs: docsUrl('check-constraint-not-valid'),
    fixable: true,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (ctx.isNew(table)) continue;
      const t = name(table);
      if (cmd.subtype === 'AT_AddConstraint') {
        const c = cmd.def?.Constraint;
        if (c?.contype !== 'CONSTR_CHECK' || c.skip_validation) continue;
        const cname = c.conname ? quoteIdent(c.conname) : undefined;
        out.push({
          ...rangeAt(stmt, c.location),
          message: `ADD CONSTRAINT ${cname ? `${cname} ` : ''}CHECK checks every existing row of ${t} while holding ${lockPhrase('ACCESS EXCLUSIVE', table)}, until the scan ends.`,
          help: `Add it with NOT VALID: \`ALTER TABLE ${t} ADD CONSTRAINT ${cname ?? '<name>'} CHECK (…) NOT VALID;\` takes the lock only for an instant and checks new and updated rows from then on. Then, in a separate transaction, \`ALTER TABLE ${t} VALIDATE CONSTRAINT ${cname ?? '<name>'};\` checks the existing rows under SHARE UPDATE EXCLUSIVE, which does not block reads or writes.${cname ? '' : ' Name the constraint so VALIDATE can refer to it.'}`,
        });
      } else if (cmd.subtype === 'AT_AddColumn') {
        const def = cmd.def?.ColumnDef;
        for (const c of columnConstraints(def)) {
          if (c.contype !== 'CONSTR_CHECK' || c.skip_validation) continue;
          const col = quoteIdent(def.colname);
          const cname = quoteIdent(c.conname ?? `${table.name}_${def.colname}_check`);
          out.push({
            ...rangeAt(stmt, c.location),
            message: `ADD COLUMN ${col} … CHECK checks the constraint against every existing row of ${t} while holding ${lockPhrase('ACCESS EXCLUSIVE', table)}, until the scan ends (a column constraint cannot be NOT VALID).`,
            help: `Add the column without the CHECK, then \`ALTER TABLE ${t} ADD CONSTRAINT ${cname} CHECK (…) NOT VALID;\` (instant), then \`ALTER TABLE ${t} VALIDATE CONSTRAINT ${cname};\` in a separate transaction (SHARE UPDATE EXCLUSIVE: reads and writes continue).`,
          });
        }
      }
    }
    return out;
  },
  fix: (stmt, report, ctx) => notValidThenValidate(stmt, report, ctx, 'CONSTR_CHECK'),
});

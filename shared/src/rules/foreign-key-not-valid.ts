import { notValidThenValidate } from '../fixes/not-valid';
import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, name, rangeAt } from './_helpers';
import { rangeVarName } from '../ast/names';

export default defineRule({
  meta: {
    id: 'foreign-key-not-valid',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'Adding a foreign key without NOT VALID blocks writes on both tables while every row is checked.',
    docs: docsUrl('foreign-key-not-valid'),
    fixable: true,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (ctx.isNew(table)) continue;
      if (cmd.subtype === 'AT_AddConstraint') {
        const c = cmd.def?.Constraint;
        if (c?.contype !== 'CONSTR_FOREIGN' || c.skip_validation) continue;
        const ref = rangeVarName(c.pktable);
        out.push({
          ...rangeAt(stmt, c.location),
          message: `Adding foreign key ${c.conname ? `${c.conname} ` : ''}validates every row of ${name(table)} while holding SHARE ROW EXCLUSIVE locks on ${name(table)} and ${name(ref)}: writes to both tables are blocked until the scan ends.`,
          help: `Add it with NOT VALID (only new rows are checked, the lock is brief), then run ALTER TABLE ${name(table)} VALIDATE CONSTRAINT … in a separate transaction; VALIDATE takes SHARE UPDATE EXCLUSIVE, which does not block reads or writes.`,
        });
      } else if (cmd.subtype === 'AT_AddColumn') {
        for (const k of cmd.def?.ColumnDef?.constraints ?? []) {
          const c = k.Constraint;
          if (c?.contype !== 'CONSTR_FOREIGN' || c.skip_validation) continue;
          const ref = rangeVarName(c.pktable);
          out.push({
            ...rangeAt(stmt, c.location),
            message: `ADD COLUMN … REFERENCES ${name(ref)} scans ${name(table)} under its ACCESS EXCLUSIVE lock and takes SHARE ROW EXCLUSIVE on ${name(ref)}, blocking writes to ${name(ref)} and all access to ${name(table)} for the scan.`,
            help: `Add the column without REFERENCES, then ADD CONSTRAINT … FOREIGN KEY (${cmd.def.ColumnDef.colname}) REFERENCES ${name(ref)} NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.`,
          });
        }
      }
    }
    return out;
  },
  fix: (stmt, report, ctx) => notValidThenValidate(stmt, report, ctx, 'CONSTR_FOREIGN'),
});

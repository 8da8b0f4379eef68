import { setNotNullSafely } from '../fixes/set-not-null';
import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, name } from './_helpers';
import { hasValidatedNotNullCheck } from '../locks/catalogue';

export default defineRule({
  meta: {
    id: 'set-not-null',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'SET NOT NULL on an existing column scans the whole table under an ACCESS EXCLUSIVE lock.',
    docs: docsUrl('set-not-null'),
    fixable: true,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (ctx.isNew(table)) continue;
      if (cmd.subtype === 'AT_SetNotNull') {
        if (ctx.pgVersion >= 12 && hasValidatedNotNullCheck(ctx.catalog, table, cmd.name)) continue;
        out.push({
          message: `SET NOT NULL on ${name(table)}.${cmd.name} scans every row while holding an ACCESS EXCLUSIVE lock on ${name(table)}: all reads and writes wait for the scan.`,
          help: ctx.pgVersion >= 18
            ? `On PostgreSQL 18: ALTER TABLE ${name(table)} ADD CONSTRAINT ${table.name}_${cmd.name}_not_null NOT NULL ${cmd.name} NOT VALID; then, in a separate transaction, VALIDATE CONSTRAINT (no read/write blocking).`
            : ctx.pgVersion >= 12
              ? `Add CHECK (${cmd.name} IS NOT NULL) NOT VALID, VALIDATE it in a separate transaction, then SET NOT NULL (PostgreSQL ${ctx.pgVersion} skips the scan when a validated check proves it) and drop the check.`
              : `Before PostgreSQL 12 there is no scan-free way: use a CHECK (${cmd.name} IS NOT NULL) constraint added NOT VALID and VALIDATEd instead of the column's NOT NULL flag.`,
        });
      } else if (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_NOTNULL' && !cmd.def.Constraint.skip_validation) {
        const col = cmd.def.Constraint.keys?.[0]?.String?.sval;
        out.push({
          message: `ADD CONSTRAINT … NOT NULL ${col ?? ''} scans every row of ${name(table)} under an ACCESS EXCLUSIVE lock.`,
          help: 'Add it with NOT VALID, then VALIDATE CONSTRAINT in a separate transaction (PostgreSQL 18).',
        });
      }
    }
    return out;
  },
  fix: (stmt, _report, ctx) => setNotNullSafely(stmt, ctx),
});

import { notNullColumnInSteps } from '../fixes/not-null-column';
import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, name, rangeAt } from './_helpers';
import { columnConstraints, notNullRecipe } from './_columns';
import { isNullConstant } from '../ast/volatility';
import { SERIAL_TYPES, typeRef, typeToString } from '../ast/types';
import { quoteIdent } from '../ast/names';

export default defineRule({
  meta: {
    id: 'add-column-not-null-without-default',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'ADD COLUMN … NOT NULL without a DEFAULT fails as soon as the table has a row.',
    docs: docsUrl('add-column-not-null-without-default'),
    fixable: true,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (cmd.subtype !== 'AT_AddColumn' || ctx.isNew(table)) continue;
      const def = cmd.def?.ColumnDef;
      const cons = columnConstraints(def);
      const notNull = cons.find((c) => c.contype === 'CONSTR_NOTNULL');
      if (!notNull) continue;
      // Values for existing rows come from a default, a sequence (serial, identity) or an expression.
      const t = typeRef(def?.typeName);
      if (t && SERIAL_TYPES.has(t.name)) continue;
      if (cons.some((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED')) continue;
      if (cons.some((c) => c.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr))) continue;
      const col = quoteIdent(def.colname);
      const typeText = t ? typeToString(t) : '<type>';
      const tn = name(table);
      const constant = ctx.pgVersion >= 11
        ? ` If one constant value suits every existing row, \`ADD COLUMN ${col} ${typeText} NOT NULL DEFAULT <constant>\` is instant on PostgreSQL 11+ (no rewrite).`
        : '';
      out.push({
        ...rangeAt(stmt, notNull.location ?? def?.location),
        message: `ADD COLUMN ${col} … NOT NULL has no DEFAULT, so every existing row of ${tn} would get NULL in ${col}: the statement fails with "column \\"${col}\\" of relation \\"${table.name}\\" contains null values" as soon as ${tn} has a row (it passes only on an empty table, e.g. in development).`,
        help: `Add the column nullable (\`ALTER TABLE ${tn} ADD COLUMN ${col} ${typeText};\`), deploy code that writes it, backfill existing rows in batches, then make it NOT NULL without a long lock: ${notNullRecipe(table, def.colname, ctx.pgVersion)}.${constant}`,
      });
    }
    return out;
  },
  fix: (stmt, report, ctx) => notNullColumnInSteps(stmt, report, ctx),
});

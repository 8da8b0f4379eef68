import { volatileDefaultBackfill } from '../fixes/backfill';
import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, lockPhrase, name, rangeAt } from './_helpers';
import { columnConstraints, notNullRecipe } from './_columns';
import { isNullConstant } from '../ast/volatility';
import { expressionVolatility } from '../ast/volatility';
import { quoteIdent } from '../ast/names';
import { typeRef, typeToString } from '../ast/types';

export default defineRule({
  meta: {
    id: 'add-column-volatile-default',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'ADD COLUMN with a volatile DEFAULT (any non-NULL default before PostgreSQL 11) rewrites the table under an ACCESS EXCLUSIVE lock.',
    docs: docsUrl('add-column-volatile-default'),
    fixable: true,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (cmd.subtype !== 'AT_AddColumn' || ctx.isNew(table)) continue;
      const def = cmd.def?.ColumnDef;
      const cons = columnConstraints(def);
      const dflt = cons.find((c) => c.contype === 'CONSTR_DEFAULT');
      if (!dflt || isNullConstant(dflt.raw_expr)) continue;
      const col = quoteIdent(def.colname);
      const t = name(table);
      let why: string;
      if (ctx.pgVersion < 11) {
        why = `before PostgreSQL 11 every non-NULL default is written into each existing row (you target PostgreSQL ${ctx.pgVersion})`;
      } else {
        const v = expressionVolatility(dflt.raw_expr, (f) => ctx.catalog.functionVolatility(f));
        if (v.volatility !== 'volatile') continue;
        why = `${v.culprit === 'a subquery' ? 'the default contains a subquery' : `${v.culprit ? `${v.culprit}()` : 'the default'} is VOLATILE`}, so PostgreSQL evaluates it once per existing row`;
      }
      const notNull = cons.some((c) => c.contype === 'CONSTR_NOTNULL');
      const typ = typeRef(def?.typeName);
      const typeText = typ ? typeToString(typ) : '<type>';
      const steps = [
        `\`ALTER TABLE ${t} ADD COLUMN ${col} ${typeText};\` with no default and no NOT NULL (instant)`,
        `\`ALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT …;\` (instant; applies to new rows only)`,
        `backfill the existing rows in batches (\`UPDATE ${t} SET ${col} = … WHERE <key range> AND ${col} IS NULL\`, committing between batches)`,
      ];
      if (notNull) steps.push(`then make it NOT NULL: ${notNullRecipe(table, def.colname, ctx.pgVersion)}`);
      out.push({
        ...rangeAt(stmt, dflt.location ?? def?.location),
        message: `ADD COLUMN ${col} … DEFAULT rewrites ${t} and all its indexes: ${why}. The rewrite holds ${lockPhrase('ACCESS EXCLUSIVE', table)}, for as long as it takes to copy the table.`,
        help: `Split it: ${steps.map((s, i) => `(${i + 1}) ${s}`).join('; ')}.`,
      });
    }
    return out;
  },
  fix: (stmt, report, ctx) => volatileDefaultBackfill(stmt, report, ctx),
});

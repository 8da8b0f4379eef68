import { uniqueUsingIndex } from '../fixes/unique-using-index';
import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, lockPhrase, name, rangeAt } from './_helpers';
import { columnConstraints, keyList, notNullRecipe } from './_columns';
import { isNullConstant } from '../ast/volatility';
import { SERIAL_TYPES, typeRef } from '../ast/types';
import { quoteIdent } from '../ast/names';

export default defineRule({
  meta: {
    id: 'unique-constraint-without-index',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'ADD UNIQUE / PRIMARY KEY without USING INDEX builds the index under an ACCESS EXCLUSIVE lock.',
    docs: docsUrl('unique-constraint-without-index'),
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
        if ((c?.contype !== 'CONSTR_UNIQUE' && c?.contype !== 'CONSTR_PRIMARY') || c.indexname) continue;
        const pk = c.contype === 'CONSTR_PRIMARY';
        const kind = pk ? 'PRIMARY KEY' : 'UNIQUE';
        const rawCols = keyList(c);
        const cols = rawCols.map(quoteIdent);
        const cname = quoteIdent(c.conname ?? (pk ? `${table.name}_pkey` : `${[table.name, ...cols].join('_')}_key`));
        const include = keyList({ keys: c.including }).map(quoteIdent);
        const extra = `${include.length ? ` INCLUDE (${include.join(', ')})` : ''}${c.nulls_not_distinct ? ' NULLS NOT DISTINCT' : ''}`;
        const nn = pk && cols.length
          ? ` A primary key also needs its columns NOT NULL: if ${cols.join(', ')} ${cols.length > 1 ? 'are' : 'is'} nullable, USING INDEX runs SET NOT NULL, which scans under the same lock — first ${notNullRecipe(table, rawCols[0], ctx.pgVersion)}${cols.length > 1 ? ' (for each column)' : ''}.`
          : '';
        out.push({
          ...rangeAt(stmt, c.location),
          message: `ADD ${kind}${c.conname ? ` ${c.conname}` : ''} builds a unique index on ${t} while holding ${lockPhrase('ACCESS EXCLUSIVE', table)}, for the whole index build.`,
          help: `Build the index first without blocking: \`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${cname} ON ${t} (${cols.join(', ') || '…'})${extra};\` (outside a transaction block), then attach it: \`ALTER TABLE ${t} ADD CONSTRAINT ${cname} ${kind} USING INDEX ${cname};\` — instant, no scan.${nn}`,
        });
      } else if (cmd.subtype === 'AT_AddColumn') {
        const def = cmd.def?.ColumnDef;
        const cons = columnConstraints(def);
        const col = quoteIdent(def?.colname ?? '');
        for (const c of cons) {
          if (c.contype !== 'CONSTR_UNIQUE' && c.contype !== 'CONSTR_PRIMARY') continue;
          const pk = c.contype === 'CONSTR_PRIMARY';
          const kind = pk ? 'PRIMARY KEY' : 'UNIQUE';
          const cname = quoteIdent(c.conname ?? (pk ? `${table.name}_pkey` : `${table.name}_${def.colname}_key`));
          // A new primary-key column must get a value in every existing row.
          const typ = typeRef(def?.typeName);
          const filled = (typ && SERIAL_TYPES.has(typ.name))
            || cons.some((k) => k.contype === 'CONSTR_IDENTITY' || k.contype === 'CONSTR_GENERATED' || (k.contype === 'CONSTR_DEFAULT' && !isNullConstant(k.raw_expr)));
          const fails = pk && !filled
            ? ` It also fails as soon as ${t} has a row: the new column is NULL there, and a primary key cannot be NULL.`
            : '';
          out.push({
            ...rangeAt(stmt, c.location),
            message: `ADD COLUMN ${col} … ${kind} builds a unique index on ${t} while holding ${lockPhrase('ACCESS EXCLUSIVE', table)}, for the whole index build.${fails}`,
            help: `Add the column without ${kind} (and fill it${pk ? ' and make it NOT NULL' : ''} in batches if needed), then \`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${cname} ON ${t} (${col});\` outside a transaction block, then \`ALTER TABLE ${t} ADD CONSTRAINT ${cname} ${kind} USING INDEX ${cname};\` (instant).`,
          });
        }
      }
    }
    return out;
  },
  fix: (stmt, report, ctx) => uniqueUsingIndex(stmt, report, ctx),
});

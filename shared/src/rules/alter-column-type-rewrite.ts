import { typeChangeExpandContract } from '../fixes/expand-contract';
import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, lockPhrase, name, rangeAt } from './_helpers';
import { typeRef, typeToString } from '../ast/types';
import { alterCmdEffect } from '../locks/catalogue';
import { quoteIdent } from '../ast/names';

export default defineRule({
  meta: {
    id: 'alter-column-type-rewrite',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'ALTER COLUMN … TYPE that rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock.',
    docs: docsUrl('alter-column-type-rewrite'),
    fixable: true,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (cmd.subtype !== 'AT_AlterColumnType' || ctx.isNew(table)) continue;
      const effect = alterCmdEffect(cmd, table, { catalog: ctx.catalog, pgVersion: ctx.pgVersion });
      // rewriteUnknown: the old type is not known and the change could be a rewrite-free widening.
      if (!effect.rewrite || effect.rewriteUnknown) continue;
      const raw: string = cmd.name;
      const col = quoteIdent(raw);
      const colNew = quoteIdent(`${raw}_new`);
      const colOld = quoteIdent(`${raw}_old`);
      const colDef = cmd.def?.ColumnDef;
      const to = typeRef(colDef?.typeName);
      const from = ctx.catalog.relation(table)?.columns.get(raw)?.type;
      const t = name(table);
      const using = !!colDef?.raw_default;
      const why = using
        ? 'the USING expression is evaluated for every row'
        : from
          ? `${typeToString(from)} → ${typeToString(to)} is not a binary-coercible change`
          : `pgsafe does not know the current type of ${col}, and no change from another type to ${typeToString(to)} is rewrite-free`;
      const tz = from?.name === 'timestamp' && to?.name === 'timestamptz' && !using
        ? ' (PostgreSQL 12+ skips this rewrite only when the TimeZone setting is UTC, which pgsafe cannot see)'
        : '';
      out.push({
        ...rangeAt(stmt, colDef?.location),
        message: `ALTER COLUMN ${col} TYPE ${typeToString(to)} rewrites ${t} and rebuilds its indexes — ${why}${tz} — while holding ${lockPhrase('ACCESS EXCLUSIVE', table)}, for the whole rewrite.`,
        help: `Expand and contract instead: (1) \`ALTER TABLE ${t} ADD COLUMN ${colNew} ${typeToString(to)};\` (2) a trigger that sets ${colNew} from ${col} on INSERT and UPDATE; (3) backfill ${colNew} in batches; (4) build its indexes with CREATE INDEX CONCURRENTLY and its constraints NOT VALID + VALIDATE; (5) in one short transaction, rename ${col} → ${colOld} and ${colNew} → ${col} and drop the trigger; (6) drop ${colOld} once no code reads it.`,
      });
    }
    return out;
  },
  fix: (stmt, _report, ctx) => typeChangeExpandContract(stmt, ctx),
});

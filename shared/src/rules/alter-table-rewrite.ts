import { defineRule, docsUrl, type RuleReport } from './types';
import { lockPhrase, name } from './_helpers';
import { columnConstraints } from './_columns';
import { isVirtualGenerated } from '../ast/types';
import { quoteIdent, rangeVarName, sameName, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';

/** The generated kind of `table.column` if an ADD COLUMN earlier in the file defined it. */
function generatedKindInFile(ctx: RuleContext, stmt: Statement, table: QName, column: string): 'virtual' | 'stored' | undefined {
  let kind: 'virtual' | 'stored' | undefined;
  for (const s of ctx.statements) {
    if (s.index >= stmt.index) break;
    if (s.kind !== 'AlterTableStmt') continue;
    const rel = rangeVarName(s.node?.relation);
    if (!rel || !sameName(rel, table)) continue;
    for (const c of s.node?.cmds ?? []) {
      const def = c.AlterTableCmd?.subtype === 'AT_AddColumn' ? c.AlterTableCmd.def?.ColumnDef : undefined;
      if (def?.colname !== column) continue;
      const gen = columnConstraints(def).find((k) => k.contype === 'CONSTR_GENERATED');
      if (gen) kind = isVirtualGenerated(gen) ? 'virtual' : 'stored';
    }
  }
  return kind;
}

export default defineRule({
  meta: {
    id: 'alter-table-rewrite',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'SET LOGGED / UNLOGGED / TABLESPACE / ACCESS METHOD and ALTER COLUMN … SET EXPRESSION rewrite the whole table under an ACCESS EXCLUSIVE lock.',
    docs: docsUrl('alter-table-rewrite'),
    fixable: false,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    if (stmt.kind !== 'AlterTableStmt' || !stmt.node) return undefined;
    const objtype = stmt.node.objtype ?? 'OBJECT_TABLE';
    if (objtype !== 'OBJECT_TABLE' && objtype !== 'OBJECT_MATVIEW') return undefined;
    const table = rangeVarName(stmt.node.relation);
    if (!table || ctx.isNew(table)) return undefined;
    const t = name(table);
    const lock = lockPhrase('ACCESS EXCLUSIVE', table);
    const window = `or do it in a maintenance window with a short \`SET lock_timeout\` so it never queues in front of traffic for long`;
    const matview = objtype === 'OBJECT_MATVIEW';
    const rebuild = (clause: string) => `Build a replacement instead: \`CREATE MATERIALIZED VIEW ${table.name}_new ${clause} AS …;\` (with its indexes, built CONCURRENTLY), then in one short transaction drop ${t} and rename ${table.name}_new to ${table.name}, ${window}.`;
    const out: RuleReport[] = [];
    for (const c of stmt.node.cmds ?? []) {
      const cmd = c.AlterTableCmd;
      switch (cmd?.subtype) {
        case 'AT_SetLogged':
        case 'AT_SetUnLogged': {
          const logged = cmd.subtype === 'AT_SetLogged';
          out.push({
            message: `SET ${logged ? 'LOGGED' : 'UNLOGGED'} rewrites ${t} and its indexes${logged ? ', writing the whole table to the WAL (and to replicas),' : ''} while holding ${lock}, for the whole rewrite.`,
            help: `There is no online form: copy into a new ${logged ? 'logged' : 'unlogged'} table in batches (a trigger carries new writes) and swap the names in one short transaction, ${window}.`,
          });
          break;
        }
        case 'AT_SetTableSpace':
          out.push({
            message: `SET TABLESPACE ${cmd.name ?? ''} copies every data file of ${t} to the new tablespace while holding ${lock}, for the whole copy (its indexes stay where they are unless moved too).`,
            help: matview ? rebuild(`TABLESPACE ${cmd.name ?? '<tablespace>'}`) : `Move it online with pg_repack (\`pg_repack --table=${t} --tablespace=${cmd.name ?? '<tablespace>'} --moveidx\`, which copies the table while traffic continues and locks only briefly at the swap), ${window}.`,
          });
          break;
        case 'AT_SetAccessMethod':
          out.push({
            message: `SET ACCESS METHOD ${cmd.name ?? 'DEFAULT'} rewrites ${t} and its indexes into the new storage format while holding ${lock}, for the whole rewrite.`,
            help: matview ? rebuild(`USING ${cmd.name ?? '<method>'}`) : `Copy into a new table created with \`USING ${cmd.name ?? '<method>'}\` in batches (a trigger carries new writes) and swap the names in one short transaction, ${window}.`,
          });
          break;
        case 'AT_SetExpression': {
          const kind = generatedKindInFile(ctx, stmt, table, cmd.name);
          const col = quoteIdent(cmd.name ?? '');
          if (kind === 'virtual') break;
          const maybeVirtual = ctx.pgVersion >= 18 && !kind ? ` (a VIRTUAL generated column is not rewritten; pgsafe does not know which kind ${col} is)` : '';
          out.push({
            message: `ALTER COLUMN ${col} SET EXPRESSION recomputes the stored generated column for every row, rewriting ${t} and its indexes while holding ${lock}, for the whole rewrite${maybeVirtual}.`,
            help: `Add a new plain column kept up to date by a BEFORE INSERT OR UPDATE trigger with the new expression, backfill it in batches, then swap the columns in one short transaction and drop the old one, ${window}.`,
          });
          break;
        }
        default:
          break;
      }
    }
    return out;
  },
});

import { cicGuard } from '../fixes/concurrently';
import { defineRule, docsUrl } from './types';
import { name, targetOf } from './_helpers';
import { listName, quoteIdent, sameName, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';

/** An earlier `DROP INDEX [CONCURRENTLY] IF EXISTS <index>` in the file. */
function droppedBefore(stmt: Statement, ctx: RuleContext, index: QName): boolean {
  return ctx.statements.some((s) => s.index < stmt.index && s.kind === 'DropStmt' && s.node?.removeType === 'OBJECT_INDEX' && s.node.missing_ok
    && (s.node.objects ?? []).some((o: any) => {
      const q = listName(o.List?.items);
      return !!q && sameName(q, index);
    }));
}

export default defineRule({
  meta: {
    id: 'require-cic-guard',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'CREATE INDEX CONCURRENTLY that cannot be re-run after a failure (no IF NOT EXISTS and no DROP INDEX IF EXISTS before it).',
    docs: docsUrl('require-cic-guard'),
    fixable: true,
  },
  statementKinds: ['IndexStmt'],
  check(stmt, ctx) {
    if (stmt.kind !== 'IndexStmt' || !stmt.node?.concurrent || stmt.node.if_not_exists) return undefined;
    const n = stmt.node;
    const table = targetOf(stmt);
    if (!table || ctx.isNew(table)) return undefined;
    if (n.idxname && droppedBefore(stmt, ctx, { schema: table.schema, name: n.idxname })) return undefined;
    const recovery = ctx.pgVersion >= 12
      ? 'check `SELECT indisvalid FROM pg_index WHERE indexrelid = \'<index>\'::regclass` and fix an INVALID one with REINDEX INDEX CONCURRENTLY (or DROP INDEX CONCURRENTLY and rebuild)'
      : 'check `SELECT indisvalid FROM pg_index WHERE indexrelid = \'<index>\'::regclass` and fix an INVALID one with DROP INDEX CONCURRENTLY and a rebuild';
    const failure = `If CREATE INDEX CONCURRENTLY fails or is cancelled (deadlock, unique violation, lock or statement timeout), it leaves an INVALID index behind: it is not used by queries but is still maintained on every write.`;
    if (!n.idxname) {
      return {
        message: `${failure} This index on ${name(table)} has no name, so a re-run cannot detect the leftover: it builds a second index under a new generated name, and the INVALID one stays.`,
        help: `Name the index and make the statement re-runnable: \`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${table.name}_…_idx ON ${name(table)} …\`. IF NOT EXISTS also skips an INVALID leftover silently, so after a failure ${recovery}.`,
      };
    }
    const idx = quoteIdent(n.idxname);
    return {
      message: `${failure} Re-running this migration then fails with "relation \\"${n.idxname}\\" already exists", because ${idx} on ${name(table)} has neither IF NOT EXISTS nor a DROP INDEX IF EXISTS before it.`,
      help: `Either put \`DROP INDEX CONCURRENTLY IF EXISTS ${idx};\` before it (rebuilds from scratch on a re-run), or write \`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${idx} …\` — but IF NOT EXISTS silently keeps an INVALID leftover, so after a failure ${recovery.replace('<index>', n.idxname)}.`,
    };
  },
  fix: (stmt, _report, ctx) => cicGuard(stmt, ctx),
});

// Recipe: CREATE INDEX → CREATE INDEX CONCURRENTLY IF NOT EXISTS (named), DROP INDEX → DROP INDEX
// CONCURRENTLY IF EXISTS, each moved out of any transaction the way the framework needs.
import { displayName, quoteIdent, rangeVarName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, TextEdit } from '../rules/types';
import { outsideTransaction, rewriteSource } from './placement';
import { slugOf } from './naming';
import { findWord, keywordCase, tokensOf } from './text';

/** PostgreSQL's name for an unnamed index: table_col1_col2_idx (expressions: table_expr_idx), ≤ 63 bytes. */
export function defaultIndexName(table: string, node: any): string {
  const cols = (node.indexParams ?? []).map((p: any) => p.IndexElem?.name ?? 'expr');
  let base = `${table}_${cols.join('_')}`;
  const suffix = '_idx';
  if (Buffer.byteLength(base + suffix) > 63) base = base.slice(0, 63 - suffix.length);
  return base + suffix;
}

export function createIndexConcurrently(stmt: Statement, ctx: RuleContext): Fix[] {
  const n = stmt.node;
  const table = rangeVarName(n?.relation);
  if (!n || !table || n.concurrent) return [];
  const toks = tokensOf(stmt);
  const at = findWord(toks, ['INDEX']);
  if (at === -1) return [];
  const kw = (w: string) => keywordCase(toks[at].text, w);
  const edits: TextEdit[] = [];
  let name = n.idxname as string | undefined;
  let insert = ` ${kw('CONCURRENTLY')}`;
  if (!n.if_not_exists) {
    if (!name) {
      // IF NOT EXISTS needs a name: PostgreSQL's own default, written out.
      name = defaultIndexName(table.name, n);
      const on = findWord(toks, ['ON'], at);
      if (on === -1) return [];
      edits.push({ start: toks[on].start, end: toks[on].start, newText: `${quoteIdent(name)} ` });
    }
    insert += ` ${kw('IF NOT EXISTS')}`;
  }
  edits.push({ start: toks[at].end, end: toks[at].end, newText: insert });
  const indexName = displayName({ schema: table.schema, name: name! });
  return fixOf(stmt, ctx, {
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS',
    rewrite: edits,
    sql: rewriteSource(ctx.text, stmt, edits),
    down: `DROP INDEX CONCURRENTLY IF EXISTS ${indexName};`,
    slug: slugOf(`create_${name}`),
  });
}

export function dropIndexConcurrently(stmt: Statement, ctx: RuleContext): Fix[] {
  const n = stmt.node;
  if (!n || n.removeType !== 'OBJECT_INDEX' || n.concurrent) return [];
  // CONCURRENTLY drops one index and cannot CASCADE.
  if ((n.objects ?? []).length !== 1 || n.behavior === 'DROP_CASCADE') return [];
  const toks = tokensOf(stmt);
  const at = findWord(toks, ['INDEX']);
  if (at === -1) return [];
  const kw = (w: string) => keywordCase(toks[at].text, w);
  const edits: TextEdit[] = [{ start: toks[at].end, end: toks[at].end, newText: ` ${kw('CONCURRENTLY')}${n.missing_ok ? '' : ` ${kw('IF EXISTS')}`}` }];
  const items = n.objects[0].List?.items ?? [];
  const idx = items.map((i: any) => i.String?.sval).filter(Boolean).join('_');
  return fixOf(stmt, ctx, {
    title: 'Use DROP INDEX CONCURRENTLY IF EXISTS',
    rewrite: edits,
    sql: rewriteSource(ctx.text, stmt, edits),
    down: '-- Recreating the dropped index needs its definition: see the migration that created it.',
    slug: slugOf(`drop_${idx}`),
  });
}

function fixOf(stmt: Statement, ctx: RuleContext, r: Parameters<typeof outsideTransaction>[2]): Fix[] {
  const f = outsideTransaction(stmt, ctx, r);
  return f ? [f] : [];
}

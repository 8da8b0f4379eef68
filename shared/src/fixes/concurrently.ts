// CONCURRENTLY forms that are one keyword away: REINDEX … CONCURRENTLY, REFRESH MATERIALIZED VIEW
// CONCURRENTLY, DETACH PARTITION … CONCURRENTLY, and a CONCURRENTLY statement that only needs to
// leave its transaction. The ones PostgreSQL refuses in a transaction block go through placement.
import { displayName, quoteIdent, rangeVarName } from '../ast/names';
import { defaultIndexName } from './index-concurrently';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, TextEdit } from '../rules/types';
import { outsideTransaction, rewriteSource, sentStatementByStatement } from './placement';
import { nonTransactionalForm } from '../rules/concurrently-in-transaction';
import { slugOf } from './naming';
import { eol, findWord, keywordCase, lineStart, statementSource, tokensOf } from './text';

function placed(stmt: Statement, ctx: RuleContext, title: string, rewrite: TextEdit[], down: string, slug: string): Fix[] {
  const f = outsideTransaction(stmt, ctx, { title, rewrite, sql: rewriteSource(ctx.text, stmt, rewrite), down, slug });
  return f ? [f] : [];
}

/** REINDEX { INDEX | TABLE } name → REINDEX { INDEX | TABLE } CONCURRENTLY name (PostgreSQL 12+). */
export function reindexConcurrently(stmt: Statement, ctx: RuleContext): Fix[] {
  const n = stmt.node;
  if (!n || (n.kind !== 'REINDEX_OBJECT_INDEX' && n.kind !== 'REINDEX_OBJECT_TABLE') || ctx.pgVersion < 12) return [];
  const toks = tokensOf(stmt);
  const at = findWord(toks, [n.kind === 'REINDEX_OBJECT_INDEX' ? 'INDEX' : 'TABLE']);
  if (at === -1) return [];
  const target = rangeVarName(n.relation);
  return placed(stmt, ctx, `Use REINDEX ${n.kind === 'REINDEX_OBJECT_INDEX' ? 'INDEX' : 'TABLE'} CONCURRENTLY`, [{ start: toks[at].end, end: toks[at].end, newText: ` ${keywordCase(toks[at].text, 'CONCURRENTLY')}` }],
    '-- REINDEX changes no definitions: nothing to undo.', slugOf(`reindex_${target?.name ?? 'index'}`));
}

/** REFRESH MATERIALIZED VIEW v → … CONCURRENTLY v, when a unique index on plain columns makes it possible. It may run in a transaction. */
export function refreshConcurrently(stmt: Statement, ctx: RuleContext): Fix[] {
  const n = stmt.node;
  const view = rangeVarName(n?.relation);
  if (!n || !view) return [];
  const usable = ctx.catalog.indexesOn(view).some((i) => i.unique && !i.partial && (i.columns ?? []).length > 0 && (i.columns ?? []).every((c) => !c.startsWith('(')));
  if (!usable) return [];
  const toks = tokensOf(stmt);
  const at = findWord(toks, ['VIEW']);
  if (at === -1) return [];
  return [{ title: 'Use REFRESH MATERIALIZED VIEW CONCURRENTLY', edits: [{ start: toks[at].end, end: toks[at].end, newText: ` ${keywordCase(toks[at].text, 'CONCURRENTLY')}` }], preferred: true }];
}

/** ALTER TABLE p DETACH PARTITION c → … DETACH PARTITION c CONCURRENTLY (PostgreSQL 14+), out of the transaction. */
export function detachConcurrently(stmt: Statement, ctx: RuleContext): Fix[] {
  const cmds = stmt.node?.cmds ?? [];
  if (ctx.pgVersion < 14 || cmds.length !== 1 || cmds[0].AlterTableCmd?.subtype !== 'AT_DetachPartition') return [];
  const part = rangeVarName(cmds[0].AlterTableCmd.def?.PartitionCmd?.name);
  const toks = tokensOf(stmt);
  const last = toks[toks.length - 1];
  if (!part || !last || findWord(toks, ['FINALIZE']) !== -1) return [];
  return placed(stmt, ctx, 'Use DETACH PARTITION … CONCURRENTLY', [{ start: last.end, end: last.end, newText: ` ${keywordCase(toks[0].text, 'CONCURRENTLY')}` }],
    `ALTER TABLE ${displayName(rangeVarName(stmt.node?.relation))} ATTACH PARTITION ${displayName(part)} -- add the partition bound (FOR VALUES …) it had;`, slugOf(`detach_${part.name}`));
}

/** A CONCURRENTLY statement in a transaction block: moved out of it, unchanged. */
export function leaveTransaction(stmt: Statement, ctx: RuleContext): Fix[] {
  if (!ctx.tx.inTransaction || 'parent' in stmt) return [];
  const form = nonTransactionalForm(stmt) ?? 'it';
  const f = outsideTransaction(stmt, ctx, { title: `Run ${form}`, rewrite: [], sql: statementSource(ctx.text, stmt), down: '-- See the statement above: undo it by hand if needed.', slug: slugOf(stmt.text.split(/\s+/).slice(0, 4).join('_')) });
  return f && f.edits.length + (f.newFiles?.length ?? 0) > 0 ? [f] : [];
}

/**
 * CREATE INDEX CONCURRENTLY without a re-run guard → … CONCURRENTLY IF NOT EXISTS <name> (named
 * when unnamed); or, where statements are sent one by one outside a transaction, `DROP INDEX
 * CONCURRENTLY IF EXISTS <name>` before it, so a re-run also replaces an INVALID leftover (IF NOT
 * EXISTS would keep it). One query cannot hold both: PostgreSQL runs it as a transaction block.
 */
export function cicGuard(stmt: Statement, ctx?: RuleContext): Fix[] {
  const n = stmt.node;
  const table = rangeVarName(n?.relation);
  if (!n || !table || !n.concurrent || n.if_not_exists) return [];
  const toks = tokensOf(stmt);
  const at = findWord(toks, ['CONCURRENTLY']);
  if (at === -1) return [];
  const name: string = n.idxname ?? defaultIndexName(table.name, n);
  const naming: TextEdit[] = [];
  if (!n.idxname) {
    const on = findWord(toks, ['ON'], at);
    if (on === -1) return [];
    naming.push({ start: toks[on].start, end: toks[on].start, newText: `${quoteIdent(name)} ` });
  }
  const fixes: Fix[] = [{ title: n.idxname ? 'Add IF NOT EXISTS' : 'Name the index and add IF NOT EXISTS', edits: [{ start: toks[at].end, end: toks[at].end, newText: ` ${keywordCase(toks[at].text, 'IF NOT EXISTS')}` }, ...naming], preferred: true }];
  if (ctx && !ctx.tx.inTransaction && !('parent' in stmt) && stmt.block === undefined && sentStatementByStatement(ctx)) {
    const k = (w: string) => keywordCase(toks[at].text, w);
    const ls = lineStart(ctx.text, stmt.start);
    const own = ctx.text.slice(ls, stmt.start).trim() === '';
    const drop = `${k('DROP INDEX CONCURRENTLY IF EXISTS')} ${displayName({ schema: table.schema, name })};${eol(ctx.text)}`;
    fixes.push({ title: `${n.idxname ? 'Put' : 'Name the index and put'} DROP INDEX CONCURRENTLY IF EXISTS before it (a re-run then rebuilds the index, an INVALID leftover included)`, edits: [{ start: own ? ls : stmt.start, end: own ? ls : stmt.start, newText: own ? `${ctx.text.slice(ls, stmt.start)}${drop}` : drop }, ...naming] });
  }
  return fixes;
}

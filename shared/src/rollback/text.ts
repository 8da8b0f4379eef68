// Source slices of parse-tree nodes. libpg-query (the npm package) has no deparser, so what a
// rollback re-creates is printed from the migrations' own text: a clause is cut from its start
// location to the end of its list item (scanner tokens, parenthesis depth), and an expression is
// cut and then proved by re-parsing: the slice must parse to the same tree as the node.
import { lex } from '../parse/lexer';
import { parseSql } from '../parse/pgquery';
import type { Statement } from '../parse/statement';
import { quoteIdent, type QName } from '../ast/names';

export interface Tok {
  start: number; // UTF-16 offset in the scanned text
  end: number;
  text: string;
}

/**
 * Tokens of `text` with UTF-16 offsets (comments dropped); none when the text does not scan
 * (exprText tries cuts that may end inside a string). The fix lexer gives libpg-query's scanner
 * tokens (test/unit/lexer.test.ts) without its per-token JSON and byte offsets.
 */
export function tokens(text: string): Tok[] {
  const all = lex(text);
  return all ? all.filter((t) => !t.comment) : [];
}

/** A statement's text (without its `;`) and the offset of a parser location within it. */
export function offsetIn(stmt: Statement, location: number | undefined): number {
  return stmt.loc(location) - stmt.start;
}

/**
 * From `from` (an offset in `text`) to the end of the list item that starts there: a top-level
 * `,`, the `)` that closes the enclosing list, or the end of the text.
 */
export function itemEnd(text: string, from: number): number {
  const toks = tokens(text.slice(from));
  let depth = 0;
  let end = from;
  for (const t of toks) {
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') {
      if (depth === 0) break;
      depth--;
    } else if ((t.text === ',' || t.text === ';') && depth === 0) break;
    end = from + t.end;
  }
  return end;
}

/** Every `location` in a subtree (parser byte offsets). */
function locations(node: unknown, out: number[] = []): number[] {
  if (Array.isArray(node)) for (const x of node) locations(x, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'location' && typeof v === 'number' && v >= 0) out.push(v);
      else locations(v, out);
    }
  }
  return out;
}

/** The tree without `location` fields, as a string: two nodes are the same SQL when these match. */
export function fingerprint(node: unknown): string {
  return JSON.stringify(node, (k, v) => (k === 'location' || k === 'stmt_location' || k === 'stmt_len' ? undefined : v));
}

/** The expression a one-target `SELECT` parses to, or undefined. */
function parseExpr(sql: string): unknown {
  const r = parseSql(`SELECT ${sql}`);
  if (!r.ok || r.result.stmts.length !== 1) return undefined;
  const sel = r.result.stmts[0].stmt?.SelectStmt;
  if (!sel || sel.targetList?.length !== 1 || sel.fromClause) return undefined;
  return sel.targetList[0].ResTarget?.val;
}

/**
 * The source text of an expression node of `stmt`, proved by re-parsing (same tree), or
 * undefined. `limit`: offset in the statement text the expression cannot pass.
 */
export function exprText(stmt: Statement, node: unknown, limit?: number): string | undefined {
  const locs = locations(node);
  if (!locs.length) return undefined;
  const text = stmt.text;
  const start = offsetIn(stmt, Math.min(...locs));
  const last = offsetIn(stmt, Math.max(...locs));
  const want = fingerprint(node);
  const toks = tokens(text.slice(start, limit ?? text.length));
  let tried = 0;
  for (const t of toks) {
    if (start + t.end <= last) continue;
    if (++tried > 40) break;
    const cand = text.slice(start, start + t.end);
    const got = parseExpr(cand);
    if (got !== undefined && fingerprint(got) === want) return cand;
  }
  return undefined;
}

/** `schema.name` with quoting. */
export function qname(q: QName): string {
  return q.schema ? `${quoteIdent(q.schema)}.${quoteIdent(q.name)}` : quoteIdent(q.name);
}

/** A SQL string literal. */
export function literal(s: string): string {
  return /\\/.test(s) ? `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${s.replace(/'/g, "''")}'`;
}

/** Does this SQL parse as exactly `count` statements (default: at least one)? */
export function parses(sql: string): { ok: true; count: number } | { ok: false; message: string } {
  const r = parseSql(sql);
  if (!r.ok) return { ok: false, message: r.error.message };
  return { ok: true, count: r.result.stmts.length };
}

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

/** The identifier a token spells (unquoted ones folded to lower case), or undefined for other tokens. */
export function identOf(t: Tok | undefined): string | undefined {
  if (!t) return undefined;
  if (t.text.startsWith('"')) return t.text.slice(1, -1).replace(/""/g, '"');
  return /^[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*$/.test(t.text) ? t.text.toLowerCase() : undefined;
}

/** Does `text` name `name` anywhere (as an identifier token; strings and comments do not count)? */
export function mentions(text: string, name: string, skip?: Tok): boolean {
  return tokens(text).some((t) => t !== skip && t.start !== skip?.start && identOf(t) === name);
}

/**
 * `CREATE TRIGGER name … ON table …`, `CREATE POLICY name ON table …`, `ALTER POLICY name ON
 * table …`: the object name is the token after the first `keyword`, the table the name after the
 * first `ON` (a reserved word: a column called on is quoted). Returns the text with either one
 * replaced; `stale` when the old table name also appears elsewhere in the text (a subquery, a
 * constraint trigger's FROM): that mention cannot be rewritten safely.
 */
export function retarget(text: string, change: { keyword: string; name: string } | { table: string; from: string }): { text: string; stale: boolean } | undefined {
  const toks = tokens(text);
  let at: Tok | undefined;
  if ('keyword' in change) {
    const i = toks.findIndex((t) => t.text.toLowerCase() === change.keyword);
    at = i >= 0 ? toks[i + 1] : undefined;
    if (!at || identOf(at) === undefined) return undefined;
    return { text: text.slice(0, at.start) + quoteIdent(change.name) + text.slice(at.end), stale: false };
  }
  const on = toks.findIndex((t) => t.text.toLowerCase() === 'on');
  if (on < 0) return undefined;
  at = toks[on + 2]?.text === '.' ? toks[on + 3] : toks[on + 1];
  if (!at || identOf(at) !== change.from) return undefined;
  return { text: text.slice(0, at.start) + quoteIdent(change.table) + text.slice(at.end), stale: mentions(text, change.from, at) };
}

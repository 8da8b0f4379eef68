// DO blocks run at migration time, so the SQL inside them locks tables like any other statement.
// The PL/pgSQL parser finds the embedded statements and the literal EXECUTE strings; each is
// parsed and returned as a statement with its range in the file, so the rules check it too.
// (CREATE FUNCTION bodies are not checked: they run later, when the function is called.)
import { ByteMap } from './offsets';
import { parsePlpgsql, parseSql } from './pgquery';
import type { Statement } from './statement';

export interface EmbeddedStatement extends Statement {
  parent: Statement;
  /** Came from `EXECUTE '<literal>'` rather than plain PL/pgSQL SQL. */
  dynamic: boolean;
  /** Inside an IF / CASE / loop / exception handler: it may not run at all. */
  conditional: boolean;
}

/** PL/pgSQL statements whose bodies run only under a condition (or any number of times). */
const CONDITIONAL = new Set(['PLpgSQL_stmt_if', 'PLpgSQL_stmt_case', 'PLpgSQL_stmt_loop', 'PLpgSQL_stmt_while', 'PLpgSQL_stmt_fori', 'PLpgSQL_stmt_fors', 'PLpgSQL_stmt_forc', 'PLpgSQL_stmt_foreach_a', 'PLpgSQL_stmt_dynfors', 'PLpgSQL_exception_block']);

export function embeddedStatements(doStmt: Statement, fileText: string): EmbeddedStatement[] {
  if (doStmt.kind !== 'DoStmt' || !doStmt.node) return [];
  let body: string | undefined;
  let language = 'plpgsql';
  let bodyLoc: number | undefined;
  for (const a of doStmt.node.args ?? []) {
    const d = a.DefElem;
    if (d?.defname === 'as') {
      body = d.arg?.String?.sval;
      bodyLoc = d.location;
    } else if (d?.defname === 'language') language = d.arg?.String?.sval ?? language;
  }
  if (body === undefined || language !== 'plpgsql') return [];
  const bodyStart = locateBody(fileText, doStmt, bodyLoc, body);
  const tag = uniqueTag(body);
  const parsed = parsePlpgsql(`CREATE FUNCTION pgsafe_do() RETURNS void LANGUAGE plpgsql AS ${tag}${body}${tag}`);
  const fn = parsed?.plpgsql_funcs?.[0]?.PLpgSQL_function;
  if (!fn) return [];
  const lineStarts = [0];
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const out: EmbeddedStatement[] = [];
  const visit = (node: any, conditional: boolean): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) visit(x, conditional);
      return;
    }
    for (const key in node) {
      const value = node[key];
      if (key === 'PLpgSQL_stmt_execsql') {
        const q: string | undefined = value.sqlstmt?.PLpgSQL_expr?.query;
        if (q) out.push(...embed(q, find(q, value.lineno), false, conditional));
      } else if (key === 'PLpgSQL_stmt_dynexecute') {
        const q: string | undefined = value.query?.PLpgSQL_expr?.query;
        const lit = q ? unquoteLiteral(q) : undefined;
        if (q && lit !== undefined) {
          const at = find(q, value.lineno);
          out.push(...embed(lit.value, at === undefined ? undefined : at + lit.offset, true, conditional));
        }
      } else visit(value, conditional || CONDITIONAL.has(key));
    }
  };
  const find = (q: string, lineno: number | undefined): number | undefined => {
    const from = lineStarts[Math.max(0, (lineno ?? 1) - 1)] ?? 0;
    const i = body!.indexOf(q, from);
    return i === -1 ? undefined : i;
  };
  const embed = (sql: string, at: number | undefined, dynamic: boolean, conditional: boolean): EmbeddedStatement[] => {
    const r = parseSql(sql);
    if (!r.ok) return [];
    const exact = at !== undefined && bodyStart !== undefined;
    const base = exact ? bodyStart! + at! : doStmt.start;
    const map = new ByteMap(sql);
    return r.result.stmts.filter((s) => s.stmt).map((s) => {
      const kind = Object.keys(s.stmt!)[0];
      const locB = s.stmt_location ?? 0;
      const start = exact ? base + map.toIndex(locB) : doStmt.start;
      const end = exact ? base + (s.stmt_len ? map.toIndex(locB + s.stmt_len) : sql.length) : doStmt.end;
      return {
        ...doStmt,
        start,
        end,
        terminator: undefined,
        text: fileText.slice(start, end),
        kind,
        node: s.stmt![kind],
        error: undefined,
        leadingComments: [],
        loc: (l: number | undefined) => (exact ? base + map.toIndex(l ?? 0) : doStmt.start),
        parent: doStmt,
        dynamic,
        conditional,
      };
    });
  };
  visit(fn.action, false);
  return out;
}

/** File offset of the first body character, when the body is dollar-quoted (exact positions). */
function locateBody(fileText: string, doStmt: Statement, loc: number | undefined, body: string): number | undefined {
  const at = doStmt.loc(loc);
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(fileText.slice(at, at + 64));
  if (!m) return undefined;
  const start = at + m[0].length;
  return fileText.startsWith(body, start) ? start : undefined;
}

function uniqueTag(body: string): string {
  let tag = '$pgsafe$';
  for (let i = 0; body.includes(tag); i++) tag = `$pgsafe${i}$`;
  return tag;
}

/** `'ALTER …'` / `E'…'` / `$$…$$` → its value and the offset of the value inside the literal. */
function unquoteLiteral(q: string): { value: string; offset: number } | undefined {
  const t = q.trim();
  const lead = q.indexOf(t);
  if (/^'(?:[^']|'')*'$/s.test(t)) return { value: t.slice(1, -1).replace(/''/g, "'"), offset: lead + 1 };
  const d = /^(\$[A-Za-z_0-9]*\$)([\s\S]*)\1$/.exec(t);
  if (d) return { value: d[2], offset: lead + d[1].length };
  return undefined;
}

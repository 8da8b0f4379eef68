// Text helpers for fixes: tokens of a statement at file offsets, a statement's whole lines, the
// file's line ending. Fixes edit the user's text in place; they never re-print a statement.
import { lex } from '../parse/lexer';
import type { Statement } from '../parse/statement';

export interface Tok {
  start: number;
  end: number;
  text: string;
  /**
   * Upper-cased text of a bare word, '' for quoted identifiers, literals and punctuation. Set for
   * every bare word, keyword or not (a column named `table` has TABLE): compare it only with
   * keywords, which is what findWord and every `.word` test in fixes/ do.
   */
  word: string;
}

interface Scanned {
  toks: Tok[];
  /** File offsets of the comments inside the statement. */
  comments: { start: number; end: number }[];
}

// Several fixes look at the same statement (and each fix is asked once per finding): scan each
// statement once. Statements are rebuilt for every lint, so keying on the object is safe.
const scanned = new WeakMap<Statement, Scanned>();

// The lexer, not libpg-query's scanSync: same tokens (test/unit/lexer.test.ts holds it to that on
// the corpus) at a fraction of the cost, directly in UTF-16 file offsets. A statement the lexer
// rejects (only possible for text the parser rejected too) has no tokens, as before.
function scan(stmt: Statement): Scanned {
  let s = scanned.get(stmt);
  if (s) return s;
  const all = lex(stmt.text, stmt.start) ?? [];
  // Most statements have no comment inside: keep the lexer's array as it is.
  s = all.some((t) => t.comment) ? { toks: all.filter((t) => !t.comment), comments: all.filter((t) => t.comment) } : { toks: all, comments: [] };
  scanned.set(stmt, s);
  return s;
}

/** The statement's tokens (comments excluded), at file offsets. Shared: do not mutate. */
export function tokensOf(stmt: Statement): readonly Tok[] {
  return scan(stmt).toks;
}

/** The comments inside the statement, at file offsets. */
export function commentsOf(stmt: Statement): readonly { start: number; end: number }[] {
  return scan(stmt).comments;
}

/** Index of the last token of the ALTER TABLE subcommand that contains token `from` (before its `,` or `;`). */
export function subcommandEnd(toks: readonly Tok[], from: number): number {
  let depth = 0;
  for (let i = from; i < toks.length; i++) {
    const t = toks[i].text;
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (depth === 0 && (t === ',' || t === ';')) return i - 1;
  }
  return toks.length - 1;
}

/** First token with one of these keyword spellings, from index `from`. */
export function findWord(toks: readonly Tok[], words: readonly string[], from = 0): number {
  for (let i = from; i < toks.length; i++) if (toks[i].word && words.includes(toks[i].word)) return i;
  return -1;
}

let lastText: string | undefined;
let lastEol = '\n';

/** The file's line ending (remembered for the last file asked about: fixes ask once per finding). */
export function eol(text: string): string {
  if (text !== lastText) {
    lastText = text;
    lastEol = text.includes('\r\n') ? '\r\n' : '\n';
  }
  return lastEol;
}

const bySection = new WeakMap<readonly Statement[], Map<unknown, Statement[]>>();

/** The parsed statements of the statement's section (computed once per file). */
export function sectionStatements(all: readonly Statement[], stmt: Statement): Statement[] {
  let map = bySection.get(all);
  if (!map) {
    map = new Map();
    for (const s of all) {
      if (s.error) continue;
      let list = map.get(s.section);
      if (!list) map.set(s.section, (list = []));
      list.push(s);
    }
    bySection.set(all, map);
  }
  return map.get(stmt.section) ?? [];
}

/** Match the case the user writes keywords in (`index` → lower case insertions). */
export function keywordCase(sample: string, words: string): string {
  return sample === sample.toLowerCase() && sample !== sample.toUpperCase() ? words.toLowerCase() : words;
}

/** The statement with its `;`, as written (comments inside kept). */
export function statementSource(text: string, stmt: Statement): string {
  return text.slice(stmt.start, stmt.terminator !== undefined ? stmt.terminator + 1 : stmt.end);
}

/**
 * The range to delete to remove a statement: from its line start (when only blanks precede it on
 * the line) through its `;` and the rest of the line (when only blanks follow). Comments directly
 * above it stay where they are unless `withLeadingComments`.
 */
export function removalRange(text: string, stmt: Statement, withLeadingComments = false): { start: number; end: number } {
  let start = withLeadingComments && stmt.leadingComments.length ? stmt.leadingComments[0].start : stmt.start;
  const ls = text.lastIndexOf('\n', start - 1) + 1;
  if (/^[ \t]*$/.test(text.slice(ls, start))) start = ls;
  let end = stmt.terminator !== undefined ? stmt.terminator + 1 : stmt.end;
  const nl = text.indexOf('\n', end);
  const rest = text.slice(end, nl === -1 ? text.length : nl);
  if (/^[ \t\r]*$/.test(rest)) end = nl === -1 ? text.length : nl + 1;
  return { start, end };
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the line holding `offset` (after its newline), or the text's end. */
export function afterLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** Leading blanks of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const ls = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(ls, offset))![0];
}

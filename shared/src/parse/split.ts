// Text → statements. Fast path: the parser itself splits a section (exact ranges from
// stmt_location/stmt_len). When a section does not parse, the scanner splits it into statements
// at top-level semicolons, psql meta-commands are blanked, psql variables (`:name`) are replaced
// by same-length identifiers, and every statement is parsed on its own, so one syntax error marks
// one statement and the rest of the file is still checked.
import { ByteMap, advanceCodePoints } from './offsets';
import { parseSql, scanSql, type Token, type RawParsed, type ParseOutcome } from './pgquery';
import { layoutSections, type Section, type SectionLayout, type Direction } from './sections';
import type { Statement } from './statement';
import { skipTrivia, trimEnd, type Comment } from './trivia';
import { substitute, type Range } from './psql';

export interface SourceNote {
  kind: 'psql-meta-command' | 'psql-variable' | 'missing-semicolon';
  start: number;
  end: number;
  text: string;
}

export interface SplitResult {
  statements: Statement[];
  layout: SectionLayout;
  notes: SourceNote[];
  /** Comments after the last statement (a file-level suppression may sit there). */
  trailingComments: Comment[];
}

interface Chunk {
  start: number;
  end: number;
  section: Section;
  /** The chunk ends at a goose/sql-migrate StatementEnd marker. */
  forcedEnd: boolean;
  /** Id of the StatementBegin…End block the chunk is. */
  block?: number;
}

/**
 * Parse results of the pieces of a document's previous version, so an edit re-parses only the
 * pieces it touched (the language server keeps one per open document). Parse trees are shared
 * between versions: nothing may mutate them.
 */
export class ParseCache {
  private prev = new Map<string, ParseOutcome>();
  private next = new Map<string, ParseOutcome>();
  /** The last split, whole: the same version is split again for a code action or hover. */
  last: { text: string; direction: Direction; result: SplitResult } | undefined;
  hits = 0;
  misses = 0;

  parse(text: string): ParseOutcome {
    let r = this.next.get(text) ?? this.prev.get(text);
    if (r) this.hits++;
    else {
      r = parseSql(text);
      this.misses++;
    }
    this.next.set(text, r);
    return r;
  }

  /** One document version is done: keep only the pieces it used. */
  rotate(): void {
    this.prev = this.next;
    this.next = new Map();
  }
}

let activeCache: ParseCache | undefined;
const parse = (t: string): ParseOutcome => (activeCache ? activeCache.parse(t) : parseSql(t));

export function splitStatements(text: string, defaultDirection: Direction = 'up', cache?: ParseCache): SplitResult {
  // Statements are never changed after the split, so one result can serve every lint of a text.
  const last = cache?.last;
  if (last && last.text === text && last.direction === defaultDirection) return last.result;
  activeCache = cache;
  try {
    const result = splitAll(text, defaultDirection);
    if (cache) cache.last = { text, direction: defaultDirection, result };
    return result;
  } finally {
    activeCache = undefined;
    cache?.rotate();
  }
}

function splitAll(text: string, defaultDirection: Direction): SplitResult {
  const layout = layoutSections(text, defaultDirection);
  const notes: SourceNote[] = [];
  const statements: Statement[] = [];
  for (const chunk of chunksOf(layout)) {
    const before = statements.length;
    splitChunk(text, chunk, statements, notes);
    if (chunk.block !== undefined) for (let i = before; i < statements.length; i++) statements[i].block = chunk.block;
    const last = statements[statements.length - 1];
    if (chunk.forcedEnd && statements.length > before && last.terminator === undefined && !last.error) {
      // goose sends a StatementBegin/End block as one query, so this works under goose; run as a
      // plain script (psql, another runner) the statement would run into the next one.
      notes.push({ kind: 'missing-semicolon', start: last.end, end: last.end, text: last.text });
    }
  }

  let prevEnd = 0;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    s.index = i;
    skipTrivia(text, prevEnd, s.start, s.leadingComments);
    prevEnd = s.terminator !== undefined ? s.terminator + 1 : s.end;
  }
  const trailingComments: Comment[] = [];
  skipTrivia(text, prevEnd, text.length, trailingComments);
  return { statements, layout, notes, trailingComments };
}

/**
 * Cut sections at goose / sql-migrate StatementBegin and StatementEnd markers: a statement ends at
 * StatementEnd even without a `;`, and a Begin…End block is one query for the runner (`block`).
 */
function chunksOf(layout: SectionLayout): Chunk[] {
  const chunks: Chunk[] = [];
  const cuts = layout.markers
    .filter((m) => m.kind === 'statement-begin' || m.kind === 'statement-end')
    .map((m) => ({ at: m.start, begin: m.kind === 'statement-begin' }));
  let blocks = 0;
  for (const section of layout.sections) {
    let start = section.start;
    let inBlock = false;
    for (const c of cuts) {
      if (c.at <= start || c.at >= section.end) continue;
      chunks.push({ start, end: c.at, section, forcedEnd: !c.begin, block: inBlock && !c.begin ? ++blocks : undefined });
      inBlock = c.begin;
      start = c.at;
    }
    chunks.push({ start, end: section.end, section, forcedEnd: false });
  }
  return chunks;
}

function newStatement(section: Section, start: number, end: number, text: string): Statement {
  return {
    index: 0,
    start,
    end,
    terminator: undefined,
    text: text.slice(start, end),
    kind: '',
    node: undefined,
    error: undefined,
    section,
    leadingComments: [],
    hasPlaceholders: false,
    loc: () => start,
  };
}

/** Sections over twice this size are parsed in pieces of half to four times it (see parseInPieces). */
const PIECE_CHARS = 16384;

function splitChunk(text: string, chunk: Chunk, out: Statement[], notes: SourceNote[]): void {
  const chunkText = text.slice(chunk.start, chunk.end);
  if (skipTrivia(chunkText, 0, chunkText.length) === chunkText.length) return; // comments only
  if (chunkText.length > 2 * PIECE_CHARS && parseInPieces(text, chunk, chunkText, out)) return;
  const whole = parse(chunkText);
  if (whole.ok) {
    fromParse(text, chunk, chunkText, whole.result, out, []);
    return;
  }
  const tokens = scanSql(chunkText);
  if (!tokens) {
    // The scanner itself failed (e.g. an unterminated quote): the whole chunk is one bad statement.
    const start = chunk.start + skipTrivia(chunkText, 0, chunkText.length);
    const s = newStatement(chunk.section, start, trimEnd(text, start, chunk.end), text);
    s.error = { message: whole.error.message, offset: errorOffset(chunkText, chunk.start, whole.error.cursor) };
    out.push(s);
    return;
  }
  const bytes = new ByteMap(chunkText);
  const { parseText, meta, placeholders } = substitute(chunkText, tokens, bytes);
  for (const m of meta) notes.push({ kind: 'psql-meta-command', start: chunk.start + m.start, end: chunk.start + m.end, text: chunkText.slice(m.start, m.end) });
  for (const p of placeholders) notes.push({ kind: 'psql-variable', start: chunk.start + p.start, end: chunk.start + p.end, text: chunkText.slice(p.start, p.end) });

  if (parseText !== chunkText) {
    const retry = parse(parseText);
    if (retry.ok) {
      fromParse(text, chunk, parseText, retry.result, out, placeholders);
      return;
    }
  }
  fromTokens(text, chunk, parseText, tokens, bytes, meta, placeholders, out);
}

/**
 * Large sections: parse pieces cut after lines that end with `;`. A cut inside a string, comment,
 * dollar quote, parenthesis or BEGIN ATOMIC body leaves the piece before it unterminated, which the
 * parser rejects, so when every piece parses, every cut was a statement boundary and the result
 * equals one parse of the whole section. Many smaller parses are markedly faster than one huge
 * one (less WASM memory growth, smaller JSON documents). Any failure: the caller starts over.
 */
function parseInPieces(text: string, chunk: Chunk, chunkText: string, out: Statement[]): boolean {
  const pieces: { start: number; end: number; result: RawParsed }[] = [];
  let pos = 0;
  while (pos < chunkText.length) {
    let end = chunkText.length;
    // Cut after a line that ends with `;` and whose text picks it (a hash), between a minimum and a
    // maximum piece size: cuts depend on the lines around them, not on offsets, so after an edit
    // the pieces past it are the same texts as before and the language server's parse cache
    // still has them (cuts at fixed offsets moved with every edit, re-parsing the rest of the file).
    let nl = chunkText.indexOf('\n', pos + PIECE_CHARS / 2);
    while (nl !== -1 && chunkText.length - nl > PIECE_CHARS / 2) {
      let e = nl;
      while (e > pos && (chunkText.charCodeAt(e - 1) === 13 || chunkText.charCodeAt(e - 1) === 32 || chunkText.charCodeAt(e - 1) === 9)) e--;
      if (chunkText.charCodeAt(e - 1) === 59 && (nl - pos >= 4 * PIECE_CHARS || picksCut(chunkText, e))) {
        end = nl + 1;
        break;
      }
      nl = chunkText.indexOf('\n', nl + 1);
    }
    const pieceText = chunkText.slice(pos, end);
    if (skipTrivia(pieceText, 0, pieceText.length) < pieceText.length) {
      const r = parse(pieceText);
      if (!r.ok) return false;
      pieces.push({ start: pos, end, result: r.result });
    }
    pos = end;
  }
  for (const p of pieces) {
    const sub: Chunk = { start: chunk.start + p.start, end: chunk.start + p.end, section: chunk.section, forcedEnd: chunk.forcedEnd && p.end === chunkText.length };
    fromParse(text, sub, text.slice(sub.start, sub.end), p.result, out, []);
  }
  return true;
}

/** One line in about 32 (by a hash of the line ending at `end`) is a place to cut. */
function picksCut(text: string, end: number): boolean {
  let h = 0x811c9dc5;
  for (let i = text.lastIndexOf('\n', end - 1) + 1; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 27 === 0; // the top bits: FNV mixes them best
}

/** Statements from a successful parse of a whole chunk. */
function fromParse(text: string, chunk: Chunk, parsedText: string, result: RawParsed, out: Statement[], placeholders: Range[]): void {
  const map = new ByteMap(parsedText);
  const base = chunk.start;
  const loc = (l: number | undefined) => base + map.toIndex(l ?? 0);
  for (const raw of result.stmts) {
    const locB = raw.stmt_location ?? 0;
    const lenB = raw.stmt_len ?? 0;
    const from = base + map.toIndex(locB);
    const to = lenB ? base + map.toIndex(locB + lenB) : chunk.end;
    const start = skipTrivia(text, from, to);
    let end = trimEnd(text, start, to);
    if (!lenB) end = lastTokenEnd(text, start, end);
    const s = newStatement(chunk.section, start, end, text);
    if (lenB && text.charCodeAt(to) === 59) s.terminator = to;
    attachNode(s, raw.stmt);
    s.loc = loc;
    s.hasPlaceholders = placeholders.some((p) => base + p.start >= start && base + p.start < end);
    out.push(s);
  }
}

/** The last statement of a chunk has no `;`: trailing comments must not be part of it. */
function lastTokenEnd(text: string, start: number, end: number): number {
  const slice = text.slice(start, end);
  if (!slice.includes('--') && !slice.includes('/*')) return end;
  const tokens = scanSql(slice);
  if (!tokens) return end;
  const map = new ByteMap(slice);
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i].name !== 'SQL_COMMENT' && tokens[i].name !== 'C_COMMENT') return start + map.toIndex(tokens[i].end);
  }
  return end;
}

function attachNode(s: Statement, stmt: Record<string, any> | undefined): void {
  if (!stmt) return;
  const kind = Object.keys(stmt)[0];
  s.kind = kind;
  s.node = stmt[kind];
}

/** Split at top-level `;` using scanner tokens, then parse each statement on its own. */
function fromTokens(
  text: string, chunk: Chunk, parseText: string, tokens: Token[], bytes: ByteMap,
  meta: Range[], placeholders: Range[], out: Statement[],
): void {
  const inMeta = (at: number) => meta.some((m) => at >= m.start && at < m.end);
  let depth = 0;
  let atomic = 0; // BEGIN ATOMIC … END bodies (SQL-standard function bodies) contain semicolons
  let caseDepth = 0;
  let first = -1; // index of the statement's first token
  let last = -1;
  let prevWord = '';
  const flush = (terminator: number | undefined) => {
    if (first === -1) return;
    const s0 = bytes.toIndex(tokens[first].start);
    const e0 = bytes.toIndex(tokens[last].end);
    parsePiece(text, chunk, parseText, s0, e0, terminator, placeholders, out);
    first = last = -1;
    depth = atomic = caseDepth = 0;
    prevWord = '';
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.name === 'SQL_COMMENT' || t.name === 'C_COMMENT') continue;
    const at = bytes.toIndex(t.start);
    if (inMeta(at)) {
      flush(undefined);
      continue;
    }
    if (t.text === ';' && depth === 0 && atomic === 0) {
      flush(at);
      continue;
    }
    if (first === -1) first = i;
    last = i;
    const word = t.keyword ? t.text.toUpperCase() : '';
    if (t.text === '(') depth++;
    else if (t.text === ')') depth = Math.max(0, depth - 1);
    else if (word === 'ATOMIC' && prevWord === 'BEGIN') atomic++;
    else if (atomic > 0 && word === 'CASE') caseDepth++;
    else if (atomic > 0 && word === 'END') {
      if (caseDepth > 0) caseDepth--;
      else atomic--;
    }
    prevWord = word;
  }
  flush(undefined);
}

function parsePiece(
  text: string, chunk: Chunk, parseText: string, s0: number, e0: number,
  terminator: number | undefined, placeholders: Range[], out: Statement[],
): void {
  const base = chunk.start;
  const pieceText = parseText.slice(s0, e0);
  const r = parse(pieceText);
  if (r.ok && r.result.stmts.length > 0) {
    const map = new ByteMap(pieceText);
    const loc = (l: number | undefined) => base + s0 + map.toIndex(l ?? 0);
    const many = r.result.stmts.length > 1;
    for (const raw of r.result.stmts) {
      let start = base + s0;
      let end = base + e0;
      if (many) {
        const locB = raw.stmt_location ?? 0;
        const lenB = raw.stmt_len ?? 0;
        start = skipTrivia(text, base + s0 + map.toIndex(locB), base + e0);
        end = lenB ? trimEnd(text, start, base + s0 + map.toIndex(locB + lenB)) : base + e0;
      }
      const s = newStatement(chunk.section, start, end, text);
      attachNode(s, raw.stmt);
      s.loc = loc;
      s.hasPlaceholders = placeholders.some((p) => p.start >= s0 && p.start < e0);
      out.push(s);
    }
    if (terminator !== undefined) out[out.length - 1].terminator = base + terminator;
    return;
  }
  const s = newStatement(chunk.section, base + s0, base + e0, text);
  s.terminator = terminator !== undefined ? base + terminator : undefined;
  s.hasPlaceholders = placeholders.some((p) => p.start >= s0 && p.start < e0);
  if (!r.ok) s.error = { message: r.error.message, offset: errorOffset(pieceText, base + s0, r.error.cursor) };
  out.push(s);
}

/** File offset of a parser error cursor (counted in characters from the start of `parsed`). */
function errorOffset(parsed: string, base: number, cursor: number | undefined): number {
  return cursor === undefined ? base : base + advanceCodePoints(parsed, 0, cursor);
}

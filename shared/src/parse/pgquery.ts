// The one place that talks to libpg-query. The WASM module must be loaded once (async) before
// the synchronous parse/scan calls are used; every engine entry point awaits `ensureParser()`.
import * as pg from 'libpg-query';

let ready: Promise<void> | undefined;
let loaded = false;

/** The PostgreSQL major whose grammar the bundled parser implements. */
export const PARSER_PG_MAJOR = 18;

export function ensureParser(): Promise<void> {
  if (!ready) ready = pg.loadModule().then(() => { loaded = true; });
  return ready;
}

export function parserLoaded(): boolean {
  return loaded;
}

export interface RawParsed {
  stmts: { stmt?: Record<string, any>; stmt_location?: number; stmt_len?: number }[];
}

export interface ParseFailure {
  message: string;
  /** 0-based character (code point) index into the parsed text, when the parser gave one. */
  cursor?: number;
}

export type ParseOutcome = { ok: true; result: RawParsed } | { ok: false; error: ParseFailure };

export function parseSql(text: string): ParseOutcome {
  try {
    return { ok: true, result: pg.parseSync(text) as unknown as RawParsed };
  } catch (e: any) {
    const details = e?.sqlDetails;
    const cursor = typeof details?.cursorPosition === 'number' && details.cursorPosition >= 0 ? details.cursorPosition : undefined;
    return { ok: false, error: { message: String(e?.message ?? e), cursor } };
  }
}

export interface Token {
  start: number; // byte offset
  end: number; // byte offset (exclusive)
  name: string; // e.g. IDENT, SCONST, ASCII_59, SQL_COMMENT, UNKNOWN (keywords)
  text: string;
  keyword: boolean;
}

export function scanSql(text: string): Token[] | undefined {
  try {
    const r = pg.scanSync(text);
    return r.tokens.map((t) => ({ start: t.start, end: t.end, name: t.tokenName, text: t.text, keyword: t.keywordKind !== 0 }));
  } catch {
    return undefined;
  }
}

export function parsePlpgsql(text: string): any | undefined {
  try {
    return pg.parsePlPgSQLSync(text);
  } catch {
    return undefined;
  }
}

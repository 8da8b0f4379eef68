// psql's own syntax in migration files (graphile-worker and others run them through psql):
// meta-command lines (`\set`, `\i`) and variables (`:name`, `:'name'`). The parser knows neither,
// so they are blanked or replaced by same-length SQL before parsing, keeping every offset.
import type { ByteMap } from './offsets';
import type { Token } from './pgquery';

export interface Range {
  start: number; // chunk-relative UTF-16 offsets
  end: number;
}

/** Blank psql meta-command lines and turn psql variables into same-length identifiers/literals. */
export function substitute(chunkText: string, tokens: Token[], bytes: ByteMap): { parseText: string; meta: Range[]; placeholders: Range[] } {
  const meta: Range[] = [];
  const placeholders: Range[] = [];
  const edits: { at: number; len: number; with: string }[] = [];
  let bracket = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '[') bracket++;
    else if (t.text === ']') bracket = Math.max(0, bracket - 1);
    if (t.text === '\\') {
      const start = bytes.toIndex(t.start);
      if (isFirstOnLine(chunkText, start)) {
        let end = chunkText.indexOf('\n', start);
        if (end === -1) end = chunkText.length;
        if (chunkText.charCodeAt(end - 1) === 13) end--;
        meta.push({ start, end });
        edits.push({ at: start, len: end - start, with: ' '.repeat(end - start) });
        while (i + 1 < tokens.length && bytes.toIndex(tokens[i + 1].start) < end) i++;
      }
      continue;
    }
    if (t.text === ':' && bracket === 0 && i + 1 < tokens.length) {
      const next = tokens[i + 1];
      if (next.start !== t.end) continue;
      const start = bytes.toIndex(t.start);
      const end = bytes.toIndex(next.end);
      if (next.name === 'SCONST' && next.text.startsWith("'")) {
        edits.push({ at: start, len: 1, with: ' ' }); // :'var' → a string literal
      } else if (next.name === 'IDENT' || next.keyword) {
        edits.push({ at: start, len: 1, with: next.text.startsWith('"') ? ' ' : '_' }); // :var → _var
      } else continue;
      placeholders.push({ start, end });
      i++;
    }
  }
  if (edits.length === 0) return { parseText: chunkText, meta, placeholders };
  let parseText = '';
  let pos = 0;
  for (const e of edits) {
    parseText += chunkText.slice(pos, e.at) + e.with;
    pos = e.at + e.len;
  }
  parseText += chunkText.slice(pos);
  return { parseText, meta, placeholders };
}

function isFirstOnLine(text: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

// An open document and the position arithmetic of the negotiated encoding. The engine works in
// UTF-16 offsets (JavaScript strings); LSP positions are (line, character) where a character is a
// UTF-16 code unit (the default), a UTF-8 byte, or a code point (UTF-32), as negotiated.
import type { Position, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';

export type PositionEncoding = 'utf-16' | 'utf-8' | 'utf-32';

/** The encoding the server uses: the client's first preference that pgsafe supports (all three). */
export function negotiateEncoding(offered: readonly string[] | undefined): PositionEncoding {
  for (const e of offered ?? []) if (e === 'utf-16' || e === 'utf-8' || e === 'utf-32') return e;
  return 'utf-16';
}

/** Units of `enc` taken by text[from, to). */
function unitsBetween(text: string, from: number, to: number, enc: PositionEncoding): number {
  if (enc === 'utf-16') return to - from;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += enc === 'utf-8' ? 4 : 1;
        i++;
        continue;
      }
    }
    n += enc === 'utf-32' ? 1 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return n;
}

export class LspDocument {
  private starts: number[] | undefined;

  constructor(readonly uri: string, public version: number, public text: string, readonly languageId: string, private readonly enc: PositionEncoding) {}

  private lineStarts(): number[] {
    if (!this.starts) {
      const s = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) s.push(i + 1);
      this.starts = s;
    }
    return this.starts;
  }

  private lineEnd(line: number): number {
    const starts = this.lineStarts();
    let end = line + 1 < starts.length ? starts[line + 1] - 1 : this.text.length;
    if (end > starts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  positionAt(offset: number): Position {
    const starts = this.lineStarts();
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: unitsBetween(this.text, starts[lo], offset, this.enc) };
  }

  offsetAt(p: Position): number {
    const starts = this.lineStarts();
    if (p.line < 0) return 0;
    if (p.line >= starts.length) return this.text.length;
    const start = starts[p.line];
    const end = this.lineEnd(p.line);
    if (this.enc === 'utf-16') return Math.min(start + Math.max(0, p.character), end);
    let units = 0;
    let i = start;
    while (i < end && units < p.character) {
      const c = this.text.charCodeAt(i);
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < end;
      const w = this.enc === 'utf-32' ? 1 : pair ? 4 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      if (units + w > p.character) break;
      units += w;
      i += pair ? 2 : 1;
    }
    return i;
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Apply didChange events in order (full or incremental). */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const c of changes) {
      if ('range' in c && c.range) {
        const from = this.offsetAt(c.range.start);
        const to = Math.max(from, this.offsetAt(c.range.end));
        this.text = this.text.slice(0, from) + c.text + this.text.slice(to);
      } else {
        this.text = c.text;
      }
      this.starts = undefined;
    }
    this.version = version;
  }
}

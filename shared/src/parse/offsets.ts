// Offsets: libpg-query speaks UTF-8 byte offsets, JavaScript strings are UTF-16, the CLI prints
// 1-based lines and columns. One map per text, built once in O(n) (never per statement).

export class ByteMap {
  private readonly utf16: Int32Array | undefined;
  readonly byteLength: number;

  constructor(readonly text: string) {
    const bytes = Buffer.byteLength(text, 'utf8');
    this.byteLength = bytes;
    if (bytes === text.length) {
      this.utf16 = undefined; // pure ASCII: byte offset == UTF-16 offset
      return;
    }
    const map = new Int32Array(bytes + 1);
    let b = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let n: number;
      if (c < 0x80) n = 1;
      else if (c < 0x800) n = 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          for (let k = 0; k < 4; k++) map[b + k] = i;
          b += 4;
          i++;
          continue;
        }
        n = 3;
      } else n = 3;
      for (let k = 0; k < n; k++) map[b + k] = i;
      b += n;
    }
    map[b] = text.length;
    this.utf16 = map;
  }

  /** UTF-16 index of a UTF-8 byte offset (clamped). */
  toIndex(byteOffset: number): number {
    if (byteOffset <= 0) return 0;
    if (!this.utf16) return Math.min(byteOffset, this.text.length);
    if (byteOffset >= this.byteLength) return this.text.length;
    return this.utf16[byteOffset];
  }
}

/** Advance `count` code points from UTF-16 index `from` (parser error cursors count characters). */
export function advanceCodePoints(text: string, from: number, count: number): number {
  let i = from;
  for (let k = 0; k < count && i < text.length; k++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return Math.min(i, text.length);
}

/** Line starts of a text, for offset → (line, column) lookups by binary search. */
export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 0-based line and UTF-16 character of an offset. */
  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  lineEnd(line: number): number {
    const next = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    return next > 0 && this.text.charCodeAt(next - 1) === 13 ? next - 1 : next;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}

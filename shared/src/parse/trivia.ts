// Whitespace and comments *between* statements. The parser (or the scanner) has already decided
// where statements are; this only walks the gaps, which hold nothing but whitespace, comments,
// semicolons and blanked psql meta-command lines.

export interface Comment {
  start: number;
  end: number;
  /** Text without the comment delimiters, trimmed. */
  body: string;
  block: boolean;
}

/** Skip whitespace, comments and stray semicolons from `from`; collect comments into `out`. */
export function skipTrivia(text: string, from: number, to: number, out?: Comment[]): number {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 59 /* ; */) {
      i++;
    } else if (c === 92 /* \ */) {
      // A psql meta-command line (reported separately by the splitter): skip to end of line.
      const e = text.indexOf('\n', i);
      i = e === -1 || e > to ? to : e;
    } else if (c === 45 && text.charCodeAt(i + 1) === 45) {
      let e = text.indexOf('\n', i);
      if (e === -1 || e > to) e = to;
      let end = e;
      if (end > i && text.charCodeAt(end - 1) === 13) end--;
      out?.push({ start: i, end, body: text.slice(i + 2, end).trim(), block: false });
      i = e;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      // Block comments nest in PostgreSQL.
      let depth = 1;
      let j = i + 2;
      while (j < to && depth > 0) {
        if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) { depth++; j += 2; }
        else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) { depth--; j += 2; }
        else j++;
      }
      out?.push({ start: i, end: j, body: text.slice(i + 2, depth === 0 ? j - 2 : j).trim(), block: true });
      i = j;
    } else {
      return i;
    }
  }
  return to;
}

/** End of the last non-blank character before `to` (trailing whitespace only). */
export function trimEnd(text: string, from: number, to: number): number {
  let e = to;
  while (e > from) {
    const c = text.charCodeAt(e - 1);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) e--;
    else break;
  }
  return e;
}

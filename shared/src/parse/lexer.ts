// A small SQL tokenizer for text the parser already accepted: token boundaries, token text,
// comments and bare words, in UTF-16 offsets. It follows PostgreSQL's scan.l (as compiled into
// libpg-query) so that its tokens equal libpg-query's `scanSync` tokens, which stays the oracle in
// test/unit/lexer.test.ts. Why not scanSync itself: it returns ~128 bytes of JSON per token and
// costs 2.4–2.8 µs per token on the 10k bench file (more than parsing the same text; this lexer
// takes under 0.15 µs), its offsets are UTF-8 bytes that need a ByteMap, and fixes and rollbacks
// scan every statement they look at. This lexer knows no keywords: `word` is the upper-cased text
// of every bare word, so callers compare it only against keywords.
//
// Unparseable text is not its business: the splitter keeps libpg-query's scanner for text the
// parser rejected, where PostgreSQL's exact error recovery matters. Like scanSql, `lex` returns
// undefined for text the scanner rejects (unterminated quote or comment, junk after a number,
// zero-length quoted identifier, bad Unicode escape in E''), so callers keep their fallbacks.

export interface LexToken {
  /** UTF-16 offset of the first character (plus the `base` given to lex). */
  start: number;
  /** UTF-16 offset after the last character (exclusive). */
  end: number;
  text: string;
  /** A `--` or `/* … *\/` comment. */
  comment: boolean;
  /**
   * Upper-cased text of a bare (unquoted) identifier or keyword, '' for anything else. Set for
   * every bare word, keyword or not (`word === 'TABLE'` also for a column named table): compare
   * it only against keywords. Only ASCII letters are upper-cased, as PostgreSQL folds only those
   * (JavaScript would turn `ındex` into INDEX).
   */
  word: string;
}

// Character classes of ASCII code units; everything ≥ 0x80 is an identifier character (scan.l
// treats every non-ASCII byte as a letter, so UTF-16 units, surrogates included, do too).
const IDENT_START = 1; // [A-Za-z_]
const IDENT_CONT = 2; // [A-Za-z_0-9$]
const OP = 4; // ~!@#^&|`?+-*/%<>=
const SPACE = 8; // [ \t\n\r\f\v]
const OP_KEEPS_SIGN = 16; // ~!@#^&|`?% : an operator with one of these may end in + or -
const DIGIT = 32;
const cls = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) cls[c] |= IDENT_START | IDENT_CONT;
  if (/[0-9$]/.test(ch)) cls[c] |= IDENT_CONT;
  if (/[0-9]/.test(ch)) cls[c] |= DIGIT;
  if ('~!@#^&|`?+-*/%<>='.includes(ch)) cls[c] |= OP;
  if (' \t\n\r\f\v'.includes(ch)) cls[c] |= SPACE;
  if ('~!@#^&|`?%'.includes(ch)) cls[c] |= OP_KEEPS_SIGN;
}

const is = (c: number, k: number): boolean => (c < 128 ? (cls[c] & k) !== 0 : k === IDENT_START || k === IDENT_CONT);
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);

// String bodies: standard '' (quote doubling), E'' (doubling and backslash escapes), B''/X'' (no
// escapes at all: a doubled quote ends the string and starts another one).
const STD = 0;
const ESC = 1;
const BITS = 2;

/** Tokens of `text` (comments included), offsets shifted by `base`; undefined where PostgreSQL's scanner fails. */
export function lex(text: string, base = 0): LexToken[] | undefined {
  const out: LexToken[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 128 && cls[c] & SPACE) {
      i++;
      continue;
    }
    const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    let end: number;
    let word = '';
    let comment = false;
    if (c === 45 /* - */ && d === 45) {
      end = i + 2;
      while (end < n && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
      comment = true;
    } else if (c === 47 /* / */ && d === 42 /* * */) {
      end = blockCommentEnd(text, i + 2);
      comment = true;
    } else if (c === 39 /* ' */) end = stringEnd(text, i + 1, STD);
    else if (c === 34 /* " */) end = quotedIdentEnd(text, i + 1);
    else if (d === 39 && ((c | 32) === 101 /* e */ || (c | 32) === 98 /* b */ || (c | 32) === 120 /* x */)) {
      end = stringEnd(text, i + 2, (c | 32) === 101 ? ESC : BITS);
    } else if ((c | 32) === 117 /* u */ && d === 38 /* & */ && (text.charCodeAt(i + 2) === 39 || text.charCodeAt(i + 2) === 34)) {
      // U&'…' and U&"…": the UESCAPE clause that may follow is separate tokens, as in scan.l.
      end = text.charCodeAt(i + 2) === 39 ? stringEnd(text, i + 3, STD) : quotedIdentEnd(text, i + 3);
    } else if (c === 36 /* $ */) end = dollarEnd(text, i);
    else if ((c < 128 && cls[c] & DIGIT) || (c === 46 /* . */ && d < 128 && cls[d] & DIGIT)) end = numberEnd(text, i);
    else if (is(c, IDENT_START)) {
      // Also the `n` of N'…' (scan.l returns it as the keyword NCHAR, the string follows) and
      // the `u` of U& not followed by a quote.
      end = i + 1;
      let ascii = c < 128;
      for (let e = 0; end < n && is((e = text.charCodeAt(end)), IDENT_CONT); end++) if (e >= 128) ascii = false;
      const t = text.slice(i, end);
      word = ascii ? t.toUpperCase() : t.replace(/[a-z]+/g, (m) => m.toUpperCase());
      out.push({ start: i + base, end: end + base, text: t, comment, word });
      i = end;
      continue;
    } else if (c < 128 && cls[c] & OP) end = operatorEnd(text, i);
    else if (c === 58 /* : */) end = d === 58 || d === 61 ? i + 2 : i + 1; // :: and :=
    else if (c === 46 /* . */) end = d === 46 ? i + 2 : i + 1; // ..
    else end = i + 1; // , ( ) [ ] ; and anything else scan.l returns as one character
    if (end < 0) return undefined;
    out.push({ start: i + base, end: end + base, text: text.slice(i, end), comment, word });
    i = end;
  }
  return out;
}

/** After `/*`: the end of the (nested) comment, or -1 when unterminated. */
function blockCommentEnd(text: string, i: number): number {
  let depth = 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if (c === 47 && d === 42) {
      depth++;
      i += 2;
    } else if (c === 42 && d === 47) {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  return -1;
}

/**
 * From just after an opening quote: the end of the string, or -1. A string continues across
 * whitespace that contains a newline ('a'\n'b' is one token). scan.l also allows `--` comments in
 * that whitespace, but libpg-query's scanner returns comments as tokens and ends the string there.
 */
function stringEnd(text: string, i: number, mode: number): number {
  const n = text.length;
  for (;;) {
    for (;;) {
      if (mode === ESC) {
        while (i < n && text.charCodeAt(i) !== 39 && text.charCodeAt(i) !== 92) i++;
      } else {
        i = text.indexOf("'", i);
        if (i < 0) return -1;
      }
      if (i >= n) return -1;
      if (text.charCodeAt(i) === 92) {
        i = escapeEnd(text, i);
        if (i < 0) return -1;
      } else if (mode !== BITS && text.charCodeAt(i + 1) === 39) i += 2; // '' inside
      else break;
    }
    i++; // the closing quote
    let k = i;
    while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9 || text.charCodeAt(k) === 12 || text.charCodeAt(k) === 11)) k++;
    if (k >= n || (text.charCodeAt(k) !== 10 && text.charCodeAt(k) !== 13)) return i;
    while (k < n && text.charCodeAt(k) < 128 && cls[text.charCodeAt(k)] & SPACE) k++;
    if (text.charCodeAt(k) !== 39) return i;
    i = k + 1;
  }
}

/**
 * A backslash escape in E'…' starting at `i`: where it ends, or -1 for the escapes scan.l
 * rejects (\u or \U without 4 or 8 hex digits, a code point that is 0, too large, or half of a
 * surrogate pair without its other half). Any other escape covers the character after it.
 */
function escapeEnd(text: string, i: number): number {
  const code = unicodeEscape(text, i);
  if (code === undefined) return i + 2;
  if (code.value <= 0 || code.value > 0x10ffff || (code.value >= 0xdc00 && code.value <= 0xdfff)) return -1;
  if (code.value < 0xd800 || code.value > 0xdbff) return code.end;
  const low = unicodeEscape(text, code.end); // the low half must follow at once
  return low && low.value >= 0xdc00 && low.value <= 0xdfff ? low.end : -1;
}

/** `\uXXXX` or `\UXXXXXXXX` at `i`: its value (-1 when the digits are missing), or undefined for other escapes. */
function unicodeEscape(text: string, i: number): { value: number; end: number } | undefined {
  if (text.charCodeAt(i) !== 92) return undefined;
  const u = text.charCodeAt(i + 1);
  if (u !== 117 && u !== 85) return undefined;
  const digits = u === 117 ? 4 : 8;
  for (let k = 0; k < digits; k++) if (!isHex(text.charCodeAt(i + 2 + k))) return { value: -1, end: i + 2 };
  return { value: parseInt(text.slice(i + 2, i + 2 + digits), 16), end: i + 2 + digits };
}

/** From just after `"`: the end of the quoted identifier (`""` inside), or -1 (unterminated or empty). */
function quotedIdentEnd(text: string, i: number): number {
  const open = i;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return -1;
    if (text.charCodeAt(q + 1) !== 34) return q === open ? -1 : q + 1;
    i = q + 2;
  }
}

/**
 * At `$`: a parameter ($1), a dollar-quoted string ($tag$…$tag$, the tag an identifier that does
 * not start with a digit and has no `$`), or `$` alone (scan.l returns `$abc` without a closing `$`
 * as `$` followed by an identifier). -1 for an unterminated dollar quote.
 */
function dollarEnd(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  const d = j < n ? text.charCodeAt(j) : 0;
  if (d < 128 && cls[d] & DIGIT) {
    while (j < n && text.charCodeAt(j) < 128 && cls[text.charCodeAt(j)] & DIGIT) j++;
    return j; // digits only: `$1_000` is `$1` then `_000` in this scanner
  }
  if (is(d, IDENT_START)) {
    j++;
    for (let e = 0; j < n && is((e = text.charCodeAt(j)), IDENT_CONT) && e !== 36; ) j++;
  }
  if (text.charCodeAt(j) !== 36) return i + 1;
  // The body ends at the first occurrence of the same tag: scan.l's rules (a different tag is
  // skipped except for its last `$`, which may start the closing one) find exactly that one.
  const tag = text.slice(i, j + 1);
  const close = text.indexOf(tag, j + 1);
  return close < 0 ? -1 : close + tag.length;
}

/** Digits with single `_` separators between them (PostgreSQL 16+), from `i`; returns the end. */
function digitsEnd(text: string, i: number, ok: (c: number) => boolean): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (ok(c)) j++;
    else if (c === 95 && j > i && ok(text.charCodeAt(j + 1))) j += 2;
    else break;
  }
  return j;
}

const isDec = (c: number): boolean => c >= 48 && c <= 57;
const isOct = (c: number): boolean => c >= 48 && c <= 55;
const isBin = (c: number): boolean => c === 48 || c === 49;

/**
 * A number at `i` (a digit, or `.` before a digit): 0x/0o/0b integers, decimals, exponents.
 * `1..2` is `1` then `..`. A number followed at once by an identifier character (`1a`, `1_`,
 * `1e`, `0x`) is an error in scan.l ("trailing junk"): -1.
 */
function numberEnd(text: string, i: number): number {
  let j: number;
  const r = text.charCodeAt(i + 1) | 32;
  if (text.charCodeAt(i) === 48 && (r === 120 || r === 111 || r === 98)) {
    const ok = r === 120 ? isHex : r === 111 ? isOct : isBin;
    const from = text.charCodeAt(i + 2) === 95 ? i + 3 : i + 2; // 0x_1F is allowed
    j = ok(text.charCodeAt(from)) ? digitsEnd(text, from, ok) : -1;
    if (j < 0) return -1;
  } else {
    j = text.charCodeAt(i) === 46 ? i : digitsEnd(text, i, isDec);
    if (text.charCodeAt(j) === 46) {
      if (text.charCodeAt(j + 1) === 46) return j; // 1..: the integer, then `..`
      j = isDec(text.charCodeAt(j + 1)) ? digitsEnd(text, j + 1, isDec) : j + 1;
    }
    if ((text.charCodeAt(j) | 32) === 101 /* e */) {
      let k = j + 1;
      if (text.charCodeAt(k) === 43 || text.charCodeAt(k) === 45) k++;
      if (!isDec(text.charCodeAt(k))) return -1; // 1e, 1e+ : junk / "realfail"
      j = digitsEnd(text, k, isDec);
    }
  }
  return j < text.length && is(text.charCodeAt(j), IDENT_START) ? -1 : j;
}

/**
 * An operator at `i`: the run of operator characters, cut where a comment starts inside it, and
 * without trailing `+`/`-` unless it contains one of ~!@#^&|`?% (so `a*-1` is `*` then `-`, and
 * `@-` stays one operator), as in scan.l.
 */
function operatorEnd(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c >= 128 || !(cls[c] & OP)) break;
    const p = text.charCodeAt(j - 1);
    if ((p === 47 && c === 42) || (p === 45 && c === 45)) {
      j--; // the comment starts at j - 1
      break;
    }
    j++;
  }
  let last = text.charCodeAt(j - 1);
  if (j - i > 1 && (last === 43 || last === 45)) {
    let keeps = false;
    for (let k = i; k < j - 1 && !keeps; k++) keeps = (cls[text.charCodeAt(k)] & OP_KEEPS_SIGN) !== 0;
    if (!keeps) {
      do {
        j--;
        last = text.charCodeAt(j - 1);
      } while (j - i > 1 && (last === 43 || last === 45));
    }
  }
  return j;
}

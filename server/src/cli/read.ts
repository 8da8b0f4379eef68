// Reading a migration file as text: every way it can fail becomes a message, never a crash.
import { readFileSync, statSync } from 'node:fs';

export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export type ReadOutcome = { ok: true; text: string } | { ok: false; problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readSqlFile(path: string): ReadOutcome {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e: any) {
    return { ok: false, problem: `cannot read the file (${e?.code ?? e?.message})` };
  }
  if (size > MAX_FILE_BYTES) return { ok: false, problem: `the file is ${(size / 1048576).toFixed(1)} MB; pgsafe checks files up to ${MAX_FILE_BYTES / 1048576} MB` };
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e: any) {
    return { ok: false, problem: `cannot read the file (${e?.code ?? e?.message})` };
  }
  return decodeSql(buf);
}

export function decodeSql(buf: Buffer): ReadOutcome {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    return { ok: false, problem: 'the file is UTF-16 encoded; save it as UTF-8 (PostgreSQL migration runners read UTF-8)' };
  }
  if (buf.includes(0)) return { ok: false, problem: 'the file contains NUL bytes: it looks binary, not SQL text' };
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    const at = firstInvalidUtf8(buf);
    return { ok: false, problem: `the file is not valid UTF-8 (first bad byte at offset ${at}); convert it to UTF-8` };
  }
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

function firstInvalidUtf8(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    const n = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (n === -1) return i;
    for (let k = 1; k <= n; k++) if (i + k >= buf.length || (buf[i + k] & 0xc0) !== 0x80) return i;
    i += n;
  }
  return buf.length;
}

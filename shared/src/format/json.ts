// The JSON contract other tools rely on: one array, one object per finding, 1-based positions.
// Written as one finding per line: compact (large outputs are several MB) yet easy to diff and
// grep. Built as strings directly: this is on the hot path of `pgsafe check --format json`.
import { basename, dirname, join, relative } from 'node:path';
import type { FileReport } from './report';
import { isSafeFix } from '../fixes/apply';
import type { Fix } from '../rules/types';

/**
 * A new file's path relative to the working directory, the folder part worked out once per folder
 * (a report with thousands of fixes names a few folders thousands of times).
 */
const relativeDirs = new Map<string, string>();
function displayPath(path: string): string {
  const cwd = process.cwd();
  const dir = dirname(path);
  const key = `${cwd}\0${dir}`;
  let rel = relativeDirs.get(key);
  if (rel === undefined) relativeDirs.set(key, (rel = relative(cwd, dir)));
  return (rel ? join(rel, basename(path)) : basename(path)) || path;
}

/** A fix for JSON: 1-based edit ranges like the finding's, new files relative to the working directory. */
function fixJson(r: FileReport, x: Fix) {
  return {
    title: x.title,
    safe: isSafeFix(x),
    edits: x.edits.map((e) => {
      const s = r.lines.position(e.start);
      const t = r.lines.position(e.end);
      return { line: s.line + 1, column: s.character + 1, endLine: t.line + 1, endColumn: t.character + 1, newText: e.newText };
    }),
    newFiles: (x.newFiles ?? []).map((f) => ({ path: displayPath(f.path), content: f.content })),
  };
}

/**
 * The JSON report in pieces of about `pieceChars` characters that concatenate to `formatJson`'s
 * text: the CLI writes each piece as it is made, so a report of many megabytes never sits in
 * memory whole (peak RSS of a 10,000-finding report).
 */
export function* formatJsonPieces(reports: readonly FileReport[], pieceChars = 1 << 20): Generator<string> {
  let piece = '';
  let first = true;
  for (const r of reports) {
    const file = JSON.stringify(r.file);
    for (const f of r.findings) {
      const fixes = f.fixes.length ? JSON.stringify(f.fixes.map((x) => fixJson(r, x))) : '[]';
      piece +=
        `${first ? '[\n' : ',\n'}{"file":${file},"line":${f.line},"column":${f.column},"endLine":${f.endLine},"endColumn":${f.endColumn},` +
        `"rule":${JSON.stringify(f.rule)},"severity":${JSON.stringify(f.severity)},"message":${JSON.stringify(f.message)},` +
        `"help":${JSON.stringify(f.help)},"fixes":${fixes}}`;
      first = false;
      if (piece.length >= pieceChars) {
        yield piece;
        piece = '';
      }
    }
  }
  yield first ? '[]\n' : `${piece}\n]\n`;
}

export function formatJson(reports: readonly FileReport[]): string {
  let out = '';
  for (const piece of formatJsonPieces(reports)) out += piece;
  return out;
}

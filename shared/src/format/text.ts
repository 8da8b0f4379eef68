// Human output: each finding with the statement's source, the span underlined, the message, the
// help and the docs link; then a summary line.
import type { FileReport } from './report';
import { totals } from './report';

export interface TextOptions {
  color: boolean;
}

const MAX_FRAME_LINES = 6;

export function formatText(reports: readonly FileReport[], opts: TextOptions): string {
  const c = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const r of reports) {
    for (const f of r.findings) {
      const sev = f.severity === 'error' ? c('31;1', 'error') : c('33;1', 'warning');
      out.push(`${c('1', `${r.file}:${f.line}:${f.column}`)} ${sev} ${c('36', f.rule)}`);
      out.push(`  ${f.message}`);
      const gutter = String(Math.min(f.endLine, f.line + MAX_FRAME_LINES - 1)).length;
      for (let line = f.line; line <= f.endLine && line < f.line + MAX_FRAME_LINES; line++) {
        const src = r.lines.lineText(line - 1).replace(/\t/g, ' ');
        out.push(`  ${c('2', String(line).padStart(gutter))} | ${src}`);
        const from = line === f.line ? f.column - 1 : leadingSpaces(src);
        const to = line === f.endLine ? f.endColumn - 1 : src.length;
        if (to > from || line === f.line) out.push(`  ${' '.repeat(gutter)} | ${' '.repeat(from)}${c('31', '^'.repeat(Math.max(1, to - from)))}`);
      }
      if (f.endLine >= f.line + MAX_FRAME_LINES) out.push(`  ${' '.repeat(gutter)} | …`);
      for (const rel of f.related) {
        const p = r.lines.position(rel.start);
        out.push(`  ${c('2', `note: ${r.file}:${p.line + 1}:${p.character + 1}: ${rel.message}`)}`);
      }
      out.push(`  ${c('32', 'help:')} ${f.help}`);
      out.push(`  ${c('2', `docs: ${f.docs}`)}`);
      out.push('');
    }
  }
  const t = totals(reports);
  const files = `${t.files} file${t.files === 1 ? '' : 's'}`;
  if (t.errors + t.warnings === 0) out.push(c('32', `No problems found in ${files}.`));
  else out.push(`${c(t.errors ? '31;1' : '33;1', `${t.errors} error${t.errors === 1 ? '' : 's'}, ${t.warnings} warning${t.warnings === 1 ? '' : 's'}`)} in ${t.filesWithFindings} of ${files}.`);
  return out.join('\n') + '\n';
}

function leadingSpaces(s: string): number {
  return s.length - s.trimStart().length;
}

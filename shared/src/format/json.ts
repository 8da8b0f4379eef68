// The JSON contract other tools rely on: one array, one object per finding, 1-based positions.
import type { FileReport } from './report';

export function formatJson(reports: readonly FileReport[]): string {
  const out: object[] = [];
  for (const r of reports) {
    for (const f of r.findings) {
      out.push({
        file: r.file,
        line: f.line,
        column: f.column,
        endLine: f.endLine,
        endColumn: f.endColumn,
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        help: f.help,
        fixes: f.fixes.map((x) => ({ title: x.title, edits: x.edits, newFiles: x.newFiles ?? [] })),
      });
    }
  }
  // One finding per line: compact (large outputs are several MB) yet easy to diff and grep.
  return out.length ? `[\n${out.map((o) => JSON.stringify(o)).join(',\n')}\n]\n` : '[]\n';
}

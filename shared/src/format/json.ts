// The JSON contract other tools rely on: one array, one object per finding, 1-based positions.
// Written as one finding per line: compact (large outputs are several MB) yet easy to diff and
// grep. Built as strings directly: this is on the hot path of `pgsafe check --format json`.
import type { FileReport } from './report';

export function formatJson(reports: readonly FileReport[]): string {
  const rows: string[] = [];
  for (const r of reports) {
    const file = JSON.stringify(r.file);
    for (const f of r.findings) {
      const fixes = f.fixes.length ? JSON.stringify(f.fixes.map((x) => ({ title: x.title, edits: x.edits, newFiles: x.newFiles ?? [] }))) : '[]';
      rows.push(
        `{"file":${file},"line":${f.line},"column":${f.column},"endLine":${f.endLine},"endColumn":${f.endColumn},` +
          `"rule":${JSON.stringify(f.rule)},"severity":${JSON.stringify(f.severity)},"message":${JSON.stringify(f.message)},` +
          `"help":${JSON.stringify(f.help)},"fixes":${fixes}}`,
      );
    }
  }
  return rows.length ? `[\n${rows.join(',\n')}\n]\n` : '[]\n';
}

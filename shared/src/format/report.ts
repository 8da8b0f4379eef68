// A linted file as the reporters see it: findings with 1-based lines and columns (UTF-16 code
// units), computed once per file from a line index.
import { LineIndex } from '../parse/offsets';
import type { Finding } from '../rules/types';

export interface PositionedFinding extends Finding {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface FileReport {
  /** Path as shown to the user (relative to the working directory when possible). */
  file: string;
  text: string;
  lines: LineIndex;
  findings: PositionedFinding[];
}

export function positionFindings(file: string, text: string, findings: readonly Finding[]): FileReport {
  const lines = new LineIndex(text);
  const positioned = findings.map((f): PositionedFinding => {
    const s = lines.position(f.start);
    const e = f.end > f.start ? lines.position(f.end) : s;
    return {
      rule: f.rule, severity: f.severity, message: f.message, help: f.help, start: f.start, end: f.end, docs: f.docs,
      statementIndex: f.statementIndex, related: f.related, fixes: f.fixes,
      line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1,
    };
  });
  return { file, text, lines, findings: positioned };
}

export interface Totals {
  errors: number;
  warnings: number;
  files: number;
  filesWithFindings: number;
}

export function totals(reports: readonly FileReport[]): Totals {
  let errors = 0;
  let warnings = 0;
  let filesWithFindings = 0;
  for (const r of reports) {
    if (r.findings.length) filesWithFindings++;
    for (const f of r.findings) {
      if (f.severity === 'error') errors++;
      else warnings++;
    }
  }
  return { errors, warnings, files: reports.length, filesWithFindings };
}

// GitLab Code Quality report (artifacts:reports:codequality).
import type { FileReport } from './report';

export function formatGitlab(reports: readonly FileReport[]): string {
  // Loaded here, not at start: node:crypto costs every other run of the CLI a few milliseconds.
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const out: object[] = [];
  for (const r of reports) {
    for (const f of r.findings) {
      const fingerprint = createHash('sha1').update(`${r.file}\0${f.rule}\0${f.line}\0${f.column}\0${f.message}`).digest('hex');
      out.push({
        description: `${f.message} Help: ${f.help}`,
        check_name: f.rule,
        fingerprint,
        severity: f.severity === 'error' ? 'major' : 'minor',
        location: { path: r.file, lines: { begin: f.line, end: f.endLine } },
      });
    }
  }
  return JSON.stringify(out, null, 2) + '\n';
}

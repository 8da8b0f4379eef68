// GitHub Actions workflow commands: annotations on the pull request's diff.
import type { FileReport } from './report';

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProp = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithub(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const f of r.findings) {
      const props = [
        `file=${escapeProp(r.file)}`, `line=${f.line}`, `col=${f.column}`, `endLine=${f.endLine}`, `endColumn=${f.endColumn}`,
        `title=${escapeProp(`pgsafe ${f.rule}`)}`,
      ].join(',');
      lines.push(`::${f.severity === 'error' ? 'error' : 'warning'} ${props}::${escapeData(`${f.message}\nHelp: ${f.help}\nDocs: ${f.docs}`)}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

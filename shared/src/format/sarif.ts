// SARIF 2.1.0 (validated against the OASIS schema in the tests), for GitHub code scanning & co.
import type { RuleMeta } from '../rules/types';
import type { FileReport } from './report';

export function formatSarif(reports: readonly FileReport[], rules: readonly RuleMeta[], version: string): string {
  const used = new Map<string, number>();
  const driverRules: object[] = [];
  const ruleIndex = (id: string) => {
    let i = used.get(id);
    if (i === undefined) {
      const meta = rules.find((m) => m.id === id);
      i = driverRules.length;
      used.set(id, i);
      driverRules.push({
        id,
        shortDescription: { text: meta?.description ?? id },
        helpUri: meta?.docs,
        defaultConfiguration: { level: meta?.defaultLevel === 'error' ? 'error' : 'warning' },
        properties: { category: meta?.category ?? 'hazard' },
      });
    }
    return i;
  };
  const results: object[] = [];
  for (const r of reports) {
    const uri = r.file.replace(/\\/g, '/');
    for (const f of r.findings) {
      results.push({
        ruleId: f.rule,
        ruleIndex: ruleIndex(f.rule),
        level: f.severity === 'error' ? 'error' : 'warning',
        message: { text: `${f.message}\nHelp: ${f.help}` },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri },
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: Math.max(f.endColumn, f.line === f.endLine ? f.column + 1 : 1) },
          },
        }],
        relatedLocations: f.related.map((rel, id) => {
          const s = r.lines.position(rel.start);
          const e = r.lines.position(rel.end);
          return {
            id,
            message: { text: rel.message },
            physicalLocation: { artifactLocation: { uri }, region: { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 } },
          };
        }),
      });
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'pgsafe', version, informationUri: 'https://github.com/pgsafe/pgsafe', rules: driverRules } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

// Applies every fix pgsafe offers on the real-world corpus (../shared/corpus, or PGSAFE_CORPUS)
// to an in-memory copy of its migration folder, one fix at a time, then re-parses and re-lints the
// folder: the fixed file (and any file the fix creates) must parse, the finding must be gone, and
// no rule may report more than before (except what the fix's title says it needs). Prints counts
// per rule and writes docs/corpus-fixes.md. Run with `npm run corpus-fixes` (it builds first).
// Applying the fixed folders to PGlite is not part of this script yet (the unit tests do that).
import { readdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');
if (!existsSync(corpus)) {
  console.error(`corpus not found at ${corpus} (set PGSAFE_CORPUS)`);
  process.exit(2);
}
const out = (p) => require(join(root, 'out', p));
const { ensureParser } = out('shared/src/parse/pgquery.js');
const { selectFiles } = out('server/src/cli/files.js');
const { setsFor, loadSet } = out('shared/src/project/discover.js');
const { lintSet } = out('shared/src/project/lint.js');
const { cachedFs, nodeFs, overlayFs } = out('shared/src/project/fs.js');
const { defaultConfig } = out('shared/src/config/types.js');
const { splitStatements } = out('shared/src/parse/split.js');
const { applyTextEdits, preferredFix } = out('shared/src/fixes/apply.js');

await ensureParser();
const configFor = () => defaultConfig();
const repos = readdirSync(corpus).filter((d) => statSync(join(corpus, d)).isDirectory()).sort();
const byRule = new Map();
const failures = [];
const t0 = performance.now();
const count = (rule, key) => {
  const r = byRule.get(rule) ?? { offered: 0, parses: 0, gone: 0, noNew: 0 };
  r[key]++;
  byRule.set(rule, r);
};
const ruleCounts = (results) => {
  const m = new Map();
  for (const r of results) for (const f of r.result?.findings ?? []) m.set(f.rule, (m.get(f.rule) ?? 0) + 1);
  return m;
};
const syntaxErrors = (text, path) => splitStatements(text, /\.down\.sql$|\/down\.sql$|\/revert\//.test(path) ? 'down' : 'up').statements.filter((s) => s.error).length;

for (const repo of repos) {
  const fs = cachedFs(nodeFs);
  const files = selectFiles([join(corpus, repo)], corpus).files;
  for (const set of setsFor(files, fs)) {
    const before = lintSet(set, { fs, configFor });
    const beforeCounts = ruleCounts(before);
    for (const { file, text, result } of before) {
      if (!result || text === undefined) continue;
      for (const finding of result.findings) {
        const fix = preferredFix(finding);
        if (!fix) continue;
        count(finding.rule, 'offered');
        const overlay = new Map([[file.path, applyTextEdits(text, fix.edits)]]);
        for (const nf of fix.newFiles ?? []) overlay.set(nf.path, nf.content);
        const fixedFs = overlayFs(fs, overlay);
        const where = `${relative(corpus, file.path)} (${finding.rule}: ${fix.title})`;
        const parseErrors = [...overlay].reduce((n, [p, t]) => n + syntaxErrors(t, p), 0) - syntaxErrors(text, file.path);
        if (parseErrors > 0) {
          failures.push(`does not parse: ${where}`);
          continue;
        }
        count(finding.rule, 'parses');
        const after = lintSet(loadSet(set.root, fixedFs, set.framework), { fs: fixedFs, configFor });
        const afterCounts = ruleCounts(after);
        const fileFindings = after.find((r) => r.file.path === file.path)?.result?.findings ?? [];
        const was = result.findings.filter((f) => f.rule === finding.rule).length;
        const now = fileFindings.filter((f) => f.rule === finding.rule).length;
        if (now >= was) {
          failures.push(`finding not gone: ${where}`);
          continue;
        }
        count(finding.rule, 'gone');
        // psql-variable is a parsing note per file (a moved statement takes its placeholder along), not a hazard.
        const allowed = ['psql-variable', 'psql-meta-command', ...(/flyway\.postgresql\.transactional\.lock/.test(fix.title) ? ['flyway-non-transactional'] : [])];
        const grew = [...afterCounts].filter(([rule, n]) => n > (beforeCounts.get(rule) ?? 0) && !allowed.includes(rule)).map(([rule, n]) => `${rule} ${beforeCounts.get(rule) ?? 0}→${n}`);
        if (grew.length) {
          failures.push(`new findings (${grew.join(', ')}): ${where}`);
          continue;
        }
        count(finding.rule, 'noNew');
      }
    }
  }
}

const total = { offered: 0, parses: 0, gone: 0, noNew: 0 };
const rows = [...byRule].sort((a, b) => a[0].localeCompare(b[0])).map(([rule, r]) => {
  for (const k of Object.keys(total)) total[k] += r[k];
  return `| ${rule} | ${r.offered} | ${r.parses} | ${r.gone} | ${r.noNew} |`;
});
const pct = (n) => (total.offered ? `${((100 * n) / total.offered).toFixed(1)}%` : '–');
const md = [
  '# Fixes on the corpus',
  '',
  `Generated by \`npm run corpus-fixes\` over ${repos.length} repositories in ${((performance.now() - t0) / 1000).toFixed(1)} s. Each preferred fix is applied alone to an in-memory copy of its migration folder, which is then re-parsed and re-linted.`,
  '',
  '| rule | fixes offered | parse OK | finding gone | no new finding |',
  '|---|---:|---:|---:|---:|',
  ...rows,
  `| **total** | **${total.offered}** | **${total.parses}** (${pct(total.parses)}) | **${total.gone}** (${pct(total.gone)}) | **${total.noNew}** (${pct(total.noNew)}) |`,
  '',
  failures.length ? `## Not clean (${failures.length})\n\n${failures.slice(0, 200).map((f) => `- ${f}`).join('\n')}` : 'Every fix parses, removes its finding and adds none.',
  '',
].join('\n');
writeFileSync(join(root, 'docs', 'corpus-fixes.md'), md);
console.log(md);

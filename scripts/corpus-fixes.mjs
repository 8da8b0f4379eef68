// Applies every fix pgsafe offers on the real-world corpus (../shared/corpus, or PGSAFE_CORPUS)
// to an in-memory copy of its migration folder, one fix at a time, then re-parses and re-lints the
// folder: the fixed file (and any file the fix creates) must parse, the finding must be gone, and
// no rule may report more than before (except what the fix's title says it needs). Prints counts
// per rule and writes docs/corpus-fixes.md. Run with `npm run corpus-fixes` (it builds first).
// Then, for each repository PGlite can run (the set-up of scripts/corpus-runner.mjs; files sent the way their runner sends them, by pgsafe verify's runner), every fix
// is applied together the `--fix=all` way (re-lint after each pass, one new migration per pass) to
// another in-memory copy, and the original and the fixed migrations are applied in order to PGlite:
// a fix counts as applied OK when every file it changed or created applied.
import { readdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { RUNNER, NOT_APPLICABLE, applyFile, corpusDatabase } from './corpus-runner.mjs';

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
const { applyTextEdits, preferredFix, chooseFixes } = out('shared/src/fixes/apply.js');
const { BACKFILL_VALUE_PLACEHOLDER } = out('shared/src/fixes/not-null-column.js');

// Arguments: repositories (owner/name) to limit the run to; docs/corpus-fixes.md is then not written.
const only = process.argv.slice(2);
const MAX_PASSES = 300;

await ensureParser();
const configFor = () => defaultConfig();
const repos = readdirSync(corpus).filter((d) => statSync(join(corpus, d)).isDirectory() && (!only.length || only.some((o) => o.replace('/', '__') === d))).sort();
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

const pglite = await applyOnPglite();
const total = { offered: 0, parses: 0, gone: 0, noNew: 0 };
const rows = [...byRule].sort((a, b) => a[0].localeCompare(b[0])).map(([rule, r]) => {
  for (const k of Object.keys(total)) total[k] += r[k];
  const a = pglite.byRule.get(rule);
  return `| ${rule} | ${r.offered} | ${r.parses} | ${r.gone} | ${r.noNew} | ${a ? `${a.ok} / ${a.reached}` : '–'} |`;
});
const pct = (n) => (total.offered ? `${((100 * n) / total.offered).toFixed(1)}%` : '–');
const md = [
  '# Fixes on the corpus',
  '',
  `Generated by \`npm run corpus-fixes\` over ${repos.length} repositories in ${((performance.now() - t0) / 1000).toFixed(1)} s. Each preferred fix is applied alone to an in-memory copy of its migration folder, which is then re-parsed and re-linted.`,
  '',
  '| rule | fixes offered | parse OK | finding gone | no new finding | applied OK on PGlite (of those reached) |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows,
  `| **total** | **${total.offered}** | **${total.parses}** (${pct(total.parses)}) | **${total.gone}** (${pct(total.gone)}) | **${total.noNew}** (${pct(total.noNew)}) | **${pglite.ok} / ${pglite.reached}** (${pglite.reached ? ((100 * pglite.ok) / pglite.reached).toFixed(1) : '–'}%) |`,
  '',
  failures.length ? `## Not clean (${failures.length})\n\n${failures.slice(0, 200).map((f) => `- ${f}`).join('\n')}` : 'Every fix parses, removes its finding and adds none.',
  '',
  ...pglite.md,
  '',
].join('\n');
if (!only.length) writeFileSync(join(root, 'docs', 'corpus-fixes.md'), md);
console.log(md);

/**
 * For each repository PGlite runs: apply the original migrations in order, then apply every fix
 * together (the --fix=all way) to a copy and apply the fixed migrations in order; judge each
 * applied fix by whether the files it changed or created applied.
 */
async function applyOnPglite() {
  const manifest = JSON.parse(readFileSync(join(corpus, 'MANIFEST.json'), 'utf8'));
  const snapshot = await (await corpusDatabase()).dumpDataDir('none');
  const byRuleApplied = new Map();
  const lines = [];
  const problems = [];
  let ok = 0;
  let reached = 0;
  let fixesApplied = 0;
  let skippedValue = 0;
  const t1 = performance.now();
  for (const m of manifest) {
    const repo = m.repo;
    if (only.length && !only.includes(repo)) continue;
    if (NOT_APPLICABLE[repo]) {
      lines.push(`| ${repo} | not run: ${NOT_APPLICABLE[repo]} | | | |`);
      continue;
    }
    const runner = RUNNER[repo] ?? {};
    const dir = join(corpus, repo.replace('/', '__'), m.migrations_dir);
    const withRunnerText = (base) => (runner.text ? { ...base, readText: (p) => { const t = base.readText(p); return t === undefined ? t : runner.text(t); } } : base);
    const original = withRunnerText(cachedFs(nodeFs));
    const sets = setsFor(selectFiles([dir], '/').files, original);
    if (repo === 'chef/chef-server') sets.sort((a, b) => (a.root.endsWith('baseline') ? -1 : b.root.endsWith('baseline') ? 1 : 0)); // baseline project first
    const before = await applySets(sets, original, runner, snapshot);
    // Every fix at once, pass after pass, on a copy (its own cache: the overlay adds new files to listings).
    const copyBase = withRunnerText(cachedFs(nodeFs));
    const overlay = new Map();
    const fixedFs = overlayFs(copyBase, overlay);
    const applied = [];
    for (const set of sets) {
      const r = fixTogether(set, fixedFs, overlay);
      applied.push(...r.applied);
      skippedValue += r.skippedValue;
    }
    fixesApplied += applied.length;
    const fixedSets = sets.map((s) => loadSet(s.root, fixedFs, s.framework));
    const after = await applySets(fixedSets, fixedFs, runner, snapshot);
    let repoOk = 0;
    let repoReached = 0;
    for (const a of applied) {
      const files = [a.file, ...a.newFiles];
      const stat = byRuleApplied.get(a.rule) ?? { ok: 0, reached: 0 };
      byRuleApplied.set(a.rule, stat);
      if (files.every((f) => after.applied.has(f))) {
        stat.ok++;
        stat.reached++;
        repoOk++;
        repoReached++;
      } else if (after.failed && files.includes(after.failed.file) && after.failed.file !== before.failed?.file) {
        stat.reached++;
        repoReached++;
        problems.push(`${relative(corpus, after.failed.file)} (${a.rule}: ${a.title}): ${after.failed.error}`);
      }
      // Otherwise not reached: the migrations stop earlier (see the table).
    }
    ok += repoOk;
    reached += repoReached;
    // A stop where the original went on, in a file no fix touched: some fix broke what follows it.
    if (after.failed && before.applied.has(after.failed.file) && !applied.some((a) => [a.file, ...a.newFiles].includes(after.failed.file))) {
      problems.push(`${relative(corpus, after.failed.file)} (no fix in this file; the original applies it): ${after.failed.error}`);
    }
    const stop = (r) => (r.failed ? `stops at ${relative(dir, r.failed.file)}: ${r.failed.error.replace(/\|/g, '\\|')}` : 'all');
    lines.push(`| ${repo} | ${before.applied.size}/${before.total} (${stop(before)}) | ${applied.length} | ${after.applied.size}/${after.total} (${stop(after)}) | ${repoOk} / ${repoReached} |`);
    console.error(`${repo}: original ${before.applied.size}/${before.total}, ${applied.length} fixes applied together, fixed ${after.applied.size}/${after.total}, applied OK ${repoOk}/${repoReached}`);
  }
  const md = [
    '## Fixed migrations applied on PGlite',
    '',
    `For each repository PGlite can run (set-up from \`scripts/corpus-runner.mjs\`: extensions, runner tables, placeholders; each file sent the way its runner sends it, by pgsafe verify's runner), the original migrations are applied in order, then every fix is applied together the \`--fix=all\` way (re-lint after each pass, at most one new migration per pass, up to ${MAX_PASSES} passes) to a copy, and the fixed migrations are applied in order to a fresh PGlite (${((performance.now() - t1) / 1000).toFixed(1)} s). ${fixesApplied} fixes were applied together; a fix is *applied OK* when every file it changed or created applied, *reached* when the run got to its files (a run stops at the first failing file; a fix in the file where the original run stops too is not counted). ${skippedValue} fixes that write a value placeholder (\`${BACKFILL_VALUE_PLACEHOLDER}\`) were not applied: they need the user's value and fail on purpose until it is filled in. The per-rule figures in the last column of the table above count these fixes, so their base differs from the "fixes offered" column (fixes applied together meet conflicts and follow-up fixes that one-at-a-time application does not).`,
    '',
    '| repository | original: files applied | fixes applied together | fixed: files applied | applied OK / reached |',
    '|---|---|---:|---|---:|',
    ...lines,
    '',
    problems.length ? `### Fixes whose files did not apply (${problems.length})\n\n${problems.map((p) => `- ${p}`).join('\n')}` : 'Every fix the runs reached applied.',
  ];
  return { byRule: byRuleApplied, ok, reached, md };
}


/** Apply every preferred fix of a set together, re-linting after each pass (fixes shift offsets and see the files earlier ones created). */
function fixTogether(set, fs, overlay) {
  const applied = [];
  let skippedValue = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let progress = false;
    let newFileThisPass = false;
    skippedValue = 0;
    for (const { file, text, result } of lintSet(loadSet(set.root, fs, set.framework), { fs, configFor })) {
      if (!result || text === undefined) continue;
      const ruleOf = new Map();
      const usable = result.findings.filter((f) => {
        const fix = preferredFix(f);
        if (!fix) return false;
        // A value placeholder fails on purpose when run: such fixes wait for the user's value.
        if (JSON.stringify(fix).includes('pgsafe_todo_value()')) {
          skippedValue++;
          return false;
        }
        ruleOf.set(fix, f.rule);
        return true;
      });
      const choice = chooseFixes(usable, 'all', !newFileThisPass);
      if (!choice.apply.length) continue;
      const creates = choice.apply.flatMap((f) => f.newFiles ?? []);
      if (creates.some((f) => fs.exists(f.path))) continue;
      overlay.set(file.path, applyTextEdits(text, choice.apply.flatMap((f) => f.edits)));
      for (const nf of creates) overlay.set(nf.path, nf.content);
      if (creates.length) newFileThisPass = true;
      for (const f of choice.apply) applied.push({ rule: ruleOf.get(f), title: f.title, file: file.path, newFiles: (f.newFiles ?? []).map((n) => n.path) });
      progress = true;
    }
    if (!progress) break;
  }
  return { applied, skippedValue };
}

/** Apply the sets' up files in order to a fresh PGlite; stop at the first failure. */
async function applySets(sets, fs, runner, snapshot) {
  const db = await corpusDatabase(snapshot);
  const applied = new Set();
  let total = 0;
  let failed;
  try {
    if (runner.before) await db.exec(runner.before);
    for (const set of sets) {
      const ups = set.files.filter((f) => f.role === 'up' || f.role === 'repeatable');
      total += ups.length;
      if (failed) continue;
      for (const file of ups) {
        const text = fs.readText(file.path);
        try {
          if (text === undefined) throw new Error('unreadable');
          await applyFile(db, set, file, text, fs, runner);
          applied.add(file.path);
        } catch (e) {
          failed = { file: file.path, error: String(e?.message ?? e).split('\n')[0] };
          break;
        }
      }
    }
  } finally {
    await db.close();
  }
  return { applied, total, failed };
}

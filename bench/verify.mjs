// npm run bench:verify: how long `pgsafe verify` takes on the largest corpus repository PGlite runs
// in full, on PGlite and on a real PostgreSQL (PGSAFE_PG_URL or --database-url; skipped with a
// message when neither is given), and the per-statement cost of tracing against plain execution
// of the same statements. Medians of BENCH_RUNS (default 3) runs, each on a fresh database
// (database creation is timed apart). Prints figures; asserts nothing.
//
// Usage: node bench/verify.mjs [--repo owner/name] [--database-url postgres://…]
// The default repository is ente-io/ente (124 files, all applied): hatchet and Dokploy have more
// files but stop partway on PGlite (docs/corpus-verify.md).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { corpus, manifest, repoSets, root, upFiles } from '../scripts/corpus-runner.mjs';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const repo = opt('--repo') ?? 'ente-io/ente';
const url = opt('--database-url') ?? process.env.PGSAFE_PG_URL;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
if (!existsSync(join(root, 'out', 'shared', 'src', 'verify', 'index.js'))) {
  console.error('run `node scripts/build.mjs` first (npm run bench:verify does)');
  process.exit(2);
}
const lib = (p) => require(join(root, 'out', p));
const { ensureParser } = lib('shared/src/parse/pgquery.js');
const { splitStatements } = lib('shared/src/parse/split.js');
const { transactionPlan } = lib('shared/src/project/transactions.js');
const { defaultConfig } = lib('shared/src/config/types.js');
const { openPglite, openServer, requestedExtensions, verifySet, summarize, runStatements, fileMode, snapshotRelations } = lib('shared/src/verify/index.js');

const m = manifest().find((x) => x.repo === repo);
if (!m) {
  console.error(`${repo} is not in ${join(corpus, 'MANIFEST.json')}`);
  process.exit(2);
}
await ensureParser();
const { runner, fs, sets } = repoSets(m);
const texts = sets.flatMap((s) => s.files.map((f) => fs.readText(f.path) ?? ''));
const extensions = [...requestedExtensions(texts), ...(runner.extensions ?? [])];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`);

async function fresh(engine) {
  const t0 = performance.now();
  const db = engine === 'pglite' ? await openPglite(extensions) : await openServer(url);
  if (runner.before) await db.exec(runner.before);
  return { db, createMs: performance.now() - t0 };
}

/** `pgsafe verify` of the whole repository: trace, down round-trip, up again, re-run. */
async function verifyOnce(engine) {
  const { db, createMs } = await fresh(engine);
  try {
    const t0 = performance.now();
    const verdicts = [];
    for (const set of sets) {
      const v = await verifySet(db, set, { fs, configFor: () => defaultConfig() });
      verdicts.push(v);
      if (v.stopped) break;
    }
    const s = summarize(verdicts);
    return { ms: performance.now() - t0, createMs, applied: verdicts.reduce((n, v) => n + v.applied, 0), total: sets.reduce((n, x) => n + upFiles(x).length, 0), files: s.reviewed, stopped: verdicts.find((v) => v.stopped)?.stopped, name: db.name };
  } finally {
    await db.close();
  }
}

/** Every file applied the runner's way, each statement traced or not; time and statement count. */
async function applyOnce(engine, trace) {
  const { db } = await fresh(engine);
  let ms = 0;
  let statements = 0;
  try {
    for (const set of sets) {
      for (const f of upFiles(set)) {
        const text = fs.readText(f.path) ?? '';
        const up = splitStatements(text, 'up').statements.filter((s) => s.section.direction === 'up');
        const mode = fileMode(transactionPlan(set.framework, f.path, text, fs), up, set.framework);
        const t0 = performance.now();
        const existing = trace ? await snapshotRelations(db) : undefined;
        const runs = await runStatements(db, up, { mode, trace: existing ? { existing } : undefined });
        ms += performance.now() - t0;
        statements += runs.filter((r) => !r.control).length;
      }
    }
  } finally {
    await db.close();
  }
  return { ms, statements };
}

async function bench(engine) {
  const label = engine === 'pglite' ? 'PGlite' : 'PostgreSQL';
  const v = [];
  for (let i = 0; i < RUNS; i++) v.push(await verifyOnce(engine));
  const first = v[0];
  console.log(`${label} (${first.name}): pgsafe verify ${repo}, ${first.applied}/${first.total} files${first.stopped ? ` (stopped at ${first.stopped.file})` : ''}: median ${fmt(median(v.map((x) => x.ms)))} (min ${fmt(Math.min(...v.map((x) => x.ms)))}, max ${fmt(Math.max(...v.map((x) => x.ms)))}); creating the database: median ${fmt(median(v.map((x) => x.createMs)))}`);
  const plain = [];
  const traced = [];
  for (let i = 0; i < RUNS; i++) {
    plain.push(await applyOnce(engine, false));
    traced.push(await applyOnce(engine, true));
  }
  const n = plain[0].statements;
  const p = median(plain.map((x) => x.ms)) / n;
  const t = median(traced.map((x) => x.ms)) / n;
  console.log(`${label}: ${n} statements applied the runner's way: plain ${fmt(p)} per statement (whole repository ${fmt(median(plain.map((x) => x.ms)))}), traced ${fmt(t)} per statement (${fmt(median(traced.map((x) => x.ms)))}); tracing adds ${fmt(t - p)} per statement (${(t / p).toFixed(1)}×)`);
}

console.log(`bench:verify — ${repo}, median of ${RUNS} run(s) each`);
await bench('pglite');
if (url) await bench('server');
else console.log('PostgreSQL: skipped (set PGSAFE_PG_URL or pass --database-url postgres://… to time a real server)');

// `pgsafe verify` over the corpus: each repository's migration sets applied in the runner's order
// on one fresh PGlite per repository, every up file traced, its down (own or generated)
// round-tripped, the up applied again and re-run. Writes docs/corpus-verify.md.
// Usage: node scripts/build.mjs && node scripts/corpus-verify.mjs [owner/name …] [--trace-only]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');
const argv = process.argv.slice(2);
const traceOnly = argv.includes('--trace-only');
const only = argv.filter((a) => !a.startsWith('--'));
const { ensureParser } = require(join(root, 'out/shared/src/parse/pgquery.js'));
const { setsFor } = require(join(root, 'out/shared/src/project/discover.js'));
const { cachedFs, nodeFs } = require(join(root, 'out/shared/src/project/fs.js'));
const { defaultConfig } = require(join(root, 'out/shared/src/config/types.js'));
const { selectFiles } = require(join(root, 'out/server/src/cli/files.js'));
const { openPglite, requestedExtensions, verifySet, summarize } = require(join(root, 'out/shared/src/verify/index.js'));

/** What each repository's runner does before or around the files (as in scripts/pglite-agreement.mjs). */
const RUNNER = {
  'graphile/worker': {
    before: 'create schema graphile_worker; create table graphile_worker.migrations (id int primary key, ts timestamptz default now() not null);',
    text: (t) => t.replace(/:GRAPHILE_WORKER_SCHEMA\b/g, 'graphile_worker'),
  },
  'goharbor/harbor': { before: 'create table schema_migrations (version bigint primary key, dirty boolean not null);' },
  'ente-io/ente': { before: 'create table schema_migrations (version bigint primary key, dirty boolean not null);' },
  // The repository's own docker initdb script creates these extensions (pglite-corpus.md, workaround 1).
  'chirpstack/chirpstack': { before: 'create extension if not exists pg_trgm; create extension if not exists hstore;', extensions: ['pg_trgm', 'hstore'] },
};
const NOT_APPLICABLE = {
  'usebasejump/basejump': 'needs Supabase roles and the auth/storage schemas (pglite-corpus.md: a Supabase stub)',
  'mckaywrigley/chatbot-ui': 'needs the `http` extension, which PGlite does not ship',
  'supabase/postgres': 'needs the supabase_admin role and the `pgjwt` extension, which PGlite does not ship',
  'supabase/storage': "needs the Storage runner's bootstrap (schemas, search_path, storage.* settings), not reproduced here",
};

await ensureParser();
const manifest = JSON.parse(readFileSync(join(corpus, 'MANIFEST.json'), 'utf8'));
const rows = [];
for (const m of manifest) {
  if (only.length && !only.includes(m.repo)) continue;
  if (NOT_APPLICABLE[m.repo]) {
    rows.push({ repo: m.repo, note: NOT_APPLICABLE[m.repo] });
    continue;
  }
  const runner = RUNNER[m.repo] ?? {};
  const dir = join(corpus, m.repo.replace('/', '__'), m.migrations_dir);
  const base = cachedFs(nodeFs);
  const fs = runner.text ? { ...base, readText: (p) => { const t = base.readText(p); return t === undefined ? t : runner.text(t); } } : base;
  const { files } = selectFiles([dir], '/');
  const sets = setsFor(files, fs);
  if (m.repo === 'chef/chef-server') sets.sort((a, b) => (a.root.endsWith('baseline') ? -1 : b.root.endsWith('baseline') ? 1 : 0));
  const t0 = performance.now();
  const texts = sets.flatMap((s) => s.files.map((f) => fs.readText(f.path) ?? ''));
  const db = await openPglite([...requestedExtensions(texts), ...(runner.extensions ?? [])]);
  const created = performance.now() - t0;
  const verdicts = [];
  try {
    if (runner.before) await db.exec(runner.before);
    for (const set of sets) {
      const v = await verifySet(db, set, { fs, configFor: () => defaultConfig(), traceOnly });
      verdicts.push(v);
      if (v.stopped) break;
    }
  } finally {
    await db.close();
  }
  const s = summarize(verdicts);
  const stopped = verdicts.find((v) => v.stopped)?.stopped;
  const verdictFiles = verdicts.flatMap((v) => v.files);
  const stmts = verdictFiles.flatMap((f) => f.statements);
  const row = {
    repo: m.repo, framework: [...new Set(sets.map((x) => x.framework))].join(', '),
    applied: verdicts.reduce((n, v) => n + v.applied, 0), total: sets.reduce((n, x) => n + x.files.filter((f) => f.role === 'up' || f.role === 'repeatable').length, 0),
    statements: stmts.filter((x) => x.source !== 'control').length, catalogueOnly: stmts.filter((x) => x.source === 'catalogue').length,
    blocking: s.blockingLocks, rewrites: s.rewrites, downsEqual: s.downsEqual, downsChecked: s.downsChecked,
    ownDowns: verdictFiles.filter((f) => f.down?.source === 'own').length, notRerunnable: s.notRerunnable,
    notRerunnableFiles: verdictFiles.filter((f) => f.idempotency && !f.idempotency.rerunnable).length,
    disagreements: s.disagreements, stopped, seconds: (performance.now() - t0) / 1000, createSeconds: created / 1000,
    sampleDisagreements: stmts.flatMap((x) => x.disagreements.map((d) => `${x.title.slice(0, 60)} — ${d.relation}: catalogue ${d.catalogue}, database ${d.database}`)).slice(0, 3),
  };
  rows.push(row);
  console.log(`${m.repo}: ${row.applied}/${row.total} files, ${row.statements} statements (${row.catalogueOnly} outside a transaction); ${row.blocking} blocking locks on existing relations, ${row.rewrites} rewrites; downs equal ${row.downsEqual}/${row.downsChecked}; ${row.notRerunnable} statements not re-runnable in ${row.notRerunnableFiles} files; ${row.disagreements} disagreements; ${row.seconds.toFixed(1)} s${stopped ? `; stopped at ${stopped.file}: ${stopped.message}` : ''}`);
}

const out = ['# pgsafe verify over the corpus', '', 'Generated by `node scripts/corpus-verify.mjs` (after `node scripts/build.mjs`) — do not edit by hand.', '',
  `Each repository's migration sets run in their runner's order and transaction mode on one fresh PGlite (PostgreSQL 18); every up file is traced statement by statement${traceOnly ? '' : ', its down (own, else generated by `pgsafe down`) must bring the catalog back to the snapshot, the up is applied again and then re-run inside a rolled-back transaction'}. Runner bootstraps as in scripts/pglite-agreement.mjs.`, '',
  '| repository | framework | files applied | statements (outside a tx) | blocking locks on existing relations | table rewrites | downs equal (own) | statements not re-runnable (files) | catalogue/database disagreements | time |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
for (const r of rows) {
  if (r.note) out.push(`| ${r.repo} | – | not run | – | – | – | – | – | – | ${r.note} |`);
  else out.push(`| ${r.repo} | ${r.framework} | ${r.applied}/${r.total}${r.stopped ? ` (stopped at \`${r.stopped.file}\`: ${r.stopped.message.replace(/\|/g, '\\|')})` : ''} | ${r.statements} (${r.catalogueOnly}) | ${r.blocking} | ${r.rewrites} | ${traceOnly ? '–' : `${r.downsEqual}/${r.downsChecked} (${r.ownDowns})`} | ${traceOnly ? '–' : `${r.notRerunnable} (${r.notRerunnableFiles})`} | ${r.disagreements} | ${r.seconds.toFixed(1)} s |`);
}
const samples = rows.filter((r) => r.sampleDisagreements?.length);
if (samples.length) {
  out.push('', '## Sample disagreements', '');
  for (const r of samples) for (const d of r.sampleDisagreements) out.push(`- ${r.repo}: ${d.replace(/\n/g, ' ')}`);
}
writeFileSync(join(root, 'docs', 'corpus-verify.md'), out.join('\n') + '\n');
console.log('wrote docs/corpus-verify.md');

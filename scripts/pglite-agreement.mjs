// How well does pgsafe's replayed schema match a real database? For each corpus migration set:
// apply its up migrations, in the runner's order and transaction mode, to PGlite (PostgreSQL 18 in
// WASM), read the real catalog, replay the same files into pgsafe's model, and compare the facts:
// tables, columns (type, length/precision, nullability, has-a-default), indexes, constraints
// (type, validated). Prints a table per repository and writes docs/pglite-agreement.md.
// Run with `npm run agreement` (builds first). Slow: one PGlite database per set.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { hstore } from '@electric-sql/pglite/contrib/hstore';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { citext } from '@electric-sql/pglite/contrib/citext';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');
const only = process.argv.slice(2);
const { ensureParser } = require(join(root, 'out/shared/src/parse/pgquery.js'));
const { splitStatements } = require(join(root, 'out/shared/src/parse/split.js'));
const { setsFor } = require(join(root, 'out/shared/src/project/discover.js'));
const { lintSet } = require(join(root, 'out/shared/src/project/lint.js'));
const { transactionPlan } = require(join(root, 'out/shared/src/project/transactions.js'));
const { cachedFs, nodeFs } = require(join(root, 'out/shared/src/project/fs.js'));
const { defaultConfig } = require(join(root, 'out/shared/src/config/types.js'));
const { Catalog } = require(join(root, 'out/shared/src/context/catalog.js'));
const { selectFiles } = require(join(root, 'out/server/src/cli/files.js'));

export const extensions = { pg_trgm, btree_gist, hstore, uuid_ossp, pgcrypto, citext };

/** What each repository's runner does before or around the files (not workarounds of ours). */
export const RUNNER = {
  'graphile/worker': {
    before: 'create schema graphile_worker; create table graphile_worker.migrations (id int primary key, ts timestamptz default now() not null);',
    text: (t) => t.replace(/:GRAPHILE_WORKER_SCHEMA\b/g, 'graphile_worker'),
    runnerTables: ['graphile_worker.migrations'],
    // graphile-worker's runMigration wraps each file in a transaction.
    transaction: true,
  },
  'goharbor/harbor': { before: 'create table schema_migrations (version bigint primary key, dirty boolean not null);', runnerTables: ['public.schema_migrations'] },
  'ente-io/ente': { before: 'create table schema_migrations (version bigint primary key, dirty boolean not null);', runnerTables: ['public.schema_migrations'] },
  'riverqueue/river': {},
  // The repository's own docker initdb script creates these extensions (pglite-corpus.md, workaround 1).
  'chirpstack/chirpstack': { before: 'create extension if not exists pg_trgm; create extension if not exists hstore;' },
};
export const NOT_APPLICABLE = {
  'usebasejump/basejump': 'needs Supabase roles and the auth/storage schemas (pglite-corpus.md: a Supabase stub)',
  'mckaywrigley/chatbot-ui': 'needs the `http` extension, which PGlite does not ship',
  'supabase/postgres': 'needs the supabase_admin role and the `pgjwt` extension, which PGlite does not ship',
  'supabase/storage': "needs the Storage runner's bootstrap (schemas, search_path, storage.* settings), not reproduced here",
};

const q = (s) => s.replace(/"/g, '');
const tableKey = (schema, name) => `${schema ?? 'public'}.${name}`;
const ARRAY = (t) => (t.startsWith('_') ? `${t.slice(1)}[]` : t);
const SERIAL = { serial: 'int4', bigserial: 'int8', smallserial: 'int2' };

async function dbFacts(db, runnerTables, model) {
  const facts = new Set();
  const skip = new Set(runnerTables ?? []);
  // Partitions that functions create when they run (hatchet's dated partitions) are not in any
  // migration's text; they are counted apart, not compared.
  for (const t of model.uncertain) skip.add(t);
  const runtime = (await db.query(`select n.nspname as s, c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relispartition`)).rows
    .map((r) => tableKey(r.s, r.t)).filter((t) => !model.has(`table ${t}`));
  for (const t of runtime) skip.add(t);
  facts.runtimePartitions = runtime.length;
  const tables = (await db.query(`select n.nspname as s, c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r','p') and n.nspname not in ('pg_catalog','information_schema','pg_toast')`)).rows;
  for (const r of tables) if (!skip.has(tableKey(r.s, r.t))) facts.add(`table ${tableKey(r.s, r.t)}`);
  const cols = (await db.query(`select c.table_schema as s, c.table_name as t, c.column_name as c, c.udt_name as u, c.character_maximum_length as len,
      c.numeric_precision as p, c.numeric_scale as sc, c.is_nullable as nul, c.column_default as d, c.is_identity as ident, c.is_generated as gen
    from information_schema.columns c join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name
    where tb.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog','information_schema')`)).rows;
  for (const r of cols) {
    const t = tableKey(r.s, r.t);
    if (skip.has(t)) continue;
    facts.add(`column ${t}.${r.c}`);
    facts.add(`type ${t}.${r.c} ${ARRAY(r.u)}${r.u === 'varchar' || r.u === 'bpchar' ? `(${r.len ?? ''})` : r.u === 'numeric' && r.p !== null ? `(${r.p},${r.sc})` : ''}`);
    facts.add(`nullable ${t}.${r.c} ${r.nul === 'YES'}`);
    facts.add(`default ${t}.${r.c} ${r.d !== null || r.ident === 'YES' || r.gen === 'ALWAYS'}`);
  }
  for (const r of (await db.query(`select schemaname as s, tablename as t, indexname as i from pg_indexes where schemaname not in ('pg_catalog','information_schema')`)).rows) {
    if (!skip.has(tableKey(r.s, r.t))) facts.add(`index ${tableKey(r.s, r.t)} ${r.i}`);
  }
  for (const r of (await db.query(`select n.nspname as s, c.relname as t, k.conname as k, k.contype as ty, k.convalidated as v from pg_constraint k
      join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace where k.contype in ('p','u','f','c','x') and n.nspname not in ('pg_catalog','information_schema','pg_toast')`)).rows) {
    if (!skip.has(tableKey(r.s, r.t))) facts.add(`constraint ${tableKey(r.s, r.t)} ${r.k} ${r.ty} ${r.v}`);
  }
  return facts;
}

function modelFacts(catalog) {
  const facts = new Set();
  // Tables the model marks uncertain (conditional DDL, LIKE … INCLUDING ALL, CREATE TABLE AS …):
  // it claims nothing about them, so they are counted apart, not compared.
  facts.uncertain = new Set(catalog.allRelations().filter((r) => r.uncertain && (r.kind === 'table' || r.kind === 'partitioned')).map((r) => tableKey(r.name.schema, r.name.name)));
  const CONTYPE = { primary: 'p', unique: 'u', foreign: 'f', check: 'c', exclusion: 'x' };
  for (const r of catalog.allRelations()) {
    if (r.kind !== 'table' && r.kind !== 'partitioned') continue;
    const t = tableKey(r.name.schema, r.name.name);
    if (facts.uncertain.has(t)) continue;
    facts.add(`table ${t}`);
    for (const c of r.columns.values()) {
      facts.add(`column ${t}.${c.name}`);
      if (c.type) {
        const name = SERIAL[c.type.name] ?? c.type.name;
        const mods = c.type.array ? '' : name === 'varchar' || name === 'bpchar' ? `(${c.type.mods[0] ?? (name === 'bpchar' ? 1 : '')})` : name === 'numeric' && c.type.mods.length ? `(${c.type.mods[0]},${c.type.mods[1] ?? 0})` : '';
        facts.add(`type ${t}.${c.name} ${name}${c.type.array ? '[]' : ''}${mods}`);
      }
      facts.add(`nullable ${t}.${c.name} ${!c.notNull}`);
      facts.add(`default ${t}.${c.name} ${c.hasDefault || !!(c.type && SERIAL[c.type.name])}`);
    }
    for (const k of r.constraints.values()) {
      if (CONTYPE[k.type]) facts.add(`constraint ${t} ${k.name} ${CONTYPE[k.type]} ${k.validated}`);
    }
  }
  for (const i of catalog.allIndexes()) if (!facts.uncertain.has(tableKey(i.table.schema, i.table.name))) facts.add(`index ${tableKey(i.table.schema, i.table.name)} ${i.name.name}`);
  return facts;
}

/**
 * Apply one migration file's up part to `db` the way the agreement run does (exported for
 * scripts/corpus-fixes.mjs): the runner's transaction unless the file opts out or holds statements
 * that cannot run in one; statements one by one. Throws the database's error.
 */
export async function applyFile(db, set, file, text, fs, runner = {}) {
  const plan = transactionPlan(set.framework, file.path, text, fs);
  const { statements } = splitStatements(text);
  const up = statements.filter((s) => s.section.direction === 'up');
  const noTx = up.some((s) => s.section.noTransaction) || up.some((s) => s.node?.concurrent || /\bCONCURRENTLY\b/i.test(s.text)) || up.some((s) => s.kind === 'TransactionStmt');
  const wrap = (plan.runnerTransaction || runner.transaction) && !noTx;
  try {
    if (wrap) await db.exec('BEGIN');
    for (const s of up) await db.exec(s.text);
    if (wrap) await db.exec('COMMIT');
  } catch (e) {
    await db.exec('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** A PGlite database with the extensions the corpus needs, started from a snapshot (faster than a fresh one). */
export async function corpusDatabase(snapshot) {
  return PGlite.create(snapshot ? { loadDataDir: snapshot, extensions } : { extensions });
}

async function applySet(db, set, fs, runner) {
  const ups = set.files.filter((f) => f.role === 'up' || f.role === 'repeatable');
  for (let i = 0; i < ups.length; i++) {
    const file = ups[i];
    const text = fs.readText(file.path);
    if (text === undefined) return { applied: i, failed: { file: file.path, error: 'unreadable' } };
    try {
      await applyFile(db, set, file, text, fs, runner);
    } catch (e) {
      return { applied: i, failed: { file: file.path, error: String(e.message ?? e).split('\n')[0] } };
    }
  }
  return { applied: ups.length };
}

// Run only when invoked as a script: corpus-fixes.mjs imports the runner set-up above.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolvePath(process.argv[1])) {
  await ensureParser();
  const manifest = JSON.parse(readFileSync(join(corpus, 'MANIFEST.json'), 'utf8'));
  const base = await corpusDatabase();
  const snapshot = await base.dumpDataDir('none');
  await base.close();
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
    // The model reads the same text the database ran (placeholders substituted as the runner does).
    const fs = runner.text ? { ...base, readText: (p) => { const t = base.readText(p); return t === undefined ? t : runner.text(t); } } : base;
    const { files } = selectFiles([dir], '/');
    const sets = setsFor(files, fs);
    if (m.repo === 'chef/chef-server') sets.sort((a, b) => (a.root.endsWith('baseline') ? -1 : b.root.endsWith('baseline') ? 1 : 0)); // baseline project first
    const db = await corpusDatabase(snapshot);
    const catalog = new Catalog();
    if (runner.before) await db.exec(runner.before);
    let applied = 0;
    let total = 0;
    let failed;
    for (const set of sets) {
      const r = await applySet(db, set, fs, runner);
      applied += r.applied;
      total += set.files.filter((f) => f.role === 'up' || f.role === 'repeatable').length;
      lintSet(set, { fs, configFor: () => defaultConfig(), catalog, report: new Set(), stopBefore: r.failed?.file });
      if (r.failed) {
        failed = r.failed;
        break;
      }
    }
    const model = modelFacts(catalog);
    const real = await dbFacts(db, runner.runnerTables, model);
    await db.close();
    const both = [...real].filter((f) => model.has(f)).length;
    const union = new Set([...real, ...model]).size;
    const onlyDb = [...real].filter((f) => !model.has(f));
    const onlyModel = [...model].filter((f) => !real.has(f));
    rows.push({ repo: m.repo, applied, total, failed, facts: real.size, agreement: union ? both / union : 1, onlyDb, onlyModel, runtime: real.runtimePartitions, uncertain: model.uncertain.size });
    const r = rows[rows.length - 1];
    console.log(`${m.repo}: ${applied}/${total} files applied${failed ? ` (stopped at ${relative(dir, failed.file)}: ${failed.error})` : ''}; ${real.size} catalog facts${model.uncertain.size ? ` (${model.uncertain.size} uncertain tables not compared)` : ''}; agreement ${(r.agreement * 100).toFixed(2)}% (${onlyDb.length} only in PGlite, ${onlyModel.length} only in the model)`);
  }

  const out = ['# Replayed schema vs PGlite', '', 'Generated by `npm run agreement` (scripts/pglite-agreement.mjs) — do not edit by hand.', '',
    'Each corpus migration set is applied in its runner\'s order and transaction mode to PGlite 0.5.16 (PostgreSQL 18.6), and the',
    'same files are replayed into pgsafe\'s schema model. Facts compared: tables; columns; column types (with varchar/char length and',
    'numeric precision); nullability; whether a column has a default (or is identity/generated); index names; constraints (name,',
    'type, validated). Agreement = facts in both / facts in either. Where applying stops, the model is replayed up to the same file.', '',
    '| repository | files applied | catalog facts (PGlite) | agreement | only in PGlite | only in the model |', '|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    if (r.note) out.push(`| ${r.repo} | not applied: ${r.note} | | | | |`);
    else out.push(`| ${r.repo} | ${r.applied}/${r.total}${r.failed ? ` (stops: ${r.failed.error.replace(/\|/g, '\\|')})` : ''} | ${r.facts}${r.runtime ? ` (+${r.runtime} run-time partitions, not compared)` : ''}${r.uncertain ? ` (${r.uncertain} table${r.uncertain === 1 ? '' : 's'} the model marks uncertain, not compared)` : ''} | ${(r.agreement * 100).toFixed(2)}% | ${r.onlyDb.length} | ${r.onlyModel.length} |`);
  }
  out.push('', '## Differences (first 8 per repository)', '');
  for (const r of rows) {
    if (r.note || (r.onlyDb.length === 0 && r.onlyModel.length === 0)) continue;
    out.push(`- **${r.repo}**: only in PGlite: ${r.onlyDb.slice(0, 8).map((f) => `\`${f}\``).join(', ') || 'none'}; only in the model: ${r.onlyModel.slice(0, 8).map((f) => `\`${f}\``).join(', ') || 'none'}`);
  }
  if (!only.length) writeFileSync(join(root, 'docs', 'pglite-agreement.md'), out.join('\n') + '\n');

  if (process.env.AGREEMENT_DEBUG) for (const r of rows) if (!r.note) console.log(r.repo, '\nONLY DB:', r.onlyDb.slice(0, 40).join('\n  '), '\nONLY MODEL:', r.onlyModel.slice(0, 20).join('\n  '));
}

// Rollback generation over the corpus (issue 7 acceptance): for every up migration of every
// repository that applies on PGlite, in order, generate the down from the files before it, and
// round-trip it: snapshot the catalog, apply the up, apply the down, compare with the snapshot.
// Files whose down is partial (data lost, irreversible, data changes, unsupported) are flagged and
// not round-tripped. The round trip runs inside BEGIN … ROLLBACK when the file can run in a
// transaction (so a failing down never leaves the database off course); the file is then applied
// for real. Prints a table per repository and writes docs/corpus-rollback.md.
// Run: node scripts/build.mjs && node scripts/corpus-rollback.mjs [owner/name …]
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { NOT_APPLICABLE, manifest, pgliteExtensions, repoSets, root } from './corpus-runner.mjs';

const require = createRequire(import.meta.url);
const only = process.argv.slice(2);
const out = (p) => require(join(root, 'out', p));
const { ensureParser } = out('shared/src/parse/pgquery.js');
const { splitStatements } = out('shared/src/parse/split.js');
const { transactionPlan } = out('shared/src/project/transactions.js');
const { advance, downForText, emptyState } = out('shared/src/rollback/generate.js');
const { snapshotSchema, compareSnapshots } = out('shared/src/rollback/roundtrip.js');

// Runner behaviour and workarounds per repository: scripts/corpus-runner.mjs (pglite-corpus.md).
const extensions = await pgliteExtensions();

const first = (e) => String(e?.message ?? e).split('\n')[0].slice(0, 160);

async function execUp(db, statements) {
  for (const s of statements) await db.exec(s.text);
}

async function processFile(db, text, file, set, fs, runner, state, row) {
  const plan = transactionPlan(set.framework, file.path, text, fs);
  const up = splitStatements(text).statements.filter((s) => s.section.direction === 'up');
  const noTx = up.some((s) => s.section.noTransaction || s.node?.concurrent || s.kind === 'TransactionStmt' || /\bCONCURRENTLY\b/i.test(s.text));
  const wrap = (plan.runnerTransaction || runner.transaction) && !noTx;
  let down;
  try {
    down = downForText(text, state, file.path);
    row.generated++;
  } catch (e) {
    row.crashes.push(`${file.rel}: ${first(e)}`);
  }
  const reversible = down && !down.partial && !up.some((s) => s.kind === 'AlterEnumStmt' && !s.node?.oldVal);
  if (down && !reversible) {
    row.flagged++;
    const kinds = new Set(down.items.filter((i) => i.status !== 'inverted' && i.status !== 'no-op').map((i) => i.status));
    for (const k of kinds) row.flagKinds[k] = (row.flagKinds[k] ?? 0) + 1;
  }
  if (reversible) {
    row.reversible++;
    const downStmts = splitStatements(down.sql).statements;
    if (!noTx && !downStmts.some((s) => s.node?.concurrent)) {
      // Round trip inside a transaction that is rolled back.
      const before = await snapshotSchema(db);
      await db.exec('BEGIN');
      let reason;
      try {
        await execUp(db, up);
      } catch (e) {
        reason = `up: ${first(e)}`;
      }
      if (!reason) {
        try {
          await execUp(db, downStmts);
          const diff = compareSnapshots(before, await snapshotSchema(db));
          if (diff.length) reason = `differs: ${diff.slice(0, 3).join('; ')}${diff.length > 3 ? ` (+${diff.length - 3})` : ''}`;
        } catch (e) {
          reason = `down: ${first(e)}`;
        }
      }
      await db.exec('ROLLBACK');
      if (reason) row.failed.push(`${file.rel}: ${reason}`);
      else row.equal++;
    } else {
      // Outside a transaction (CONCURRENTLY): the real thing, statement by statement.
      const before = await snapshotSchema(db);
      let reason;
      try {
        await execUp(db, up);
        await execUp(db, downStmts);
        const diff = compareSnapshots(before, await snapshotSchema(db));
        if (diff.length) reason = `differs: ${diff.slice(0, 3).join('; ')}`;
      } catch (e) {
        reason = `${first(e)}`;
      }
      if (reason) {
        row.failed.push(`${file.rel}: ${reason} (outside a transaction: stopped here)`);
        return false;
      }
      row.equal++;
    }
  }
  // Apply the file for real, as its runner does, and move the state past it.
  try {
    if (wrap) await db.exec('BEGIN');
    await execUp(db, up);
    if (wrap) await db.exec('COMMIT');
  } catch (e) {
    await db.exec('ROLLBACK').catch(() => {});
    row.stopped = `${file.rel} does not apply: ${first(e)}`;
    return false;
  }
  advance(state, text);
  return true;
}

await ensureParser();
const base = await PGlite.create({ extensions });
const dataDir = await base.dumpDataDir('none');
await base.close();
const rows = [];
for (const m of manifest()) {
  if (only.length && !only.includes(m.repo)) continue;
  if (NOT_APPLICABLE[m.repo]) {
    rows.push({ repo: m.repo, note: NOT_APPLICABLE[m.repo] });
    continue;
  }
  const t0 = Date.now();
  const { runner, dir, fs, sets } = repoSets(m);
  const db = await PGlite.create({ loadDataDir: dataDir, extensions });
  if (runner.before) await db.exec(runner.before);
  const row = { repo: m.repo, files: 0, generated: 0, reversible: 0, equal: 0, flagged: 0, flagKinds: {}, failed: [], crashes: [], stopped: undefined };
  const state = emptyState();
  outer: for (const set of sets) {
    for (const file of set.files.filter((f) => f.role === 'up' || f.role === 'repeatable')) {
      const text = fs.readText(file.path);
      if (text === undefined) continue;
      row.files++;
      file.rel = relative(dir, file.path);
      if (!(await processFile(db, text, file, set, fs, runner, state, row))) break outer;
    }
  }
  await db.close();
  rows.push(row);
  console.log(`${m.repo}: ${row.files} files, ${row.generated} downs, ${row.equal}/${row.reversible} reversible round-trip equal, ${row.flagged} flagged, ${row.failed.length} failed, ${row.crashes.length} crashes${row.stopped ? `; stopped: ${row.stopped}` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const sum = (k) => rows.filter((r) => !r.note).reduce((a, r) => a + (Array.isArray(r[k]) ? r[k].length : r[k]), 0);
const lines = ['# Rollback generation on the corpus', '', 'Generated by `node scripts/corpus-rollback.mjs` — do not edit by hand.', '',
  'For every up migration of each repository that applies on PGlite 0.5.16 (PostgreSQL 18), in its runner\'s order: the down is',
  'generated from the migrations before it; a down that reverts every statement exactly is round-tripped (catalog snapshot, up, down,',
  'compare: relations, columns with type / nullability / default / identity, indexes, constraints with validation, views, functions,',
  'triggers, types, extensions, policies, comments, row security) inside a transaction that is rolled back (outside one for',
  'CONCURRENTLY); a partial down (data lost, irreversible, data change, or a statement pgsafe cannot invert) is flagged and not',
  'round-tripped. Each file is then applied for real.', '',
  `Totals: ${sum('files')} files, ${sum('generated')} downs generated, ${sum('equal')}/${sum('reversible')} reversible files round-trip exactly (${sum('reversible') ? ((100 * sum('equal')) / sum('reversible')).toFixed(1) : 0}%), ${sum('flagged')} flagged, ${sum('failed')} failed, ${sum('crashes')} crashes.`, '',
  '| repository | files | downs generated | round-trips equal / reversible | flagged (partial) | failed | crashes |', '|---|---:|---:|---:|---:|---:|---:|'];
for (const r of rows) {
  if (r.note) lines.push(`| ${r.repo} | not applied: ${r.note} | | | | | |`);
  else lines.push(`| ${r.repo} | ${r.files}${r.stopped ? ` (stopped: ${r.stopped.replace(/\|/g, '\\|')})` : ''} | ${r.generated} | ${r.equal} / ${r.reversible} | ${r.flagged} (${Object.entries(r.flagKinds).map(([k, v]) => `${k} ${v}`).join(', ')}) | ${r.failed.length} | ${r.crashes.length} |`);
}
lines.push('', '## Failures, with reasons', '');
for (const r of rows.filter((x) => !x.note)) for (const f of [...r.failed, ...r.crashes]) lines.push(`- ${r.repo}: ${f.replace(/\n/g, ' ')}`);
if (!only.length) writeFileSync(join(root, 'docs', 'corpus-rollback.md'), lines.join('\n') + '\n');
else console.log(lines.slice(-20).join('\n'));

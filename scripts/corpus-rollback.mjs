// Rollback generation over the corpus (issue 7 acceptance): for every up migration of every
// repository that applies on PGlite, in order, generate the down from the files before it, and
// round-trip it: snapshot the catalog, apply the up, apply the down, compare with the snapshot.
// Files whose down is partial (data lost, irreversible, data changes, unsupported) are flagged and
// not round-tripped. The round trip runs inside BEGIN … ROLLBACK when the file can run in a
// transaction (so a failing down never leaves the database off course); the file is then applied
// for real through the shared verify runner (applyFile in corpus-runner.mjs: the runner's
// transaction, one query, or statement by statement, as corpus-fixes does). Where the repository
// ships its own down (a down file, section or sqitch revert), that down is run the same way
// (nested in the rolled-back transaction, its own BEGIN / COMMIT skipped) and compared with the
// snapshot too, and the engine's `down-does-not-revert` finding is collected: the report lists,
// per repository, where theirs is wrong and how ours does on the same file.
// Prints a table per repository and writes docs/corpus-rollback.md.
// Run: node scripts/build.mjs && node scripts/corpus-rollback.mjs [owner/name …]
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { NOT_APPLICABLE, applyFile, manifest, pgliteExtensions, repoSets, root } from './corpus-runner.mjs';

const require = createRequire(import.meta.url);
const only = process.argv.slice(2);
const out = (p) => require(join(root, 'out', p));
const { ensureParser } = out('shared/src/parse/pgquery.js');
const { splitStatements } = out('shared/src/parse/split.js');
const { advance, downForText, emptyState } = out('shared/src/rollback/generate.js');
const { snapshotSchema, compareSnapshots } = out('shared/src/rollback/roundtrip.js');
const { runStatements } = out('shared/src/verify/run.js');
const { lintSet } = out('shared/src/project/lint.js');
const { defaultConfig } = out('shared/src/config/types.js');

// Runner behaviour and workarounds per repository: scripts/corpus-runner.mjs (pglite-corpus.md).
const extensions = await pgliteExtensions();

const first = (e) => String(e?.message ?? e).split('\n')[0].slice(0, 160);

async function execUp(db, statements) {
  for (const s of statements) await db.exec(s.text);
}

/** The repository's own down for an up file: its pair (down file, sqitch revert) or its down section. */
function theirDown(file, text, fs) {
  if (file.pair) {
    const t = fs.readText(file.pair);
    if (t === undefined) return undefined;
    const stmts = splitStatements(t, 'down').statements.filter((s) => s.section.direction === 'down');
    return { where: relative(dirname(file.path), file.pair), stmts };
  }
  const section = splitStatements(text).statements.filter((s) => s.section.direction === 'down');
  return section.length ? { where: 'its down section', stmts: section } : undefined;
}

/** `~ type x: e a,b → e a,b,c`: only values added. */
function enumValuesAdded(d) {
  const m = /^~ type \S+: e (.*) → e (.*)$/.exec(d);
  if (!m) return false;
  const before = m[1].split(',');
  const after = new Set(m[2].split(','));
  return before.every((v) => after.has(v));
}

const diffText = (diff) => `${diff.slice(0, 3).join('; ')}${diff.length > 3 ? ` (+${diff.length - 3})` : ''}`;

/**
 * Their down, proven like ours: inside a transaction that is rolled back, apply the up, run their
 * down (nested: a savepoint, their BEGIN / COMMIT skipped), compare with the snapshot before the up.
 */
async function proveTheirs(db, up, theirs) {
  const before = await snapshotSchema(db);
  await db.exec('BEGIN');
  try {
    try {
      // Nested too: the file's own BEGIN / COMMIT are skipped and CONCURRENTLY is dropped (same catalog effect).
      await runStatements(db, up, { mode: { wrap: true, how: 'nested' }, nested: true });
    } catch (e) {
      return { ok: undefined, reason: `the up does not apply: ${first(e)}` };
    }
    const bad = theirs.stmts.find((s) => s.error);
    if (bad) return { ok: false, reason: `does not parse: ${bad.error.message} (line text: ${bad.text.split('\n')[0].slice(0, 60)})` };
    try {
      await runStatements(db, theirs.stmts, { mode: { wrap: true, how: 'nested' }, nested: true });
    } catch (e) {
      // A value ADD VALUE created cannot be used before the up commits: an artefact of proving in one transaction.
      if (/unsafe use of new value/.test(first(e))) return { ok: undefined, reason: `not compared: ${first(e)} (needs the up committed first)` };
      return { ok: false, reason: `fails on PGlite: ${first(e)}` };
    }
    // No down can remove enum values (PostgreSQL has no DROP VALUE): values the up added are not held against theirs.
    const diff = compareSnapshots(before, await snapshotSchema(db)).filter((d) => !enumValuesAdded(d));
    return diff.length ? { ok: false, reason: `does not restore the catalog: ${diffText(diff)}` } : { ok: true };
  } finally {
    await db.exec('ROLLBACK').catch(() => {});
  }
}

async function processFile(db, text, file, set, fs, runner, state, row) {
  const up = splitStatements(text).statements.filter((s) => s.section.direction === 'up');
  // Whether the round trip can run inside a rolled-back transaction (not how the file is applied: applyFile decides that).
  const noTx = up.some((s) => s.section.noTransaction || s.node?.concurrent || s.kind === 'TransactionStmt' || /\bCONCURRENTLY\b/i.test(s.text));
  let down;
  try {
    down = downForText(text, state, file.path);
    row.generated++;
  } catch (e) {
    row.crashes.push(`${file.rel}: ${first(e)}`);
  }
  const reversible = down && !down.partial && !up.some((s) => s.kind === 'AlterEnumStmt' && !s.node?.oldVal);
  // Theirs first, while the database is still before the up.
  const theirs = theirDown(file, text, fs);
  let theirsVerdict;
  if (theirs && theirs.stmts.length) {
    row.theirs++;
    theirsVerdict = await proveTheirs(db, up, theirs);
    if (theirsVerdict.ok === true) row.theirsEqual++;
  }
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
      if (reason?.startsWith('up: ')) {
        // The up itself does not apply: the set stops here (below); that is not a failure of the down.
        row.reversible--;
      } else if (reason) row.failed.push(`${file.rel}: ${reason}`);
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
  const ours = !down ? 'crashed' : !reversible ? `partial (${[...new Set(down.items.filter((i) => i.status !== 'inverted' && i.status !== 'no-op').map((i) => i.status))].join(', ')})`
    : row.failed.some((f) => f.startsWith(`${file.rel}: `)) ? 'round trip failed' : 'round-trips exactly';
  if (theirsVerdict && theirsVerdict.ok === false) row.theirsWrong.push({ file: `${file.rel} (${theirs.where})`, reason: theirsVerdict.reason, ours });
  if (file.engineFinding) {
    const listed = row.theirsWrong.find((w) => w.file.startsWith(`${file.rel} (`));
    if (listed) listed.engine = file.engineFinding;
    else row.theirsWrong.push({ file: `${file.rel} (${theirs?.where ?? 'its down'})`, reason: '', engine: file.engineFinding, ours });
  }
  // Apply the file for real through the shared verify runner (its transaction, one query or
  // statement by statement, as the repository's runner sends it), and move the state past it.
  try {
    await applyFile(db, set, file, text, fs, runner);
  } catch (e) {
    // A failed implicit or explicit transaction may still be open: leave it before stopping.
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
  const row = { repo: m.repo, files: 0, generated: 0, reversible: 0, equal: 0, flagged: 0, flagKinds: {}, failed: [], crashes: [], stopped: undefined, theirs: 0, theirsEqual: 0, theirsWrong: [] };
  // The engine's down-does-not-revert findings (their down checked against their up on the schema model).
  const engine = new Map();
  for (const set of sets) {
    for (const l of lintSet(set, { fs, configFor: () => defaultConfig(), withFixes: false })) {
      const f = l.result?.findings.find((x) => x.rule === 'down-does-not-revert');
      if (f) engine.set(l.file.path, f.message.split('\n')[0].slice(0, 200));
    }
  }
  for (const set of sets) for (const f of set.files) if (engine.has(f.path)) f.engineFinding = engine.get(f.path);
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
  console.log(`${m.repo}: ${row.files} files, ${row.generated} downs, ${row.equal}/${row.reversible} reversible round-trip equal, ${row.flagged} flagged, ${row.failed.length} failed, ${row.crashes.length} crashes${row.theirs ? `; their downs: ${row.theirsEqual}/${row.theirs} restore the catalog, ${row.theirsWrong.length} wrong` : ''}${row.stopped ? `; stopped: ${row.stopped}` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

// Why a repository stops before its last file when the reason is the corpus, not pgsafe.
const KNOWN_STOPS = {
  'hatchet-dev/hatchet': 'v1_dags_olap_new is created by the Go-coded goose migration 20260424190713_v1_0_99.go, which is not in the corpus (pglite-corpus.md); the SQL files after it cannot run without it. Not a rollback failure',
  'Dokploy/dokploy': "the corpus does not include drizzle's meta/_journal.json, so the folder's own order is used: it applies 0130_abandoned_dagger.sql, which is not in Dokploy's journal (drizzle skips it), and 0158 then adds the same column again. This cannot run further without the journal; it is not a rollback failure",
};
const sum = (k) => rows.filter((r) => !r.note).reduce((a, r) => a + (Array.isArray(r[k]) ? r[k].length : r[k]), 0);
const esc = (t) => String(t).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const wrongButOursRight = rows.filter((r) => !r.note).reduce((a, r) => a + r.theirsWrong.filter((w) => w.ours === 'round-trips exactly').length, 0);
const lines = ['# Rollback generation on the corpus', '', 'Generated by `node scripts/corpus-rollback.mjs` — do not edit by hand.', '',
  'For every up migration of each repository that applies on PGlite 0.5.16 (PostgreSQL 18), in its runner\'s order: the down is',
  'generated from the migrations before it; a down that reverts every statement exactly is round-tripped (catalog snapshot, up, down,',
  'compare: relations, columns with type / nullability / default / identity, indexes, constraints with validation, views, functions,',
  'triggers, types, extensions, policies, comments, row security, table and column privileges) inside a transaction that is rolled back (outside one for',
  'CONCURRENTLY); a partial down (data lost, irreversible, data change, or a statement pgsafe cannot invert) is flagged and not',
  'round-tripped. Each file is then applied for real through the verify runner, the way its runner sends it (its transaction, one',
  'query, or statement by statement). Where the repository ships its own down (down file, down section, sqitch',
  'revert), it is proven the same way (up, their down nested in a savepoint with their BEGIN / COMMIT skipped, compare) and the',
  'engine\'s `down-does-not-revert` finding is collected.', '',
  `Totals: ${sum('files')} files, ${sum('generated')} downs generated, ${sum('equal')}/${sum('reversible')} reversible files round-trip exactly (${sum('reversible') ? ((100 * sum('equal')) / sum('reversible')).toFixed(1) : 0}%), ${sum('flagged')} flagged, ${sum('failed')} failed, ${sum('crashes')} crashes.`,
  `Their own downs: ${sum('theirsEqual')}/${sum('theirs')} restore the catalog exactly; ${sum('theirsWrong')} files where theirs is wrong (${wrongButOursRight} of them where ours round-trips exactly).`, '',
  '| repository | files | downs generated | round-trips equal / reversible | flagged (partial) | failed | crashes | their downs: restore / compared | theirs wrong |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
for (const r of rows) {
  if (r.note) lines.push(`| ${r.repo} | not applied: ${r.note} | | | | | | | |`);
  else lines.push(`| ${r.repo} | ${r.files}${r.stopped ? ` (stopped: ${esc(r.stopped)}${KNOWN_STOPS[r.repo] ? ` — ${esc(KNOWN_STOPS[r.repo])}` : ''})` : ''} | ${r.generated} | ${r.equal} / ${r.reversible} | ${r.flagged} (${Object.entries(r.flagKinds).map(([k, v]) => `${k} ${v}`).join(', ')}) | ${r.failed.length} | ${r.crashes.length} | ${r.theirs ? `${r.theirsEqual} / ${r.theirs}` : '—'} | ${r.theirs || r.theirsWrong.length ? r.theirsWrong.length : '—'} |`);
}
lines.push('', '## Failures, with reasons', '');
const failures = rows.filter((x) => !x.note).flatMap((r) => [...r.failed, ...r.crashes].map((f) => `- ${r.repo}: ${f.replace(/\n/g, ' ')}`));
lines.push(...(failures.length ? failures : ['None.']));
lines.push('', '## Where their down is wrong', '',
  'Their down fails or does not bring the catalog back to its state before the up (on PGlite), or the engine\'s `down-does-not-revert`',
  'check reports it (on the schema model). "ours" is how pgsafe\'s generated down does on the same file.', '',
  '| repository | file (their down) | on PGlite | down-does-not-revert | ours |', '|---|---|---|---|---|');
for (const r of rows.filter((x) => !x.note)) {
  for (const w of r.theirsWrong) lines.push(`| ${r.repo} | ${esc(w.file)} | ${esc(w.reason || 'restores the catalog')} | ${esc(w.engine ?? '')} | ${esc(w.ours)} |`);
}
if (!only.length) writeFileSync(join(root, 'docs', 'corpus-rollback.md'), lines.join('\n') + '\n');
else console.log(lines.slice(lines.indexOf('## Failures, with reasons')).join('\n'));

// The tracer on real databases: for each DDL form of lock-facts-and-safety-tools.md §6.2, the
// lock mode, rewrites and scans PGlite (PostgreSQL 18) shows — and Debian's PostgreSQL when
// PGSAFE_PG_URL is set — then the static lock catalogue compared with the trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { splitStatements } from '../../shared/src/parse/split';
import { Catalog } from '../../shared/src/context/catalog';
import { applyStatement } from '../../shared/src/context/apply';
import { lockEffects } from '../../shared/src/locks/catalogue';
import { strongerLock, type LockMode } from '../../shared/src/locks/modes';
import { snapshotRelations, traceStatement, type Observation } from '../../shared/src/verify/trace';
import { compareWithCatalogue, describeDisagreement } from '../../shared/src/verify/compare';
import { runStatements, fileMode } from '../../shared/src/verify/run';
import { openDatabases, type TestDb } from '../helpers/databases';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, CATALOGUE_ONLY, COVERAGE, FORMS, type Form } from './forms';

const reference = join(__dirname, '..', '..', '..', '..', 'shared', 'reference', 'lock-facts-and-safety-tools.md');

/**
 * Where the static catalogue (shared/src/locks/catalogue.ts) and the database disagree, by form
 * name. Empty: every traced form agrees on PGlite and on PostgreSQL 15. A form where the engines
 * legitimately differ says so in its `differs` entry (forms.ts), and the catalogue must agree
 * with both; add a line here only for a known bug, with the reason.
 */
const KNOWN_DISAGREEMENTS: Record<string, string[]> = {};

function strongestBy(o: Observation, kinds: (k: string) => boolean): Record<string, LockMode> {
  const out: Record<string, LockMode> = {};
  for (const l of o.locks) if (kinds(l.kind)) out[l.relation] = out[l.relation] ? strongerLock(out[l.relation], l.mode) : l.mode;
  return out;
}

async function setup(db: TestDb, form: Form) {
  await db.exec('drop schema if exists lab cascade; create schema lab; set search_path to lab; reset timezone;');
  await db.exec(BASE + (form.setup ?? ''));
}

function catalogueFor(form: Form, major: number) {
  const catalog = new Catalog();
  for (const s of splitStatements(BASE + (form.setup ?? '')).statements) applyStatement(catalog, s);
  const [stmt] = splitStatements(form.sql).statements;
  return lockEffects(stmt, { catalog, pgVersion: major });
}

test('trace of the §6.2 DDL forms, and the catalogue against it', async (t) => {
  await ensureParser();
  const dbs = await openDatabases();
  try {
    assert.ok(FORMS.length >= 30, 'at least 30 forms');
    for (const db of dbs) {
      let traced = 0;
      for (const form of FORMS) {
        if (form.minMajor && db.major < form.minMajor) continue;
        await t.test(`${db.name}: ${form.name}`, async () => {
          await setup(db, form);
          await db.exec('begin');
          let o: Observation;
          let existing;
          try {
            existing = await snapshotRelations(db);
            o = await traceStatement(db, form.sql, existing);
          } finally {
            await db.exec('rollback');
          }
          const d = form.differs?.[db.major];
          const locks = d?.locks ?? form.locks;
          assert.deepEqual(strongestBy(o, (k) => k !== 'i' && k !== 'I'), locks, `locks${d ? ` (${d.why})` : ''}`);
          const index = d?.index ?? form.index;
          if (form.index || d?.index) {
            const got = strongestBy(o, (k) => k === 'i' || k === 'I');
            for (const rel of new Set([...Object.keys(form.index ?? {}), ...Object.keys(d?.index ?? {})])) {
              assert.equal(got[rel], index?.[rel], `index lock on ${rel}${d ? ` (${d.why})` : ''}`);
            }
          }
          assert.deepEqual(o.rewrites.map((r) => r.relation), (d?.rewrite ?? form.rewrite ?? []).slice().sort(), 'rewrites');
          assert.deepEqual(o.scans.map((s) => s.relation), (d?.scan ?? form.scan ?? []).slice().sort(), 'scans');
          // The static catalogue against the trace.
          const kinds = new Map([...existing.values()].map((r) => [`${r.schema}.${r.name}`, r.kind]));
          const dis = compareWithCatalogue(catalogueFor(form, db.major), o, kinds, { searchPath: ['lab'] }).map(describeDisagreement).sort();
          assert.deepEqual(dis, KNOWN_DISAGREEMENTS[form.name] ?? [], 'catalogue agrees with the trace');
          traced++;
        });
      }
      assert.ok(traced >= 30, `${db.name}: ${traced} forms traced`);
    }
  } finally {
    for (const db of dbs) await db.close();
  }
});

test('statements that cannot run in a transaction run alone and are not observed', async () => {
  await ensureParser();
  const [db, ...rest] = await openDatabases();
  for (const r of rest) await r.close();
  try {
    await db.exec('drop schema if exists lab cascade; create schema lab; set search_path to lab;');
    await db.exec(BASE);
    const stmts = splitStatements('create index concurrently t_note_idx on t (note);\nvacuum plain;\nalter table plain add column c int;\n').statements;
    const existing = await snapshotRelations(db);
    const runs = await runStatements(db, stmts, { mode: { wrap: false, how: 'autocommit' }, trace: { existing } });
    assert.deepEqual(runs.map((r) => [r.outside, !!r.observation]), [[true, false], [true, false], [false, true]]);
    assert.deepEqual(runs[2].observation!.locks.map((l) => [l.relation, l.mode]), [['lab.plain', 'ACCESS EXCLUSIVE']]);
    // In a runner transaction the same CONCURRENTLY fails the way the runner would: named statement, rolled back.
    const bad = splitStatements('alter table plain add column d int;\ncreate index concurrently t_x on t (note);\n').statements;
    await assert.rejects(runStatements(db, bad, { mode: { wrap: true, how: 'runner transaction' }, trace: { existing } }), (e: any) => {
      assert.match(e.reason, /cannot run inside a transaction block/);
      assert.equal(e.stmt.index, 1);
      return true;
    });
    const cols = (await db.query(`select column_name from information_schema.columns where table_schema = 'lab' and table_name = 'plain' order by 1`)).rows.map((r: any) => r.column_name);
    assert.deepEqual(cols, ['a', 'b', 'c'], 'the failed file was rolled back');
  } finally {
    await db.close();
  }
});

test('file modes follow the framework', async () => {
  await ensureParser();
  const two = splitStatements('create table a (id int);\ncreate table b (id int);\n').statements;
  const one = splitStatements('create index concurrently i on a (id);\n').statements;
  assert.equal(fileMode({ runnerTransaction: true, sending: 'statement', reason: '' }, two).wrap, true);
  assert.equal(fileMode({ runnerTransaction: false, sending: 'file', reason: '' }, two).how, 'one query (implicit transaction)');
  assert.equal(fileMode({ runnerTransaction: false, sending: 'file', reason: '' }, one).wrap, false);
  assert.equal(fileMode({ runnerTransaction: false, sending: 'statement', reason: '' }, two).wrap, false);
  assert.equal(fileMode({ runnerTransaction: true, sending: 'statement', reason: '', autoNonTransactional: /^\s*create\s+index\s+concurrently/i }, one).wrap, false);
});

test('every row of the §6.2 lock table is traced by a form, or checked on the catalogue when it cannot be traced', { skip: existsSync(reference) ? false : `reference notes not found at ${reference}` }, () => {
  const text = readFileSync(reference, 'utf8');
  const section = text.slice(text.indexOf('### 6.2'), text.indexOf('### 6.3'));
  const rows = section.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.slice(2).split(' | ')[0].trim());
  assert.ok(rows.length >= 45, `${rows.length} rows read from §6.2`);
  const names = new Set(FORMS.map((f) => f.name));
  const stand = new Set(CATALOGUE_ONLY.map((f) => f.name));
  let traced = 0;
  for (const row of rows) {
    const c = COVERAGE[row];
    assert.ok(c, `§6.2 row not covered: ${row}`);
    if (Array.isArray(c)) {
      assert.ok(c.length > 0, row);
      for (const n of c) assert.ok(names.has(n), `${row}: no form named ${n}`);
      traced += c.length;
    } else assert.ok(stand.has(row.replace(/`/g, '')), `${row}: untraceable (${c.untraceable}) but no catalogue-only check`);
  }
  assert.deepEqual(Object.keys(COVERAGE).filter((k) => !rows.includes(k)), [], 'COVERAGE names rows §6.2 does not have');
  assert.ok(traced >= 30, `${traced} traced forms`);
});

test('the forms that cannot run in a transaction: the catalogue takes the §6.2 locks', async () => {
  await ensureParser();
  for (const form of CATALOGUE_ONLY) {
    const catalog = new Catalog();
    for (const s of splitStatements(BASE + (form.setup ?? '')).statements) applyStatement(catalog, s);
    catalog.settle(true);
    const [stmt] = splitStatements(form.sql).statements;
    const got: Record<string, LockMode> = {};
    for (const e of lockEffects(stmt, { catalog, pgVersion: 18 })) got[e.relation.name] = got[e.relation.name] ? strongerLock(got[e.relation.name], e.mode) : e.mode;
    assert.deepEqual(got, form.locks, form.name);
    assert.deepEqual(lockEffects(stmt, { catalog, pgVersion: 18 }).filter((e) => e.rewrite).map((e) => e.relation.name), form.rewrite ?? [], `${form.name}: rewrites`);
  }
});

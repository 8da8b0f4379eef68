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
import { BASE, FORMS, type Form } from './forms';

/**
 * Where the static catalogue (shared/src/locks/catalogue.ts) and the database disagree, on every
 * engine tried. The catalogue is not changed here: each line is a known bug in one of the two,
 * listed in the verify report; fixing the catalogue must shrink this list.
 */
const KNOWN_DISAGREEMENTS: Record<string, string[]> = {
  // The new column is all NULL: PostgreSQL validates the FK without reading either table.
  'ADD COLUMN REFERENCES': ['lab.parent: catalogue says scan, database did no scan', 'lab.t: catalogue says scan, database did no scan'],
  // TRUNCATE gives the table a new, empty relfilenode: no data is copied, but it is a new file.
  TRUNCATE: ['lab.plain: catalogue says no rewrite, database did rewrite'],
  // The validation query joins the referenced table too (ADD FOREIGN KEY is catalogued with both scans).
  'VALIDATE CONSTRAINT (FOREIGN KEY)': ['lab.parent: catalogue says no scan, database did scan'],
};

function strongestBy(o: Observation, kinds: (k: string) => boolean): Record<string, LockMode> {
  const out: Record<string, LockMode> = {};
  for (const l of o.locks) if (kinds(l.kind)) out[l.relation] = out[l.relation] ? strongerLock(out[l.relation], l.mode) : l.mode;
  return out;
}

async function setup(db: TestDb, form: Form) {
  await db.exec('drop schema if exists lab cascade; create schema lab; set search_path to lab;');
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

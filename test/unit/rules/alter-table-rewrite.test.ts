import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'alter-table-rewrite';
const LT = "SET lock_timeout = '5s';\n";
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);

test('SET LOGGED / UNLOGGED / TABLESPACE / ACCESS METHOD each reported', async () => {
  for (const [sub, re] of [['SET LOGGED', /WAL/], ['SET UNLOGGED', /rewrites events/], ['SET TABLESPACE fast', /copies every data file/], ['SET ACCESS METHOD heap2', /storage format/]] as const) {
    const f = await mine(`${LT}ALTER TABLE events ${sub};\n`);
    assert.equal(f.length, 1, sub);
    assert.equal(f[0].line, 2);
    assert.match(f[0].message, re);
    assert.match(f[0].message, /ACCESS EXCLUSIVE lock on events/);
  }
  assert.match((await mine(`${LT}ALTER TABLE events SET TABLESPACE fast;\n`))[0].help, /pg_repack/);
  assert.equal((await mine(`${LT}ALTER TABLE events SET UNLOGGED, SET TABLESPACE fast;\n`)).length, 2);
});

test('materialized views get a rebuild-and-swap recipe', async () => {
  const f = await mine(`${LT}ALTER MATERIALIZED VIEW stats SET TABLESPACE fast;\n`);
  assert.equal(f.length, 1);
  assert.match(f[0].help, /CREATE MATERIALIZED VIEW stats_new TABLESPACE fast/);
});

test('SET EXPRESSION: stored is reported, a VIRTUAL column added in the file is not', async () => {
  const f = await mine(`${LT}ALTER TABLE events ALTER COLUMN total SET EXPRESSION AS (price * qty);\n`, { pgVersion: 17 });
  assert.equal(f.length, 1);
  assert.doesNotMatch(f[0].message, /VIRTUAL/);
  assert.match((await mine(`${LT}ALTER TABLE events ALTER COLUMN total SET EXPRESSION AS (price * qty);\n`))[0].message, /VIRTUAL/);
  assert.deepEqual(await mine(`${LT}ALTER TABLE events ADD COLUMN v int GENERATED ALWAYS AS (a) VIRTUAL;\nALTER TABLE events ALTER COLUMN v SET EXPRESSION AS (a + 1);\n`), []);
});

test('new tables and other ALTER TABLE forms are not reported', async () => {
  assert.deepEqual(await mine('CREATE TABLE staging (id int);\nALTER TABLE staging SET UNLOGGED;\n'), []);
  assert.deepEqual(await mine(`${LT}ALTER TABLE events SET (fillfactor = 80);\n`), []);
  assert.deepEqual(await mine(`${LT}ALTER INDEX events_pkey SET TABLESPACE fast;\n`), []);
});

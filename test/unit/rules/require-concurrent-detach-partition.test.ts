import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'require-concurrent-detach-partition');

test('require-concurrent-detach-partition: plain DETACH on an existing partitioned table', async () => {
  const f = await only(`${T}ALTER TABLE events DETACH PARTITION events_2019;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /ACCESS EXCLUSIVE locks on events \(the whole partitioned table\) and on events_2019/);
  assert.match(f[0].help, /DETACH PARTITION events_2019 CONCURRENTLY/);
  assert.match(f[0].help, /FINALIZE/);
});

test('require-concurrent-detach-partition: CONCURRENTLY and FINALIZE are fine', async () => {
  assert.deepEqual(await only(`${T}ALTER TABLE events DETACH PARTITION e1 CONCURRENTLY;\nALTER TABLE events DETACH PARTITION e1 FINALIZE;\n`), []);
});

test('require-concurrent-detach-partition: only from PostgreSQL 14', async () => {
  assert.deepEqual(await only(`${T}ALTER TABLE events DETACH PARTITION e1;\n`, { pgVersion: 13 }), []);
  assert.equal((await only(`${T}ALTER TABLE events DETACH PARTITION e1;\n`, { pgVersion: 14 })).length, 1);
});

test('require-concurrent-detach-partition: a DEFAULT partition seen in the file rules CONCURRENTLY out', async () => {
  const sql = `${T}ALTER TABLE events ATTACH PARTITION events_default DEFAULT;\nALTER TABLE events DETACH PARTITION e1;\n`;
  const f = await only(sql);
  assert.equal(f.length, 1);
  assert.match(f[0].help, /has a DEFAULT partition \(events_default/);
});

test('require-concurrent-detach-partition: in a transaction, the help says CONCURRENTLY must leave it', async () => {
  const f = await only(`BEGIN;\n${T}ALTER TABLE events DETACH PARTITION e1;\nCOMMIT;\n`);
  assert.match(f[0].help, /cannot run inside a transaction block/);
});

test('require-concurrent-detach-partition: not reported when the parent was created in the file', async () => {
  const sql = "CREATE TABLE p (a int) PARTITION BY RANGE (a);\nCREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);\nALTER TABLE p DETACH PARTITION p1;\n";
  assert.deepEqual(await rulesFired(sql), []);
});

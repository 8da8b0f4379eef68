import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'create-partition-of');
const BAD = "CREATE TABLE events_2031 PARTITION OF events FOR VALUES FROM ('2031-01-01') TO ('2032-01-01');\n";

test('create-partition-of: PARTITION OF an existing parent', async () => {
  const f = await only(`${T}${BAD}`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on the partitioned table events/);
  assert.match(f[0].help, /LIKE events INCLUDING ALL/);
  assert.match(f[0].help, /ATTACH PARTITION events_2031/);
});

test('create-partition-of: before PostgreSQL 12 the help says ATTACH is no better', async () => {
  const f = await only(`${T}${BAD}`, { pgVersion: 11 });
  assert.equal(f.length, 1);
  assert.match(f[0].help, /Before PostgreSQL 12 there is no lighter way/);
});

test('create-partition-of: a DEFAULT partition seen earlier is named', async () => {
  const f = await only(`${T}ALTER TABLE events ATTACH PARTITION events_default DEFAULT;\n${BAD}`);
  const last = f[f.length - 1];
  assert.match(last.message, /has a DEFAULT partition \(events_default\)/);
});

test('create-partition-of: not reported when the parent was created in the file', async () => {
  const sql = "CREATE TABLE p (a int) PARTITION BY RANGE (a);\nCREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);\n";
  assert.deepEqual(await rulesFired(sql), []);
});

test('create-partition-of: the create-then-attach recipe is clean', async () => {
  const sql = `${T}CREATE TABLE events_2031 (LIKE events INCLUDING ALL);\nALTER TABLE events ATTACH PARTITION events_2031 FOR VALUES FROM ('2031-01-01') TO ('2032-01-01');\n`;
  assert.deepEqual(await rulesFired(sql), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'vacuum-full-or-cluster');

test('vacuum-full-or-cluster: VACUUM FULL in both syntaxes', async () => {
  const f = await only(`${T}VACUUM FULL orders;\nVACUUM (FULL, ANALYZE) app.items, orders;\nVACUUM FULL ANALYZE orders;\n`);
  assert.deepEqual(f.map((x) => x.line), [2, 3, 4]);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on orders/);
  assert.match(f[1].message, /app\.items and orders/);
  assert.match(f[0].help, /pg_repack/);
});

test('vacuum-full-or-cluster: plain VACUUM, ANALYZE and FULL false/off/0 are not reported', async () => {
  assert.deepEqual(await only(`VACUUM orders;\nVACUUM (ANALYZE) orders;\nANALYZE orders;\nVACUUM (FULL false) orders;\nVACUUM (FULL off) orders;\nVACUUM (FULL 0) orders;\n`), []);
  assert.equal((await only('VACUUM (FULL true) orders;\nVACUUM (FULL 1) orders;\n')).length, 2);
});

test('vacuum-full-or-cluster: CLUSTER with and without a table', async () => {
  const f = await only(`${T}CLUSTER orders USING orders_created_idx;\nCLUSTER;\n`);
  assert.deepEqual(f.map((x) => x.line), [2, 3]);
  assert.match(f[0].message, /CLUSTER rewrites orders/);
  assert.match(f[0].help, /--order-by/);
  assert.match(f[1].message, /every table that was clustered before/);
});

test('vacuum-full-or-cluster: VACUUM FULL without tables rewrites the whole database', async () => {
  const f = await only('VACUUM FULL;\n');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /every table of the database/);
});

test('vacuum-full-or-cluster: not reported for tables created earlier in the file', async () => {
  assert.deepEqual(await rulesFired('CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nCLUSTER t USING t_a;\nVACUUM FULL t;\n'), []);
});

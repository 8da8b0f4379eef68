import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'require-concurrent-reindex');

test('require-concurrent-reindex: REINDEX INDEX and TABLE', async () => {
  const f = await only(`${T}REINDEX INDEX orders_status_idx;\nREINDEX TABLE orders;\n`);
  assert.deepEqual(f.map((x) => x.line), [2, 3]);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on the index/);
  assert.match(f[0].help, /REINDEX INDEX CONCURRENTLY orders_status_idx;/);
  assert.match(f[1].message, /SHARE lock on orders/);
  assert.match(f[1].help, /REINDEX TABLE CONCURRENTLY orders;/);
});

test('require-concurrent-reindex: SCHEMA and DATABASE are reported, SYSTEM is not', async () => {
  const f = await only('REINDEX SCHEMA app;\nREINDEX DATABASE main;\nREINDEX SYSTEM main;\n');
  assert.deepEqual(f.map((x) => x.line), [1, 2]);
  assert.match(f[0].help, /REINDEX SCHEMA CONCURRENTLY app;/);
});

test('require-concurrent-reindex: CONCURRENTLY in either syntax is fine', async () => {
  assert.deepEqual(await only('REINDEX INDEX CONCURRENTLY i;\nREINDEX (CONCURRENTLY, VERBOSE) TABLE t;\n'), []);
});

test('require-concurrent-reindex: not reported for an index or table created earlier in the file', async () => {
  assert.deepEqual(await rulesFired('CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nREINDEX INDEX t_a;\nREINDEX TABLE t;\n'), []);
});

test('require-concurrent-reindex: PostgreSQL 11 has no CONCURRENTLY, so the rule is off there', async () => {
  assert.deepEqual(await only(`${T}REINDEX TABLE orders;\n`, { pgVersion: 11 }), []);
  assert.equal((await only(`${T}REINDEX TABLE orders;\n`, { pgVersion: 12 })).length, 1);
});

test('require-concurrent-reindex: the help says CONCURRENTLY cannot run in the runner transaction', async () => {
  const f = await only(`${T}REINDEX TABLE orders;\n`, { transaction: 'always' });
  assert.match(f[0].help, /cannot run inside a transaction block/);
});

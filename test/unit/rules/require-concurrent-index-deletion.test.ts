import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'require-concurrent-index-deletion');

test('require-concurrent-index-deletion: DROP INDEX of an index pgsafe has not seen (its table is unknown)', async () => {
  const f = await only(`${T}DROP INDEX orders_status_idx;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on the table of orders_status_idx/);
  assert.match(f[0].help, /DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;/);
});

test('require-concurrent-index-deletion: lists every existing index of the statement, not the new ones', async () => {
  const sql = `${T}CREATE INDEX CONCURRENTLY IF NOT EXISTS i1 ON orders (a);\nDROP INDEX i1, i2;\n`;
  const f = await only(sql);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /^DROP INDEX i2 takes/);
  assert.doesNotMatch(f[0].help, /i1/);
  const g = await only(`${T}ALTER INDEX i1 RENAME TO i1b;\nDROP INDEX i1b, public.i2;\n`);
  assert.equal(g.length, 1);
  assert.match(g[0].help, /DROP INDEX CONCURRENTLY IF EXISTS i1b; DROP INDEX CONCURRENTLY IF EXISTS public\.i2;/);
});

test('require-concurrent-index-deletion: not reported for CONCURRENTLY, or for an index/table created earlier in the file', async () => {
  assert.deepEqual(await rulesFired('DROP INDEX CONCURRENTLY IF EXISTS i;\n'), []);
  assert.deepEqual(await rulesFired('CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nDROP INDEX t_a;\n'), []);
});

test('require-concurrent-index-deletion: in a transaction the help says CONCURRENTLY must leave it', async () => {
  const goose = await only(`-- +goose Up\n${T}DROP INDEX i;\n`);
  assert.equal(goose.length, 1);
  assert.match(goose[0].help, /\+goose NO TRANSACTION/);
  const begin = await only(`BEGIN;\n${T}DROP INDEX i;\nCOMMIT;\n`);
  assert.match(begin[0].help, /COMMIT before it/);
  const none = await only(`${T}DROP INDEX i;\n`);
  assert.doesNotMatch(none[0].help, /transaction block/);
});

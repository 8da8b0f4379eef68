import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const RULE = 'require-cic-guard';
const only = async (sql: string, o: Parameters<typeof lint>[1] = {}) => (await lint(sql, o)).filter((f) => f.rule === RULE);

test('CIC without IF NOT EXISTS or an earlier DROP IF EXISTS is reported', async () => {
  const f = await only(`SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /INVALID index/);
  assert.match(f[0].message, /relation \\"orders_status_idx\\" already exists/);
  assert.match(f[0].help, /DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx/);
  assert.match(f[0].help, /indisvalid/);
  assert.match(f[0].help, /REINDEX INDEX CONCURRENTLY/);
});

test('PG 11 advice does not suggest REINDEX CONCURRENTLY', async () => {
  const f = await only(`CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);`, { pgVersion: 11 });
  assert.equal(f.length, 1);
  assert.doesNotMatch(f[0].help, /REINDEX/);
});

test('guarded forms are not reported', async () => {
  assert.deepEqual(await only(`CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);`), []);
  assert.deepEqual(await only(`DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);`), []);
  assert.deepEqual(await only(`DROP INDEX IF EXISTS public.orders_status_idx;
CREATE UNIQUE INDEX CONCURRENTLY orders_status_idx ON public.orders (status);`), []);
  // a DROP of another index does not guard this one
  assert.equal((await only(`DROP INDEX CONCURRENTLY IF EXISTS orders_other_idx;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);`)).length, 1);
});

test('unnamed CIC: the user is told to name it', async () => {
  const f = await only(`CREATE INDEX CONCURRENTLY ON orders (status);`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /has no name/);
  assert.match(f[0].help, /Name the index/);
});

test('not for plain CREATE INDEX, nor for tables created in the file', async () => {
  assert.deepEqual(await only(`CREATE INDEX orders_status_idx ON orders (status);`), []);
  assert.deepEqual(await only(`CREATE TABLE t (id bigint);
CREATE INDEX CONCURRENTLY t_id_idx ON t (id);`), []);
});

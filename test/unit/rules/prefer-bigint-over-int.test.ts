import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const RULE = 'prefer-bigint-over-int';
const fired = async (sql: string, o: Record<string, unknown> = {}) =>
  (await lint(sql, { rules: { [RULE]: 'warn' }, ...o })).filter((f) => f.rule === RULE);

test('off by default', async () => {
  assert.deepEqual((await lint(`CREATE TABLE t (id serial, n int);`)).filter((f) => f.rule === RULE), []);
});

test('int, smallint, serial, smallserial in CREATE TABLE, ADD COLUMN and ALTER COLUMN TYPE', async () => {
  const f = await fired(`CREATE TABLE t (a int, b smallint, c serial, d smallserial, e bigint, f bigserial, g int8);
ALTER TABLE t ADD COLUMN h integer, ALTER COLUMN e TYPE int4;`);
  assert.equal(f.length, 6);
  assert.match(f[0].message, /t\.a is integer, which stops at 2,147,483,647/);
  assert.match(f[1].message, /32,767/);
  assert.deepEqual(f.map((x) => x.line), [1, 1, 1, 1, 2, 2]);
  assert.equal(f[0].endColumn - f[0].column, 'int'.length);
});

test('applies to tables created in the same file and to existing ones', async () => {
  const f = await fired(`CREATE TABLE t (id bigint);
ALTER TABLE t ADD COLUMN n int;
ALTER TABLE orders ADD COLUMN m smallint;`);
  assert.deepEqual(f.map((x) => x.line), [2, 3]);
});

test('types in other schemas are not the built-in ones', async () => {
  assert.deepEqual(await fired(`CREATE TABLE t (a myschema.int4, b bigint);`), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'drop-cascade');

test('drop-cascade: DROP VIEW … CASCADE', async () => {
  const f = await only(`${T}DROP VIEW order_totals CASCADE;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /DROP VIEW order_totals CASCADE also drops/);
  assert.match(f[0].help, /without CASCADE/);
});

test('drop-cascade: types, functions and extensions say what goes with them', async () => {
  const f = await only(`${T}DROP TYPE mood CASCADE;\nDROP FUNCTION f(int) CASCADE;\nDROP EXTENSION IF EXISTS hstore CASCADE;\n`);
  assert.deepEqual(f.map((x) => x.line), [2, 3, 4]);
  assert.match(f[0].message, /columns of that type in other tables \(with their data\)/);
  assert.match(f[1].message, /column defaults, triggers/);
  assert.match(f[2].message, /uses its types or functions/);
});

test('drop-cascade: ALTER TABLE … DROP COLUMN / DROP CONSTRAINT … CASCADE', async () => {
  const f = await only(`${T}ALTER TABLE users DROP COLUMN email CASCADE, DROP CONSTRAINT users_pkey CASCADE, DROP COLUMN x;\n`);
  assert.equal(f.length, 2);
  assert.match(f[0].message, /users\.email/);
  assert.match(f[1].message, /DROP CONSTRAINT users_pkey CASCADE/);
});

test('drop-cascade: RESTRICT (the default) is fine', async () => {
  assert.deepEqual(await only(`${T}DROP VIEW v;\nDROP TYPE t RESTRICT;\nALTER TABLE u DROP COLUMN c RESTRICT;\n`), []);
});

test('drop-cascade: objects created earlier in the file are not reported', async () => {
  const sql = "CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT a FROM t;\nCREATE TYPE e AS ENUM ('x');\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';\nDROP VIEW v CASCADE;\nDROP TABLE t CASCADE;\nDROP TYPE e CASCADE;\nDROP FUNCTION f() CASCADE;\n";
  assert.deepEqual(await only(sql), []);
});

test('drop-cascade: DROP SCHEMA and TRUNCATE … CASCADE are left to drop-schema and truncate', async () => {
  assert.deepEqual(await only(`${T}DROP SCHEMA s CASCADE;\nTRUNCATE t CASCADE;\n`), []);
});

test('drop-cascade: DROP OWNED … CASCADE', async () => {
  const f = await only('DROP OWNED BY old_app CASCADE;\n');
  assert.equal(f.length, 1);
  assert.match(f[0].help, /REASSIGN OWNED/);
});

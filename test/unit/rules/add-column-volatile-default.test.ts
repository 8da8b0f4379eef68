import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'add-column-volatile-default';
const LT = "SET lock_timeout = '5s';\n";
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);

test('volatile defaults rewrite the table', async () => {
  const f = await mine(`${LT}ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.match(f[0].message, /gen_random_uuid\(\) is VOLATILE/);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on orders/);
  assert.match(f[0].help, /ADD COLUMN public_id uuid;/);
  assert.match(f[0].help, /SET DEFAULT/);
  assert.match(f[0].help, /batches/);
  for (const d of ['clock_timestamp()', "nextval('s')", 'random()']) {
    assert.equal((await mine(`${LT}ALTER TABLE orders ADD COLUMN c text DEFAULT ${d};\n`)).length, 1, d);
  }
});

test('constant and stable defaults are fine on PostgreSQL 11+', async () => {
  for (const d of ['now()', "'x'", '0', "'{}'::jsonb", 'CURRENT_TIMESTAMP', 'NULL']) {
    assert.deepEqual(await mine(`${LT}ALTER TABLE orders ADD COLUMN c text DEFAULT ${d};\n`, { pgVersion: 11 }), [], d);
  }
});

test('before PostgreSQL 11 every non-NULL default rewrites', async () => {
  const f = await mine(`${LT}ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';\n`, { pgVersion: 10 });
  assert.equal(f.length, 1);
  assert.match(f[0].message, /before PostgreSQL 11/);
  assert.match(f[0].help, /NOT NULL/);
  assert.deepEqual(await mine(`${LT}ALTER TABLE orders ADD COLUMN status text DEFAULT NULL;\n`, { pgVersion: 10 }), []);
});

test('functions created earlier in the file: volatility from CREATE FUNCTION', async () => {
  const vol = "CREATE FUNCTION mk() RETURNS text LANGUAGE sql AS 'select 1';\n";
  assert.equal((await mine(`${LT}${vol}ALTER TABLE orders ADD COLUMN c text DEFAULT mk();\n`)).length, 1);
  const imm = "CREATE FUNCTION mk() RETURNS text LANGUAGE sql IMMUTABLE AS 'select 1';\n";
  assert.deepEqual(await mine(`${LT}${imm}ALTER TABLE orders ADD COLUMN c text DEFAULT mk();\n`), []);
  // Unknown functions are not reported.
  assert.deepEqual(await mine(`${LT}ALTER TABLE orders ADD COLUMN c text DEFAULT my_fn();\n`), []);
});

test('tables created earlier in the file are not reported', async () => {
  assert.deepEqual(await mine('CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();\n'), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'alter-column-type-rewrite';
const LT = "SET lock_timeout = '5s';\n";
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);

test('a type change that cannot be rewrite-free is reported', async () => {
  const f = await mine(`${LT}ALTER TABLE events ALTER COLUMN id TYPE bigint;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.match(f[0].message, /rewrites events and rebuilds its indexes/);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on events/);
  assert.match(f[0].help, /ADD COLUMN id_new bigint/);
  assert.match(f[0].help, /trigger/);
});

test('USING always rewrites', async () => {
  const f = await mine(`${LT}ALTER TABLE events ALTER COLUMN note TYPE text USING note::text;\n`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /USING/);
});

test('unknown old type with a possibly rewrite-free target is not reported', async () => {
  for (const t of ['text', 'varchar(200)', 'numeric', 'timestamptz']) {
    assert.deepEqual(await mine(`${LT}ALTER TABLE events ALTER COLUMN c TYPE ${t};\n`), [], t);
  }
});

test('known old type: widening is fine, narrowing is reported', async () => {
  const add = `${LT}ALTER TABLE events ADD COLUMN code varchar(10);\n`;
  assert.deepEqual(await mine(`${add}ALTER TABLE events ALTER COLUMN code TYPE varchar(20);\n`), []);
  assert.deepEqual(await mine(`${add}ALTER TABLE events ALTER COLUMN code TYPE text;\n`), []);
  const narrow = await mine(`${add}ALTER TABLE events ALTER COLUMN code TYPE varchar(5);\n`);
  assert.equal(narrow.length, 1);
  assert.match(narrow[0].message, /varchar\(10\) → varchar\(5\)/);
  const tz = await mine(`${LT}ALTER TABLE events ADD COLUMN at timestamp;\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;\n`);
  assert.equal(tz.length, 1);
  assert.match(tz[0].message, /UTC/);
});

test('tables created earlier in the file are not reported', async () => {
  assert.deepEqual(await mine('CREATE TABLE events (id int);\nALTER TABLE events ALTER COLUMN id TYPE bigint;\n'), []);
});

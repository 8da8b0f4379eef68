import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'add-column-not-null-without-default';
const LT = "SET lock_timeout = '5s';\n";
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);

test('NOT NULL without DEFAULT on an existing table fails once the table has rows', async () => {
  const f = await mine(`${LT}ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /contains null values/);
  assert.match(f[0].message, /users/);
  assert.match(f[0].help, /ADD COLUMN tenant_id bigint;/);
  assert.match(f[0].help, /batches/);
});

test('DEFAULT NULL counts as no default', async () => {
  assert.equal((await mine(`${LT}ALTER TABLE users ADD COLUMN n int NOT NULL DEFAULT NULL;\n`)).length, 1);
});

test('defaults, serial, identity and generated columns are exempt', async () => {
  for (const col of ["s text NOT NULL DEFAULT 'a'", 'n bigserial NOT NULL', 'i bigint NOT NULL GENERATED ALWAYS AS IDENTITY', 'g int NOT NULL GENERATED ALWAYS AS (id + 1) STORED', 'x text']) {
    assert.deepEqual(await mine(`${LT}ALTER TABLE users ADD COLUMN ${col};\n`), [], col);
  }
});

test('version-correct NOT NULL recipe', async () => {
  const sql = `${LT}ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;\n`;
  assert.match((await mine(sql, { pgVersion: 18 }))[0].help, /NOT NULL tenant_id NOT VALID/);
  assert.match((await mine(sql, { pgVersion: 14 }))[0].help, /CHECK \(tenant_id IS NOT NULL\) NOT VALID.*SET NOT NULL/);
  const old = (await mine(sql, { pgVersion: 10 }))[0].help;
  assert.match(old, /before PostgreSQL 12/);
  assert.doesNotMatch(old, /instant on PostgreSQL 11/);
});

test('tables created earlier in the file are not reported', async () => {
  assert.deepEqual(await mine('CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;\n'), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'truncate');

test('truncate: TRUNCATE of an existing table', async () => {
  const f = await only(`${T}TRUNCATE TABLE import_rows;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /every row of import_rows/);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on import_rows/);
  assert.doesNotMatch(f[0].message, /CASCADE/);
  assert.match(f[0].help, /DELETE FROM import_rows/);
});

test('truncate: CASCADE says it empties referencing tables too', async () => {
  const f = await only(`${T}TRUNCATE users, orders RESTART IDENTITY CASCADE;\n`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /users and orders/);
  assert.match(f[0].message, /CASCADE also empties every table that references them/);
  assert.match(f[0].help, /instead of using CASCADE/);
});

test('truncate: tables created earlier in the file are not reported', async () => {
  assert.deepEqual(await rulesFired('CREATE TABLE staging (a int);\nTRUNCATE staging;\n'), []);
  const f = await only(`${T}CREATE TABLE staging (a int);\nTRUNCATE staging, live;\n`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /every row of live /);
});

test('truncate: inside a transaction and suppressible', async () => {
  assert.equal((await only(`BEGIN;\n${T}TRUNCATE cache_entries;\nCOMMIT;\n`)).length, 1);
  assert.deepEqual(await rulesFired(`${T}TRUNCATE cache_entries; -- pgsafe-ignore truncate\n`), []);
});

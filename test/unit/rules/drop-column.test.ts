import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'drop-column');

test('drop-column: DROP COLUMN on an existing table is reported with table, column and lock', async () => {
  const f = await only(`${T}ALTER TABLE users DROP COLUMN legacy_name;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /users\.legacy_name/);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on users/);
  assert.match(f[0].help, /deploy/);
});

test('drop-column: one finding per statement naming every dropped column, IF EXISTS forms included', async () => {
  const f = await only(`${T}ALTER TABLE IF EXISTS app.users DROP COLUMN IF EXISTS a, DROP COLUMN b, ADD COLUMN c text;\n`);
  assert.deepEqual(f.map((x) => x.line), [2]);
  assert.match(f[0].message, /deletes app\.users\.a and app\.users\.b and all their data/);
  assert.doesNotMatch(f[0].message, /\.c\b/);
});

test('drop-column: not reported on a table created earlier in the file', async () => {
  assert.deepEqual(await rulesFired('CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;\n'), []);
});

test('drop-column: other ALTER TABLE actions and ALTER TYPE … DROP ATTRIBUTE are not reported', async () => {
  assert.deepEqual(await only(`${T}ALTER TABLE users ALTER COLUMN a DROP DEFAULT;\n`), []);
  assert.deepEqual(await only(`${T}ALTER TYPE address DROP ATTRIBUTE zip;\n`), []);
});

test('drop-column: inside a goose transaction, and suppressible', async () => {
  const goose = await only(`-- +goose Up\n${T}ALTER TABLE users DROP COLUMN legacy;\n`);
  assert.deepEqual(goose.map((x) => x.line), [3]);
  assert.deepEqual(await rulesFired(`${T}-- pgsafe-ignore drop-column\nALTER TABLE users DROP COLUMN legacy;\n`), []);
});

test('drop-column: down sections are not checked', async () => {
  assert.deepEqual(await rulesFired(`-- +goose Up\nCREATE TABLE t (a int);\n-- +goose Down\nDROP TABLE t;\nALTER TABLE users DROP COLUMN legacy;\n`), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'rename-column');

test('rename-column: RENAME COLUMN on an existing table', async () => {
  const f = await only(`${T}ALTER TABLE users RENAME COLUMN name TO full_name;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /users\.name to full_name/);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on users/);
  assert.match(f[0].help, /ADD COLUMN full_name/);
});

test('rename-column: the short form without COLUMN, and views', async () => {
  assert.equal((await only(`${T}ALTER TABLE users RENAME name TO full_name;\n`)).length, 1);
  const view = await only(`${T}ALTER VIEW user_names RENAME COLUMN name TO full_name;\n`);
  assert.equal(view.length, 1);
  assert.doesNotMatch(view[0].help, /ADD COLUMN/);
});

test('rename-column: not reported on a table created earlier in the file', async () => {
  assert.deepEqual(await rulesFired('CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;\n'), []);
});

test('rename-column: table, index and constraint renames are other rules', async () => {
  assert.deepEqual(await only(`${T}ALTER TABLE users RENAME TO accounts;\nALTER INDEX i RENAME TO j;\nALTER TABLE users RENAME CONSTRAINT c TO d;\n`), []);
});

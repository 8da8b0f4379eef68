import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'drop-schema');

test('drop-schema: DROP SCHEMA … CASCADE is an error and drop-cascade stays quiet', async () => {
  const all = await lint(`${T}DROP SCHEMA IF EXISTS legacy CASCADE;\n`);
  assert.deepEqual(all.map((f) => [f.rule, f.line, f.severity]), [['drop-schema', 2, 'error']]);
  assert.match(all[0].message, /every table \(with all its rows\)/);
  assert.match(all[0].help, /pg_dump -n legacy/);
});

test('drop-schema: DROP SCHEMA without CASCADE is reported, saying it fails while not empty', async () => {
  const f = await only(`${T}DROP SCHEMA a, b;\n`);
  assert.equal(f.length, 2);
  assert.match(f[0].message, /fails while anything is left/);
});

test('drop-schema: DROP DATABASE (with FORCE)', async () => {
  const f = await only('DROP DATABASE IF EXISTS analytics WITH (FORCE);\n');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /DROP DATABASE analytics deletes the whole database/);
  assert.match(f[0].message, /terminates every session/);
});

test('drop-schema: not reported for a schema or database created earlier in the file', async () => {
  assert.deepEqual(await only('CREATE SCHEMA scratch;\nDROP SCHEMA scratch CASCADE;\n'), []);
  assert.deepEqual(await rulesFired('CREATE SCHEMA scratch;\nDROP SCHEMA scratch CASCADE;\n'), []);
  assert.deepEqual(await only('CREATE DATABASE tmpdb;\nDROP DATABASE tmpdb;\n'), []);
});

test('drop-schema: other DROP statements are not reported', async () => {
  assert.deepEqual(await only(`${T}DROP TABLE t;\nDROP EXTENSION x;\n`), []);
});

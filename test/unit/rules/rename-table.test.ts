import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'rename-table');

test('rename-table: ALTER TABLE … RENAME TO of an existing table', async () => {
  const f = await only(`${T}ALTER TABLE users RENAME TO accounts;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /users to accounts/);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on users/);
  assert.match(f[0].help, /CREATE VIEW users AS SELECT \* FROM accounts/);
});

test('rename-table: views, materialized views and schema-qualified names; not indexes or sequences', async () => {
  const f = await only(`${T}ALTER VIEW v RENAME TO w;\nALTER MATERIALIZED VIEW app.mv RENAME TO mv2;\nALTER INDEX i RENAME TO j;\nALTER SEQUENCE s RENAME TO s2;\n`);
  assert.deepEqual(f.map((x) => x.line), [2, 3]);
  assert.match(f[1].help, /CREATE VIEW app\.mv AS SELECT \* FROM app\.mv2/);
});

test('rename-table: a compatibility view in the same transaction makes it safe', async () => {
  const sql = "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\nCOMMIT;\n";
  assert.deepEqual(await only(sql), []);
  const goose = "-- +goose Up\nSET lock_timeout = '5s';\nALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\n";
  assert.deepEqual(await only(goose), []);
});

test('rename-table: a view after COMMIT, or without a transaction, leaves a gap', async () => {
  const split = "BEGIN;\nALTER TABLE users RENAME TO accounts;\nCOMMIT;\nCREATE VIEW users AS SELECT * FROM accounts;\n";
  const f = await only(split);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /separate transactions/);
  assert.match(f[0].help, /BEGIN; ALTER TABLE users RENAME TO accounts; CREATE VIEW users …; COMMIT;/);
  const auto = await only(`${T}ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\n`);
  assert.equal(auto.length, 1);
  assert.match(auto[0].message, /separate transactions/);
  assert.equal(auto[0].related.length, 1);
});

test('rename-table: not reported for a table created earlier in the file', async () => {
  assert.deepEqual(await rulesFired('CREATE TABLE t (a int);\nALTER TABLE t RENAME TO u;\n'), []);
});

test('rename-table: a swap (CREATE TABLE with the old name in the same transaction or DO block) keeps the name', async () => {
  const tx = "BEGIN;\nALTER TABLE river_migration RENAME TO river_migration_old;\nCREATE TABLE river_migration (line text, version bigint);\nCOMMIT;\n";
  assert.deepEqual(await only(tx), []);
  const doBlock = "DO $body$\nBEGIN\n  ALTER TABLE river_migration RENAME TO river_migration_old;\n  CREATE TABLE river_migration (line text, version bigint);\nEND;\n$body$ LANGUAGE plpgsql;\n";
  assert.deepEqual(await only(doBlock), []);
  const alone = "DO $body$\nBEGIN\n  ALTER TABLE river_migration RENAME TO river_migration_old;\nEND;\n$body$ LANGUAGE plpgsql;\n";
  assert.deepEqual((await only(alone)).map((x) => x.line), [3]);
});

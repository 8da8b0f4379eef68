// Engine behaviour across rules: context (new objects, transactions, timeouts), suppressions,
// DO blocks, down sections, and PG versions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../helpers/engine';

test('objects created earlier in the file are not hazards', async () => {
  const sql = 'CREATE TABLE widgets (id bigint, owner bigint);\nCREATE INDEX widgets_owner ON widgets (owner);\nALTER TABLE widgets ALTER COLUMN owner SET NOT NULL;\n';
  assert.deepEqual(await rulesFired(sql), []);
});

test('lock_timeout: reported once per transaction, zero counts as unset, SET LOCAL scoped to its transaction', async () => {
  const twice = 'ALTER TABLE a ADD COLUMN x text;\nALTER TABLE b ADD COLUMN y text;\n';
  assert.deepEqual((await lint(twice)).filter((f) => f.rule === 'require-lock-timeout').map((f) => f.line), [1]);
  const zero = "SET lock_timeout = 0;\nALTER TABLE a ADD COLUMN x text;\n";
  assert.deepEqual((await lint(zero)).map((f) => f.rule), ['require-lock-timeout']);
  const zeroString = "SET lock_timeout = '0s';\nALTER TABLE a ADD COLUMN x text;\n";
  assert.deepEqual((await lint(zeroString)).map((f) => f.rule), ['require-lock-timeout']);
  const ok = "SET lock_timeout = '3s';\nALTER TABLE a ADD COLUMN x text;\n";
  assert.deepEqual(await rulesFired(ok), []);
  const local = "BEGIN;\nSET LOCAL lock_timeout = '3s';\nALTER TABLE a ADD COLUMN x text;\nCOMMIT;\nBEGIN;\nALTER TABLE b ADD COLUMN y text;\nCOMMIT;\n";
  assert.deepEqual((await lint(local)).filter((f) => f.rule === 'require-lock-timeout').map((f) => f.line), [6]);
  const reset = "SET lock_timeout = '3s';\nRESET lock_timeout;\nALTER TABLE a ADD COLUMN x text;\n";
  assert.deepEqual((await lint(reset)).map((f) => f.line), [3]);
});

test('CONCURRENTLY in a transaction: explicit BEGIN, goose runner, config always; NO TRANSACTION opts out', async () => {
  const cic = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);';
  assert.deepEqual(await rulesFired(cic), []);
  const begin = await lint(`BEGIN;\n${cic}\nCOMMIT;`);
  assert.deepEqual(begin.map((f) => [f.rule, f.line]), [['concurrently-in-transaction', 2]]);
  assert.equal(begin[0].related.length, 1);
  const goose = await lint(`-- +goose Up\n${cic}\n`);
  assert.deepEqual(goose.map((f) => f.rule), ['concurrently-in-transaction']);
  assert.match(goose[0].message, /goose runs each migration in a transaction/);
  assert.match(goose[0].help, /\+goose NO TRANSACTION/);
  assert.deepEqual(await rulesFired(`-- +goose NO TRANSACTION\n-- +goose Up\n${cic}\n`), []);
  assert.deepEqual(await rulesFired(cic, { transaction: 'always' }), ['concurrently-in-transaction']);
  assert.deepEqual(await rulesFired(`BEGIN;\nCOMMIT;\n${cic}`), []);
  assert.deepEqual(await rulesFired(`-- migrate:up transaction:false\n${cic}\n-- migrate:down\nDROP INDEX CONCURRENTLY IF EXISTS i;\n`), []);
});

test('hazard rules apply to the up part only; the down part still reports syntax errors', async () => {
  const sql = "-- +goose Up\nSET lock_timeout = '1s';\nALTER TABLE a ADD COLUMN x text;\n-- +goose Down\nALTER TABLE a DROP COLUMN x;\nDROP INDEX IF NOT EXISTS foo;\n";
  const f = await lint(sql);
  assert.deepEqual(f.map((x) => [x.rule, x.line]), [['syntax-error', 6]]);
  assert.match(f[0].help, /down migration/);
  const downFile = await lint('DROP INDEX IF NOT EXISTS foo;\nCREATE INDEX x ON y (z);\n', {}, 'migrations/44_x.down.sql');
  assert.deepEqual(downFile.map((x) => [x.rule, x.line]), [['syntax-error', 1]]);
});

test('suppressions: next statement (multi-line), trailing same-line, file-wide, unused and unknown', async () => {
  const multi = "SET lock_timeout = '1s';\n-- pgsafe-ignore require-concurrent-index-creation -- built at night\nCREATE INDEX i\n  ON t\n  (a);\n";
  assert.deepEqual(await rulesFired(multi), []);
  const trailing = "SET lock_timeout = '1s';\nCREATE INDEX i ON t (a); -- pgsafe-ignore require-concurrent-index-creation\nCREATE INDEX j ON t (b);\n";
  assert.deepEqual((await lint(trailing)).map((f) => [f.rule, f.line]), [['require-concurrent-index-creation', 3]]);
  const file = "-- pgsafe-ignore-file require-concurrent-index-creation, require-lock-timeout\nCREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);\n";
  assert.deepEqual(await rulesFired(file), []);
  const all = '-- pgsafe-ignore-file\nCREATE INDEX i ON t (a);\n';
  assert.deepEqual(await rulesFired(all), []);
  const unused = "SET lock_timeout = '1s';\n-- pgsafe-ignore set-not-null\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n";
  assert.deepEqual((await lint(unused)).map((f) => [f.rule, f.line]), [['unused-suppression', 2]]);
  const unknown = "-- pgsafe-ignore no-such-rule\nSELECT 1;\n";
  const u = await lint(unknown);
  assert.ok(u.some((f) => f.rule === 'unused-suppression' && /Unknown rule "no-such-rule"/.test(f.message)));
});

test('DO blocks: literal DDL inside, and EXECUTE strings, are checked at their own position', async () => {
  const sql = "SET lock_timeout = '1s';\nDO $$\nBEGIN\n  CREATE INDEX users_email ON users (email);\n  EXECUTE 'ALTER TABLE users ALTER COLUMN email SET NOT NULL';\n  EXECUTE format('DROP TABLE %I', 'x');\nEND $$;\n";
  const f = await lint(sql);
  assert.deepEqual(f.map((x) => [x.rule, x.line]), [['require-concurrent-index-creation', 4], ['set-not-null', 5]]);
  assert.equal(f[1].column, 12);
  const cic = "DO $$ BEGIN CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a); END $$;";
  assert.ok((await rulesFired(cic)).includes('concurrently-in-transaction'));
});

test('PG version: SET NOT NULL after a validated CHECK is fine from 12, reported on 11', async () => {
  const sql = "SET lock_timeout = '1s';\nALTER TABLE users ADD CONSTRAINT nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n";
  assert.deepEqual(await rulesFired(sql, { pgVersion: 12 }), []);
  assert.deepEqual(await rulesFired(sql, { pgVersion: 11 }), ['set-not-null']);
  const unvalidated = "SET lock_timeout = '1s';\nALTER TABLE users ADD CONSTRAINT nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n";
  assert.deepEqual(await rulesFired(unvalidated, { pgVersion: 16 }), ['set-not-null']);
});

test('rules can be turned off and raised to error by config', async () => {
  const sql = 'ALTER TABLE a ADD COLUMN x text;';
  assert.deepEqual(await rulesFired(sql, { rules: { 'require-lock-timeout': 'off' } }), []);
  const f = await lint(sql, { rules: { 'require-lock-timeout': 'error' } });
  assert.equal(f[0].severity, 'error');
});

test('tern: sections run in a transaction; `---- tern: disable-tx ----` opts its section out', async () => {
  const cic = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);';
  const tx = await lint(`${cic}\n---- create above / drop below ----\nDROP INDEX CONCURRENTLY IF EXISTS i;\n`);
  assert.deepEqual(tx.map((f) => [f.rule, f.line]), [['concurrently-in-transaction', 1]]);
  assert.match(tx[0].help, /tern: disable-tx/);
  assert.deepEqual(await rulesFired(`---- tern: disable-tx ----\n${cic}\n---- create above / drop below ----\nDROP INDEX CONCURRENTLY IF EXISTS i;\n`), []);
});

test('COMMIT AND CHAIN starts a new transaction; COMMIT PREPARED does not end the current one', async () => {
  const chain = await lint("BEGIN;\nSET LOCAL lock_timeout = '1s';\nCOMMIT AND CHAIN;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\nCOMMIT;\n");
  assert.ok(chain.some((f) => f.rule === 'concurrently-in-transaction'), 'CIC after COMMIT AND CHAIN is inside the chained transaction');
  const plain = await lint("BEGIN;\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n");
  assert.ok(!plain.some((f) => f.rule === 'concurrently-in-transaction'), 'after a plain COMMIT no transaction is open');
  const prepared = await lint("BEGIN;\nCOMMIT PREPARED 'x';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\nCOMMIT;\n");
  assert.ok(prepared.some((f) => f.rule === 'concurrently-in-transaction'), 'COMMIT PREPARED leaves the current transaction open');
});

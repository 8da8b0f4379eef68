import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'trigger-on-existing-table');

test('trigger-on-existing-table: CREATE TRIGGER (all forms) on an existing table', async () => {
  const sql = `${T}CREATE TRIGGER a AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION f();\nCREATE OR REPLACE TRIGGER b BEFORE INSERT ON app.orders FOR EACH ROW EXECUTE PROCEDURE g();\nCREATE CONSTRAINT TRIGGER c AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION h();\n`;
  const f = await only(sql);
  assert.deepEqual(f.map((x) => x.line), [2, 3, 4]);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /SHARE ROW EXCLUSIVE lock on orders/);
  assert.match(f[1].message, /^CREATE OR REPLACE TRIGGER b .*app\.orders/);
  assert.match(f[2].message, /^CREATE CONSTRAINT TRIGGER/);
  assert.match(f[0].help, /lock_timeout set earlier/);
});

test('trigger-on-existing-table: without lock_timeout the help asks for one (LOCAL in a transaction)', async () => {
  const plain = await only('CREATE TRIGGER a AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION f();\n');
  assert.match(plain[0].help, /SET lock_timeout = '5s'/);
  const tx = await only('BEGIN;\nCREATE TRIGGER a AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION f();\nCOMMIT;\n');
  assert.match(tx[0].help, /SET LOCAL lock_timeout/);
});

test('trigger-on-existing-table: DROP TRIGGER takes ACCESS EXCLUSIVE', async () => {
  const f = await only(`${T}DROP TRIGGER IF EXISTS a ON app.orders;\n`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on app\.orders/);
});

test('trigger-on-existing-table: ENABLE / DISABLE TRIGGER', async () => {
  const f = await only(`${T}ALTER TABLE orders DISABLE TRIGGER ALL;\nALTER TABLE orders ENABLE TRIGGER a;\nALTER TABLE orders ENABLE ALWAYS TRIGGER b, DISABLE TRIGGER USER;\n`);
  assert.deepEqual(f.map((x) => x.line), [2, 3, 4, 4]);
  assert.match(f[0].message, /DISABLE TRIGGER ALL .*enforce foreign keys/);
  assert.match(f[0].help, /session_replication_role/);
  assert.match(f[1].message, /^ENABLE TRIGGER a /);
  assert.match(f[2].message, /^ENABLE ALWAYS TRIGGER b /);
  assert.match(f[3].message, /^DISABLE TRIGGER USER /);
});

test('trigger-on-existing-table: not reported on tables created in the file', async () => {
  const sql = 'CREATE TABLE t (a int);\nCREATE TRIGGER a AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();\nALTER TABLE t DISABLE TRIGGER a;\nDROP TRIGGER a ON t;\n';
  assert.deepEqual(await rulesFired(sql), []);
});

test('trigger-on-existing-table: event triggers and ALTER TRIGGER … RENAME are not reported', async () => {
  assert.deepEqual(await only(`${T}CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f();\nALTER TRIGGER a ON orders RENAME TO b;\n`), []);
});

test('trigger-on-existing-table: DROP + CREATE of the same trigger in one transaction is one finding, at the CREATE', async () => {
  const sql = `-- +goose Up\n${T}DROP TRIGGER IF EXISTS audit ON orders;\nCREATE TRIGGER audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION f();\n`;
  const f = await only(sql);
  assert.deepEqual(f.map((x) => x.line), [4]);
  assert.match(f[0].message, /re-creates the trigger dropped above/);
  assert.match(f[0].help, /CREATE OR REPLACE TRIGGER audit/);
  const pg13 = await only(sql, { pgVersion: 13 });
  assert.match(pg13[0].help, /from PostgreSQL 14/);
});

test('trigger-on-existing-table: DROP + CREATE in separate transactions reports the gap', async () => {
  const f = await only(`${T}DROP TRIGGER IF EXISTS audit ON orders;\nCREATE TRIGGER audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION f();\n`);
  assert.deepEqual(f.map((x) => x.line), [2, 3]);
  assert.match(f[0].message, /writes to orders in between skip it/);
  assert.equal(f[0].related.length, 1);
});

test('trigger-on-existing-table: DROP TRIGGER before dropping the table itself is left to drop-table', async () => {
  const fired = await rulesFired(`${T}DROP TRIGGER IF EXISTS audit ON old_orders;\nDROP TABLE IF EXISTS old_orders;\n`);
  assert.deepEqual(fired, ['drop-table']);
});

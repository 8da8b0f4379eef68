import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'drop-table');

test('drop-table: DROP TABLE of an existing table', async () => {
  const f = await only(`${T}DROP TABLE IF EXISTS legacy_events;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /legacy_events/);
  assert.match(f[0].message, /irreversibly/);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on legacy_events/);
  assert.match(f[0].message, /every table its foreign keys reference/);
});

test('drop-table: names the referenced tables when the file added the foreign key', async () => {
  const sql = `${T}ALTER TABLE order_items ADD CONSTRAINT oi_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;\nDROP TABLE order_items;\n`;
  const f = await only(sql);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 3);
  assert.match(f[0].message, /same lock on orders/);
});

test('drop-table: several tables in one statement, only the existing ones', async () => {
  const f = await only(`${T}CREATE TABLE tmp (a int);\nDROP TABLE a, s.b, tmp;\n`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /DROP TABLE a, s\.b deletes the tables/);
  assert.doesNotMatch(f[0].message, /tmp/);
});

test('drop-table: not reported for tables created in the file, nor for views and materialized views', async () => {
  assert.deepEqual(await rulesFired('CREATE TABLE t (a int);\nDROP TABLE t;\n'), []);
  assert.deepEqual(await only(`${T}DROP VIEW v;\nDROP MATERIALIZED VIEW mv;\n`), []);
});

test('drop-table: CASCADE is reported by drop-cascade too', async () => {
  const rules = await rulesFired(`${T}DROP TABLE legacy CASCADE;\n`);
  assert.deepEqual(rules.sort(), ['drop-cascade', 'drop-table']);
});

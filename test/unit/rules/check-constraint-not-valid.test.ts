import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'check-constraint-not-valid';
const LT = "SET lock_timeout = '5s';\n";
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);

test('ADD CONSTRAINT … CHECK on an existing table: ACCESS EXCLUSIVE + scan', async () => {
  const f = await mine(`${LT}ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on orders/);
  assert.match(f[0].message, /blocks all reads and writes/);
  assert.match(f[0].help, /NOT VALID/);
  assert.match(f[0].help, /VALIDATE CONSTRAINT orders_total_positive/);
});

test('inline CHECK in ADD COLUMN is reported; unnamed table CHECK asks for a name', async () => {
  const col = await mine(`${LT}ALTER TABLE orders ADD COLUMN qty int CHECK (qty > 0);\n`);
  assert.equal(col.length, 1);
  assert.match(col[0].message, /ADD COLUMN qty/);
  assert.match(col[0].help, /orders_qty_check CHECK \(…\) NOT VALID/);
  const unnamed = await mine(`${LT}ALTER TABLE orders ADD CHECK (total >= 0);\n`);
  assert.equal(unnamed.length, 1);
  assert.match(unnamed[0].help, /Name the constraint/);
});

test('NOT VALID, NOT ENFORCED, other constraint types and VALIDATE are not reported', async () => {
  assert.deepEqual(await mine(`${LT}ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;\n`), []);
  assert.deepEqual(await mine(`${LT}ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT ENFORCED;\n`), []);
  assert.deepEqual(await mine(`${LT}ALTER TABLE orders ADD COLUMN note text;\n`), []);
});

test('tables created earlier in the file are not reported', async () => {
  const sql = 'CREATE TABLE orders (id bigint, total numeric);\nALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0);\nALTER TABLE orders ADD COLUMN qty int CHECK (qty > 0);\n';
  assert.deepEqual(await mine(sql), []);
});

test('reported in every transaction context and on every PostgreSQL version', async () => {
  const stmt = 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0);';
  assert.equal((await mine(`BEGIN;\nSET LOCAL lock_timeout = '5s';\n${stmt}\nCOMMIT;\n`)).length, 1);
  assert.equal((await mine(`-- +goose Up\n${LT}${stmt}\n`)).length, 1);
  assert.equal((await mine(`${LT}${stmt}\n`, { pgVersion: 9 })).length, 1);
});

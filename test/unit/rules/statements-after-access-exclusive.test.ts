import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const RULE = 'statements-after-access-exclusive';
const only = async (sql: string, o: Parameters<typeof lint>[1] = {}) => (await lint(sql, o)).filter((f) => f.rule === RULE);

test('the first statement after ACCESS EXCLUSIVE in a BEGIN block is reported once', async () => {
  const f = await only(`BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN note text;
SET LOCAL statement_timeout = '1min';
ALTER TABLE customers ADD COLUMN note text;
ALTER TABLE products ADD COLUMN note text;
COMMIT;`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 5);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on orders taken by ADD COLUMN/);
  assert.match(f[0].message, /held until COMMIT/);
  assert.match(f[0].message, /all reads and writes of orders are blocked/);
  assert.equal(f[0].related.length, 1);
});

test('a data change after the lock says its run time adds to the outage', async () => {
  const f = await only(`BEGIN;
ALTER TABLE orders ADD COLUMN note text;
UPDATE orders SET note = '' WHERE id = 1;
COMMIT;`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /this data change runs while all reads and writes of orders are blocked/);
});

test('not outside a transaction, not when the lock is last, not for new tables', async () => {
  assert.deepEqual(await only(`ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE customers ADD COLUMN note text;`), []);
  assert.deepEqual(await only(`BEGIN;
ALTER TABLE customers ADD COLUMN note text;
COMMIT;
ALTER TABLE orders ADD COLUMN note text;`), []);
  assert.deepEqual(await only(`BEGIN;
CREATE TABLE t (id bigint);
ALTER TABLE t ADD COLUMN note text;
CREATE INDEX t_note_idx ON t (note);
COMMIT;`), []);
});

test('runner transactions count: goose marker and transaction: always', async () => {
  const sql = `ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE customers ADD COLUMN note text;`;
  assert.equal((await only(`-- +goose Up\n${sql}`)).length, 1);
  assert.equal((await only(sql, { transaction: 'always' })).length, 1);
  assert.deepEqual(await only(`-- +goose NO TRANSACTION\n-- +goose Up\n${sql}`), []);
});

test('a DO block is not "after" the lock its own body took', async () => {
  assert.deepEqual(await only(`BEGIN;
DO $$ BEGIN ALTER TABLE orders ADD COLUMN note text; END $$;
COMMIT;`), []);
  const f = await only(`BEGIN;
DO $$ BEGIN ALTER TABLE orders ADD COLUMN note text; END $$;
SELECT count(*) FROM customers;
COMMIT;`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 3);
});

test('instant catalog-only statements on the locked table or new objects do not widen the window', async () => {
  assert.deepEqual(await only(`BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE users RENAME TO accounts;
CREATE VIEW users AS SELECT * FROM accounts;
ALTER TABLE accounts ADD COLUMN note text;
CREATE TABLE audit (id bigint);
CREATE INDEX audit_id_idx ON audit (id);
COMMIT;`), []);
});

test('a later statement that scans the locked table, or locks another one, is reported', async () => {
  const scan = await only(`BEGIN;
ALTER TABLE orders ADD COLUMN note text;
CREATE TABLE audit (id bigint);
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
COMMIT;`);
  assert.equal(scan.length, 1);
  assert.equal(scan[0].line, 4);
  assert.match(scan[0].message, /scan runs while all reads and writes of orders are blocked/);
  const other = await only(`BEGIN;
ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE customers ALTER COLUMN note SET DEFAULT '';
COMMIT;`);
  assert.equal(other.length, 1);
  assert.match(other[0].message, /ACCESS EXCLUSIVE lock on customers: if it has to wait/);
});

test('tables the transaction already locked cannot make it wait again', async () => {
  assert.deepEqual(await only(`BEGIN;
SET LOCAL lock_timeout = '5s';
LOCK TABLE orders, customers IN ACCESS EXCLUSIVE MODE;
ALTER TABLE customers ADD COLUMN note text;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;`), []);
});

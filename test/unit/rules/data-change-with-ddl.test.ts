import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const RULE = 'data-change-with-ddl';
const only = async (sql: string, o: Parameters<typeof lint>[1] = {}) => (await lint(sql, o)).filter((f) => f.rule === RULE);

test('DDL then data change in one transaction: reported once, at the data change', async () => {
  const f = await only(`BEGIN;
ALTER TABLE orders ADD COLUMN note text;
UPDATE orders SET note = '' WHERE id = 1;
DELETE FROM orders WHERE id = 2;
COMMIT;`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 3);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on orders/);
  assert.match(f[0].message, /held until COMMIT/);
  assert.equal(f[0].related.length, 1);
});

test('data change then DDL: reported at the DDL', async () => {
  const f = await only(`BEGIN;
INSERT INTO archive SELECT * FROM orders WHERE id < 100;
CREATE INDEX orders_note_idx ON orders (note);
COMMIT;`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 3);
  assert.match(f[0].message, /CREATE INDEX .*SHARE lock on orders/);
  assert.match(f[0].message, /INSERT … SELECT/);
});

test('runner transaction counts; separate transactions and no transaction do not', async () => {
  const sql = `ALTER TABLE orders ADD COLUMN note text;
UPDATE orders SET note = '';`;
  assert.equal((await only(`-- +goose Up\n${sql}`)).length, 1);
  assert.equal((await only(sql, { transaction: 'always' })).length, 1);
  assert.deepEqual(await only(sql), []);
  assert.deepEqual(await only(`BEGIN;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;
BEGIN;
UPDATE orders SET note = '';
COMMIT;`), []);
});

test('plain INSERT … VALUES and changes to new tables are not data changes', async () => {
  assert.deepEqual(await only(`BEGIN;
ALTER TABLE orders ADD COLUMN note text;
INSERT INTO settings (k, v) VALUES ('a', 'b');
COMMIT;`), []);
  assert.deepEqual(await only(`BEGIN;
CREATE TABLE t (id bigint, v text);
ALTER TABLE t ADD COLUMN w text;
UPDATE t SET w = v;
COMMIT;`), []);
});

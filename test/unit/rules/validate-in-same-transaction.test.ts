import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'validate-in-same-transaction';
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);
const ADD_CHECK = 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;';
const VALIDATE_CHECK = 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;';
const ADD_FK = 'ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;';
const VALIDATE_FK = 'ALTER TABLE orders VALIDATE CONSTRAINT orders_account_fk;';

test('explicit BEGIN: CHECK added NOT VALID then validated before COMMIT', async () => {
  const sql = `BEGIN;\nSET LOCAL lock_timeout = '5s';\n${ADD_CHECK}\n${VALIDATE_CHECK}\nCOMMIT;\n`;
  const f = await mine(sql);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 4);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on orders/);
  assert.match(f[0].message, /BEGIN/);
  assert.match(f[0].help, /COMMIT/);
  assert.equal(f[0].related.length, 1);
  assert.equal(sql.slice(f[0].related[0].start, f[0].related[0].end), ADD_CHECK.slice(0, -1));
});

test('foreign key: names both tables and SHARE ROW EXCLUSIVE', async () => {
  const f = await mine(`BEGIN;\nSET LOCAL lock_timeout = '5s';\n${ADD_FK}\n${VALIDATE_FK}\nCOMMIT;\n`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /SHARE ROW EXCLUSIVE locks on orders and accounts/);
});

test('runner transactions: goose marker and transaction: always', async () => {
  const goose = await mine(`-- +goose Up\nSET lock_timeout = '5s';\n${ADD_FK}\n${VALIDATE_FK}\n`);
  assert.equal(goose.length, 1);
  assert.match(goose[0].message, /goose runs each migration in a transaction/);
  assert.match(goose[0].help, /next migration file/);
  const always = await mine(`SET lock_timeout = '5s';\n${ADD_FK}\n${VALIDATE_FK}\n`, { transaction: 'always' });
  assert.equal(always.length, 1);
  assert.deepEqual(await mine(`-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\n${ADD_FK}\n${VALIDATE_FK}\n`), []);
});

test('not reported when a COMMIT separates them, outside transactions, or for another constraint', async () => {
  assert.deepEqual(await mine(`BEGIN;\nSET LOCAL lock_timeout = '5s';\n${ADD_FK}\nCOMMIT;\nBEGIN;\n${VALIDATE_FK}\nCOMMIT;\n`), []);
  assert.deepEqual(await mine(`SET lock_timeout = '5s';\n${ADD_FK}\n${VALIDATE_FK}\n`), []);
  assert.deepEqual(await mine(`BEGIN;\nSET LOCAL lock_timeout = '5s';\n${ADD_FK}\nALTER TABLE orders VALIDATE CONSTRAINT other_fk;\nCOMMIT;\n`), []);
  assert.deepEqual(await mine(`BEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT orders_account_fk;\nCOMMIT;\n`), []);
});

test('the same ALTER TABLE adding NOT VALID and validating is reported even outside a transaction', async () => {
  const f = await mine(`SET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID, VALIDATE CONSTRAINT c;\n`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /same ALTER TABLE/);
});

test('tables created earlier in the file are not reported', async () => {
  const sql = `BEGIN;\nCREATE TABLE orders (id bigint, total numeric);\n${ADD_CHECK}\n${VALIDATE_CHECK}\nCOMMIT;\n`;
  assert.deepEqual(await mine(sql), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'drop-foreign-key';
const LT = "SET lock_timeout = '5s';\n";
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);

test('FK known from the file: names both tables', async () => {
  const sql = `${LT}ALTER TABLE orders ADD CONSTRAINT acc_ref FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;\nALTER TABLE orders DROP CONSTRAINT acc_ref;\n`;
  const f = await mine(sql);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 3);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /ACCESS EXCLUSIVE locks on both orders and accounts/);
  assert.doesNotMatch(f[0].message, /inferred/);
  assert.match(f[0].help, /lock_timeout/);
});

test('FK inferred from its name, and the message says so', async () => {
  for (const n of ['orders_account_id_fkey', 'orders_account_id_fkey1', 'fk_rails_0a1b2c', 'orders_account_fk', 'orders_account_id_foreign', 'orders_account_id_1a2b_fk_accounts_id']) {
    const f = await mine(`${LT}ALTER TABLE orders DROP CONSTRAINT IF EXISTS ${n};\n`);
    assert.equal(f.length, 1, n);
    assert.match(f[0].message, /inferred from the name/);
    assert.match(f[0].message, /the table it references/);
  }
});

test('non-FK constraints are not reported, by name or when known from the file', async () => {
  assert.deepEqual(await mine(`${LT}ALTER TABLE orders DROP CONSTRAINT orders_total_check;\n`), []);
  assert.deepEqual(await mine(`${LT}ALTER TABLE orders DROP CONSTRAINT orders_pkey;\n`), []);
  assert.deepEqual(await mine(`${LT}ALTER TABLE orders ADD CONSTRAINT x_fkey CHECK (a > 0) NOT VALID;\nALTER TABLE orders DROP CONSTRAINT x_fkey;\n`), []);
});

test('tables created earlier in the file are not reported', async () => {
  assert.deepEqual(await mine('CREATE TABLE orders (id bigint, account_id bigint REFERENCES accounts (id));\nALTER TABLE orders DROP CONSTRAINT orders_account_id_fkey;\n'), []);
});

test('DROP + re-ADD of a foreign key in one statement: the referenced table comes from the re-add', async () => {
  const f = await mine(`${LT}ALTER TABLE runs DROP CONSTRAINT runs_job_ref, ADD CONSTRAINT runs_job_ref FOREIGN KEY (job_uuid) REFERENCES jobs (uuid) ON DELETE CASCADE NOT VALID;\n`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /ACCESS EXCLUSIVE locks on both runs and jobs/);
  assert.match(f[0].message, /re-adds/);
});

// Recipe 2: FOREIGN KEY / CHECK → NOT VALID, then VALIDATE in a separate transaction.
import { test } from 'node:test';
import { useDatabases } from '../helpers/databases';
import { checkFix, type FixCase } from '../helpers/fixes';

const dbs = useDatabases();
const check = (c: FixCase) => checkFix(dbs(), c);
const TABLES = 'CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint, total numeric);';

test('statement by statement: NOT VALID, and VALIDATE right after (its own transaction)', async () => {
  await check({
    name: 'goose-notx', rule: 'foreign-key-not-valid', file: '00002_fk.sql',
    files: {
      '00001_tables.sql': `-- +goose Up\n${TABLES}\n`,
      '00002_fk.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);\n",
    },
    title: 'Add the foreign key NOT VALID, then VALIDATE it in a separate transaction',
    expect: { '00002_fk.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_account_fk;\n" },
  });
});

test('in goose\'s transaction: NOT VALID here, VALIDATE in a new migration after the last one', async () => {
  await check({
    name: 'goose', rule: 'foreign-key-not-valid', file: '00002_fk.sql',
    files: {
      '00001_tables.sql': `-- +goose Up\n${TABLES}\n-- +goose Down\nDROP TABLE orders, accounts;\n`,
      '00002_fk.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nalter table orders add foreign key (account_id) references accounts (id) on delete cascade;\n-- +goose Down\nALTER TABLE orders DROP CONSTRAINT orders_account_id_fkey;\n",
    },
    title: 'Add the foreign key NOT VALID, then VALIDATE it in a separate transaction (in a new migration 00003_validate_orders_account_id_fkey.sql)',
    expect: {
      '00002_fk.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nalter table orders add constraint orders_account_id_fkey foreign key (account_id) references accounts (id) on delete cascade not valid;\n-- +goose Down\nALTER TABLE orders DROP CONSTRAINT orders_account_id_fkey;\n",
      '00003_validate_orders_account_id_fkey.sql': '-- +goose Up\n-- Follows 00002_fk.sql (pgsafe): it must run in a separate transaction.\nalter table orders validate constraint orders_account_id_fkey;\n\n-- +goose Down\n-- Nothing to undo.\n',
    },
  });
});

const PLAN = '%syntax-version=1.0.0\n%project=shop\n\ntables 2024-01-01T00:00:00Z Ann <ann@example.com> # tables\ncheck 2024-01-02T00:00:00Z Ann <ann@example.com> # check\n';

test('sqitch with BEGIN … COMMIT: a CHECK NOT VALID in the transaction, VALIDATE after the COMMIT', async () => {
  await check({
    name: 'sqitch', rule: 'check-constraint-not-valid', file: 'deploy/check.sql',
    files: {
      'sqitch.plan': PLAN, 'deploy/tables.sql': `BEGIN;\n${TABLES}\nCOMMIT;\n`, 'revert/tables.sql': 'DROP TABLE orders, accounts;\n', 'revert/check.sql': 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;\n',
      'deploy/check.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders\n  ADD CHECK (total >= 0);\nCOMMIT;\n",
    },
    title: 'Add the CHECK constraint NOT VALID, then VALIDATE it in a separate transaction (after the file\'s COMMIT)',
    expect: { 'deploy/check.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders\n  ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nCOMMIT;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\n" },
  });
});

test('golang-migrate: VALIDATE in a new .up.sql / .down.sql pair', async () => {
  await check({
    name: 'golang-migrate', rule: 'foreign-key-not-valid', file: '000002_fk.up.sql',
    files: {
      '000001_tables.up.sql': `${TABLES}\n`, '000001_tables.down.sql': 'DROP TABLE orders, accounts;\n',
      '000002_fk.up.sql': "SET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id), ADD COLUMN note text;\n",
      '000002_fk.down.sql': 'ALTER TABLE orders DROP CONSTRAINT orders_account_fk, DROP COLUMN note;\n',
    },
    title: 'Add the foreign key NOT VALID, then VALIDATE it in a separate transaction (in a new migration 000003_validate_orders_account_fk.up.sql)',
    expect: {
      '000002_fk.up.sql': "SET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID, ADD COLUMN note text;\n",
      '000003_validate_orders_account_fk.up.sql': '-- Follows 000002_fk.up.sql (pgsafe): it must run in a separate transaction.\nALTER TABLE orders VALIDATE CONSTRAINT orders_account_fk;\n',
      '000003_validate_orders_account_fk.down.sql': '-- Nothing to undo.\n',
    },
  });
});

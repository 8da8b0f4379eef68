// Recipe 3: SET NOT NULL without the long ACCESS EXCLUSIVE scan, per PostgreSQL version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDatabases } from '../helpers/databases';
import { checkFix, folder, lintDir, type FixCase } from '../helpers/fixes';

const dbs = useDatabases();
const check = (c: FixCase) => checkFix(dbs(), c);
const TABLE = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);';

test('PostgreSQL 18, in goose\'s transaction: NOT NULL … NOT VALID here, VALIDATE in a new migration', async () => {
  await check({
    name: 'pg18', rule: 'set-not-null', file: '00002_email.sql', minServer: 18,
    files: {
      '00001_users.sql': `-- +goose Up\n${TABLE}\n-- +goose Down\nDROP TABLE users;\n`,
      '00002_email.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n-- +goose Down\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n",
    },
    title: 'Add the NOT NULL constraint NOT VALID, then VALIDATE it in a separate transaction (PostgreSQL 18) (in a new migration 00003_not_null_users_email.sql)',
    expect: {
      '00002_email.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID;\n-- +goose Down\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n",
      '00003_not_null_users_email.sql': '-- +goose Up\n-- Follows 00002_email.sql (pgsafe): it must run in a separate transaction.\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n\n-- +goose Down\n-- Nothing to undo.\n',
    },
  });
  const [row] = (await dbs()[0].query("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'")).rows;
  assert.equal(row.attnotnull, true, 'the column is NOT NULL in the database after the fixed migrations');
});

test('PostgreSQL 15, statement by statement: CHECK NOT VALID, then VALIDATE, SET NOT NULL, drop the check', async () => {
  await check({
    name: 'pg15', rule: 'set-not-null', file: '00002_email.sql', config: { pgVersion: 15 },
    files: {
      '00001_users.sql': `-- +goose Up\n${TABLE}\n`,
      '00002_email.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nalter table users alter column email set not null;\n",
    },
    title: 'Prove NOT NULL with a CHECK … NOT VALID, then VALIDATE, SET NOT NULL and drop the check in a separate transaction (PostgreSQL 15)',
    expect: {
      '00002_email.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nalter table users add constraint users_email_not_null check (email is not null) not valid;\nalter table users validate constraint users_email_not_null;\nalter table users alter column email set not null;\nalter table users drop constraint users_email_not_null;\n",
    },
  });
  const [row] = (await dbs()[0].query("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'")).rows;
  assert.equal(row.attnotnull, true);
});

test('no fix when rewriting the statement would drop a comment inside it', async () => {
  const dir = folder({ '001_users.sql': TABLE, '002_email.sql': 'ALTER TABLE users -- the login address\n  ALTER COLUMN email SET NOT NULL;\n' });
  const { findings } = await lintDir(dir);
  const f = findings.find((x) => x.rule === 'set-not-null');
  assert.ok(f);
  assert.deepEqual(f.fixes, []);
});

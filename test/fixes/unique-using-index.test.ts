// Recipe 4: ADD UNIQUE / PRIMARY KEY → CREATE UNIQUE INDEX CONCURRENTLY (outside any transaction),
// then ADD CONSTRAINT … USING INDEX. Golden outputs, then: parses, finding gone with no new hazard,
// applies on PGlite, and the constraint exists with the expected definition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDatabases } from '../helpers/databases';
import { checkFix, folder, lintDir, type FixCase } from '../helpers/fixes';
import { defaultKeyName, makeObjectName } from '../../shared/src/fixes/unique-using-index';

const dbs = useDatabases();
const check = (c: FixCase) => checkFix(dbs(), c);
const TABLE = 'CREATE TABLE users (id bigint NOT NULL, email text, tenant_id bigint, login text);';

async function constraintDef(table: string, name: string): Promise<string | undefined> {
  const { rows } = await dbs()[0].query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${table}'::regclass AND conname = '${name}'`);
  return rows[0]?.def;
}

test('statement by statement outside a transaction (goose NO TRANSACTION): the index is built right before the ALTER TABLE, which attaches it', async () => {
  await check({
    name: 'goose-notx', rule: 'unique-constraint-without-index', file: '00002_email.sql',
    files: {
      '00001_users.sql': `-- +goose Up\n${TABLE}\n`,
      '00002_email.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\n-- one account per address\nALTER TABLE users ADD UNIQUE (email);\n",
    },
    title: "Build the unique constraint's index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint USING INDEX",
    expect: { '00002_email.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\n-- one account per address\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;\n" },
  });
  assert.equal(await constraintDef('users', 'users_email_key'), 'UNIQUE (email)');
});

test('goose, the ALTER alone in its migration: -- +goose NO TRANSACTION, index first; lower case, NULLS NOT DISTINCT, INCLUDE and DEFERRABLE kept', async () => {
  await check({
    name: 'goose-alone', rule: 'unique-constraint-without-index', file: '00002_login.sql',
    files: {
      '00001_users.sql': `-- +goose Up\n${TABLE}\n-- +goose Down\nDROP TABLE users;\n`,
      '00002_login.sql': "-- +goose Up\nSET lock_timeout = '5s';\nalter table users\n  add constraint users_login_uniq unique nulls not distinct (tenant_id, login) include (email) deferrable initially deferred;\n\n-- +goose Down\nALTER TABLE users DROP CONSTRAINT users_login_uniq;\n",
    },
    title: "Build the unique constraint's index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint USING INDEX, and run this migration without a transaction (goose marker)",
    expect: { '00002_login.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nalter table users\n  add constraint users_login_uniq unique using index users_login_uniq deferrable initially deferred;\n\n-- +goose Down\nALTER TABLE users DROP CONSTRAINT users_login_uniq;\n".replace('alter table users\n', 'create unique index concurrently if not exists users_login_uniq on users (tenant_id, login) include (email) nulls not distinct;\nalter table users\n') },
  });
  assert.equal(await constraintDef('users', 'users_login_uniq'), 'UNIQUE NULLS NOT DISTINCT (tenant_id, login) INCLUDE (email) DEFERRABLE INITIALLY DEFERRED');
});

test('goose, next to other DDL in the runner\'s transaction: one new migration without a transaction, the comment above moves along', async () => {
  await check({
    name: 'goose-mixed', rule: 'unique-constraint-without-index', file: '00002_email.sql',
    files: {
      '00001_users.sql': `-- +goose Up\n${TABLE}\n-- +goose Down\nDROP TABLE users;\n`,
      '00002_email.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN note text;\n-- one account per address\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n\n-- +goose Down\nALTER TABLE users DROP COLUMN note;\n",
    },
    title: "Build the unique constraint's index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint USING INDEX in a new migration 00003_add_users_email_key.sql",
    expect: {
      '00002_email.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN note text;\n\n-- +goose Down\nALTER TABLE users DROP COLUMN note;\n",
      '00003_add_users_email_key.sql': "-- +goose NO TRANSACTION\n-- +goose Up\n-- Moved here from 00002_email.sql by pgsafe: the index is built without a transaction first.\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\nSET lock_timeout = '5s';\n-- one account per address\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;\n\n-- +goose Down\nALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_key;\n",
    },
  });
  assert.equal(await constraintDef('users', 'users_email_key'), 'UNIQUE (email)');
});

test('golang-migrate (a file is one query): two new migrations, the index alone first, the constraint second', async () => {
  for (const d of dbs()) await d.exec('DROP SCHEMA IF EXISTS app CASCADE');
  await check({
    name: 'golang-migrate', rule: 'unique-constraint-without-index', file: '000002_pk.up.sql',
    files: {
      '000001_users.up.sql': `CREATE SCHEMA app;\n${TABLE.replace('users', 'app.users')}\n`, '000001_users.down.sql': 'DROP SCHEMA app CASCADE;\n',
      '000002_pk.up.sql': "SET lock_timeout = '5s';\nALTER TABLE app.users ADD COLUMN note text;\nALTER TABLE app.users ADD PRIMARY KEY (id);\n",
      '000002_pk.down.sql': 'ALTER TABLE app.users DROP COLUMN note;\n',
    },
    title: "Build the primary key's index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint USING INDEX in new migrations 000003_create_users_pkey.up.sql and 000004_add_users_pkey.up.sql",
    expect: {
      '000002_pk.up.sql': "SET lock_timeout = '5s';\nALTER TABLE app.users ADD COLUMN note text;\n",
      '000003_create_users_pkey.up.sql': '-- Moved here from 000002_pk.up.sql by pgsafe: it cannot run inside a transaction; 000004_add_users_pkey.up.sql follows.\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_pkey ON app.users (id);\n',
      '000003_create_users_pkey.down.sql': 'DROP INDEX CONCURRENTLY IF EXISTS app.users_pkey;\n',
      '000004_add_users_pkey.up.sql': "-- Moved here from 000002_pk.up.sql by pgsafe: it needs 000003_create_users_pkey.up.sql, which runs without a transaction.\nSET LOCAL lock_timeout = '5s';\nALTER TABLE app.users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey;\n",
      '000004_add_users_pkey.down.sql': 'ALTER TABLE app.users DROP CONSTRAINT IF EXISTS users_pkey;\nCREATE UNIQUE INDEX IF NOT EXISTS users_pkey ON app.users (id);\n',
    },
  });
  assert.equal(await constraintDef('app.users', 'users_pkey'), 'PRIMARY KEY (id)');
});

test('dbmate (a section is one query): two new migrations, the index alone in a transaction:false section', async () => {
  await check({
    name: 'dbmate', rule: 'unique-constraint-without-index', file: '20240102000000_email.sql',
    files: {
      '20240101000000_users.sql': `-- migrate:up\n${TABLE}\n\n-- migrate:down\nDROP TABLE users;\n`,
      '20240102000000_email.sql': "-- migrate:up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n\n-- migrate:down\nALTER TABLE users DROP CONSTRAINT users_email_key;\n",
    },
    title: "Build the unique constraint's index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint USING INDEX in new migrations 20240102000001_create_users_email_key.sql and 20240102000002_add_users_email_key.sql",
    expect: {
      '20240102000000_email.sql': "-- migrate:up\nSET LOCAL lock_timeout = '5s';\n\n-- migrate:down\nALTER TABLE users DROP CONSTRAINT users_email_key;\n",
      '20240102000001_create_users_email_key.sql': '-- migrate:up transaction:false\n-- Moved here from 20240102000000_email.sql by pgsafe: it cannot run inside a transaction; 20240102000002_add_users_email_key.sql follows.\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n\n-- migrate:down\nDROP INDEX CONCURRENTLY IF EXISTS users_email_key;\n',
      '20240102000002_add_users_email_key.sql': "-- migrate:up\n-- Moved here from 20240102000000_email.sql by pgsafe: it needs 20240102000001_create_users_email_key.sql, which runs without a transaction.\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;\n\n-- migrate:down\nALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_key;\nCREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (email);\n",
    },
  });
});

test('plain numbered files (the runner may send a file as one query): two new files', async () => {
  await check({
    name: 'plain', rule: 'unique-constraint-without-index', file: '002_email.sql',
    files: { '001_users.sql': `${TABLE}\n`, '002_email.sql': 'ALTER TABLE users ADD UNIQUE (email);\n' },
    title: "Build the unique constraint's index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint USING INDEX in new migrations 003_create_users_email_key.sql and 004_add_users_email_key.sql",
    expect: {
      '002_email.sql': '',
      '003_create_users_email_key.sql': '-- Moved here from 002_email.sql by pgsafe: it cannot run inside a transaction; 004_add_users_email_key.sql follows.\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n',
      '004_add_users_email_key.sql': "-- Moved here from 002_email.sql by pgsafe: it needs 003_create_users_email_key.sql, which runs without a transaction.\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;\n",
    },
  });
});

const PLAN = '%syntax-version=1.0.0\n%project=shop\n\nusers 2024-01-01T00:00:00Z Ann <ann@example.com> # users\nemail 2024-01-02T00:00:00Z Ann <ann@example.com> # email\n';

test('sqitch with BEGIN … COMMIT: the transaction is split, the index built between the two', async () => {
  await check({
    name: 'sqitch', rule: 'unique-constraint-without-index', file: 'deploy/email.sql',
    files: {
      'sqitch.plan': PLAN, 'deploy/users.sql': `BEGIN;\n${TABLE}\nCOMMIT;\n`, 'revert/users.sql': 'DROP TABLE users;\n', 'revert/email.sql': 'ALTER TABLE users DROP CONSTRAINT users_email_key;\n',
      'deploy/email.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN note text;\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\nCOMMIT;\n",
    },
    title: "Build the unique constraint's index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint USING INDEX, outside the file's BEGIN … COMMIT",
    expect: { 'deploy/email.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\nBEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_email_key USING INDEX users_email_key;\nCOMMIT;\n".replace('users_email_key USING', 'users_email_key UNIQUE USING') },
  });
  assert.equal(await constraintDef('users', 'users_email_key'), 'UNIQUE (email)');
});

test('sqitch, the ALTER first in its BEGIN … COMMIT: the index is built before the BEGIN', async () => {
  await check({
    name: 'sqitch-first', rule: 'unique-constraint-without-index', file: 'deploy/email.sql',
    files: {
      'sqitch.plan': PLAN, 'deploy/users.sql': `BEGIN;\n${TABLE}\nCOMMIT;\n`, 'revert/users.sql': 'DROP TABLE users;\n', 'revert/email.sql': 'ALTER TABLE users DROP CONSTRAINT users_email_key;\n',
      'deploy/email.sql': "-- Deploy shop:email to pg\n\nBEGIN;\n\n  ALTER TABLE \"users\" ADD CONSTRAINT \"users_email_key\" UNIQUE (email);\n\nCOMMIT;\n",
    },
    title: "Build the unique constraint's index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint USING INDEX, outside the file's BEGIN … COMMIT",
    allowNew: [],
    expect: { 'deploy/email.sql': "-- Deploy shop:email to pg\n\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_email_key\" ON \"users\" (email);\nBEGIN;\n\n  ALTER TABLE \"users\" ADD CONSTRAINT \"users_email_key\" UNIQUE USING INDEX \"users_email_key\";\n\nCOMMIT;\n" },
  });
});

test('Flyway: two new versioned migrations (the index alone runs without a transaction)', async () => {
  await check({
    name: 'flyway', rule: 'unique-constraint-without-index', file: 'V2__email.sql',
    files: { 'V1__users.sql': `${TABLE}\n`, 'V2__email.sql': "SET lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n" },
    title: "Build the unique constraint's index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint USING INDEX in new migrations V3__create_users_email_key.sql and V4__add_users_email_key.sql (deploy with flyway.postgresql.transactional.lock=false)",
    allowNew: ['flyway-non-transactional'],
    expect: {
      'V2__email.sql': "SET lock_timeout = '5s';\n",
      'V3__create_users_email_key.sql': '-- Moved here from V2__email.sql by pgsafe: it cannot run inside a transaction; V4__add_users_email_key.sql follows.\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n',
      'V4__add_users_email_key.sql': "-- Moved here from V2__email.sql by pgsafe: it needs V3__create_users_email_key.sql, which runs without a transaction.\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;\n",
    },
  });
});

async function fixesOf(files: Record<string, string>) {
  const { findings } = await lintDir(folder(files));
  const f = findings.filter((x) => x.rule === 'unique-constraint-without-index');
  assert.equal(f.length, 1, JSON.stringify(findings.map((x) => x.rule)));
  return f[0].fixes;
}

test('no fix for a PRIMARY KEY on a column not known to be NOT NULL (USING INDEX would run SET NOT NULL, a full scan)', async () => {
  assert.deepEqual(await fixesOf({ '00001_users.sql': `-- +goose Up\n${TABLE}\n`, '00002_pk.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE users ADD PRIMARY KEY (tenant_id);\n' }), []);
});

test('no fix when the rewrite would drop a comment inside the column list', async () => {
  assert.deepEqual(await fixesOf({ '00001_users.sql': `-- +goose Up\n${TABLE}\n`, '00002_u.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE users ADD UNIQUE (email -- the login\n);\n' }), []);
});

test('no move when a later migration exists (it would run before the moved constraint)', async () => {
  assert.deepEqual(await fixesOf({
    '000001_users.up.sql': `${TABLE}\n`,
    '000002_email.up.sql': 'ALTER TABLE users ADD COLUMN note text;\nALTER TABLE users ADD UNIQUE (email);\n',
    '000003_more.up.sql': 'CREATE TABLE more (id int);\n',
  }), []);
});

test('no move when a later statement of the file uses the table', async () => {
  assert.deepEqual(await fixesOf({
    '00001_users.sql': `-- +goose Up\n${TABLE}\nCREATE TABLE logins (email text);\n`,
    '00002_email.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD UNIQUE (email);\nALTER TABLE logins ADD CONSTRAINT logins_email_fkey FOREIGN KEY (email) REFERENCES users (email) NOT VALID;\n",
  }), []);
});

test('default names follow PostgreSQL (makeObjectName), including INCLUDE columns and the 63-byte limit', () => {
  assert.equal(defaultKeyName('users', false, ['tenant_id', 'login']), 'users_tenant_id_login_key');
  assert.equal(defaultKeyName('users', true, ['id']), 'users_pkey');
  const long = defaultKeyName('a'.repeat(40), false, ['b'.repeat(40)]);
  assert.equal(long, `${'a'.repeat(29)}_${'b'.repeat(29)}_key`);
  assert.equal(Buffer.byteLength(makeObjectName('é'.repeat(40), undefined, 'pkey')), 63);
  // A two-byte character is never split: 59 bytes available, 58 used.
  assert.equal(makeObjectName('é'.repeat(40), undefined, 'key'), `${'é'.repeat(29)}_key`);
});

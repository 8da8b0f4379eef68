// Recipe 6: ADD COLUMN … NOT NULL without a DEFAULT → the column added nullable, a batched backfill
// with a value the user must choose (marked; it parses, and fails loudly if left unchanged), then
// NOT NULL without the long scan (PostgreSQL 18 or 12–17 form). Golden outputs per framework, then
// parse, finding gone with no new one, and applied on PGlite and the real server with the
// placeholder replaced by a real value, on a table that has rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDatabases } from '../helpers/databases';
import { applyFix, applyUp, backfillBlock, checkFix, folder, lintDir, type FixCase } from '../helpers/fixes';
import { isSafeFix } from '../../shared/src/fixes/apply';
import { BACKFILL_VALUE_PLACEHOLDER } from '../../shared/src/fixes/not-null-column';

const dbs = useDatabases();
const check = (c: FixCase) => checkFix(dbs(), { substitute: [BACKFILL_VALUE_PLACEHOLDER, "'active'"], ...c });
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, g || \'@x\' FROM generate_series(1, 2500) g;';
const TITLE = 'Add the column nullable, backfill existing rows in batches with a value you choose, then SET NOT NULL without a long lock';

const block = (t: string, c: string, key: string, label: string, lower = false) => {
  const sql = `-- pgsafe: replace the TODO value below with the value existing rows get. Deploy code that writes ${c} on every insert first:
-- rows inserted with NULL after the backfill would make the NOT NULL validation fail.
${backfillBlock(t, c, BACKFILL_VALUE_PLACEHOLDER, key, label)}`;
  if (!lower) return sql;
  // Keywords follow the user's case; comments, the placeholder and the label do not.
  return sql.split('\n').map((l) => (l.startsWith('--') || l.trim().startsWith('--') ? l : l.replace(/\b[A-Z][A-Z_]+\b/g, (w) => (['TODO'].includes(w) ? w : w.toLowerCase())))).join('\n')
    .replace(BACKFILL_VALUE_PLACEHOLDER.replace(/\b[A-Z][A-Z_]+\b/g, (w) => w.toLowerCase()), BACKFILL_VALUE_PLACEHOLDER)
    .replace(/-- 1000 rows.*$/m, '-- 1000 rows per batch, each committed; rows other sessions hold locked are skipped and retried.')
    .replace(/-- the rows left.*$/m, '-- the rows left are locked by other sessions');
};

async function statusOf(): Promise<{ nulls: number; notNull: boolean }> {
  const db = dbs()[0];
  const [{ n }] = (await db.query<{ n: string }>('SELECT count(*) AS n FROM users WHERE status IS DISTINCT FROM \'active\'')).rows;
  const [{ attnotnull }] = (await db.query<{ attnotnull: boolean }>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'status'")).rows;
  return { nulls: Number(n), notNull: attnotnull };
}

test('goose in its transaction (PostgreSQL 18): nullable column here; backfill, NOT NULL … NOT VALID and VALIDATE in a new NO TRANSACTION migration', async () => {
  await check({
    name: 'goose', rule: 'add-column-not-null-without-default', file: '00002_status.sql', minServer: 18,
    files: {
      '00001_users.sql': `-- +goose Up\n${USERS}\n\n-- +goose Down\nDROP TABLE users;\n`,
      '00002_status.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN status text NOT NULL;\n\n-- +goose Down\nALTER TABLE users DROP COLUMN status;\n",
    },
    title: `${TITLE} (PostgreSQL 18) (in a new migration 00003_backfill_users_status.sql)`,
    expect: {
      '00002_status.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN status text;\n\n-- +goose Down\nALTER TABLE users DROP COLUMN status;\n",
      '00003_backfill_users_status.sql': `-- +goose NO TRANSACTION\n-- +goose Up\n-- Follows 00002_status.sql (pgsafe): each statement runs in a transaction of its own.\n-- +goose StatementBegin\n${block('users', 'status', 'id', 'users.status')}\n-- +goose StatementEnd\nSET lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_status_not_null NOT NULL status NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_status_not_null;\n\n-- +goose Down\n-- Nothing to undo.\nALTER TABLE users DROP CONSTRAINT IF EXISTS users_status_not_null;\n-- Nothing to undo.\n`,
    },
  });
  assert.deepEqual(await statusOf(), { nulls: 0, notNull: true }, 'every row backfilled, and the column is NOT NULL');
});

test('goose NO TRANSACTION, lower case (PostgreSQL 15): the steps follow the statement in place, CHECK NOT VALID → VALIDATE → SET NOT NULL → drop the check', async () => {
  await check({
    name: 'goose-notx', rule: 'add-column-not-null-without-default', file: '00002_status.sql', config: { pgVersion: 15 },
    files: {
      '00001_users.sql': `-- +goose Up\n${USERS}\n`,
      '00002_status.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nalter table users add column status text not null, add column note text;\n",
    },
    title: `${TITLE} (PostgreSQL 15)`,
    expect: {
      '00002_status.sql': `-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nalter table users add column status text, add column note text;\n-- +goose StatementBegin\n${block('users', 'status', 'id', 'users.status', true)}\n-- +goose StatementEnd\nalter table users add constraint users_status_not_null check (status is not null) not valid;\nalter table users validate constraint users_status_not_null;\nalter table users alter column status set not null;\nalter table users drop constraint users_status_not_null;\n`,
    },
  });
  assert.deepEqual(await statusOf(), { nulls: 0, notNull: true });
});

const PLAN = '%syntax-version=1.0.0\n%project=shop\n\nusers 2024-01-01T00:00:00Z Ann <ann@example.com> # users\nstatus 2024-01-02T00:00:00Z Ann <ann@example.com> # status\n';

test('sqitch with BEGIN … COMMIT (PostgreSQL 15): the column is added in the transaction, the steps follow its COMMIT', async () => {
  await check({
    name: 'sqitch', rule: 'add-column-not-null-without-default', file: 'deploy/status.sql', config: { pgVersion: 15 },
    files: {
      'sqitch.plan': PLAN, 'deploy/users.sql': `BEGIN;\n${USERS}\nCOMMIT;\n`, 'revert/users.sql': 'DROP TABLE users;\n', 'revert/status.sql': 'ALTER TABLE users DROP COLUMN status;\n',
      'deploy/status.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN status text NOT NULL;\nCOMMIT;\n",
    },
    title: `${TITLE} (PostgreSQL 15) (after the file's COMMIT)`,
    expect: {
      'deploy/status.sql': `BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN status text;\nCOMMIT;\n${block('users', 'status', 'id', 'users.status')}\nSET lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_status_not_null CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_status_not_null;\nALTER TABLE users ALTER COLUMN status SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_status_not_null;\n`,
    },
  });
  assert.deepEqual(await statusOf(), { nulls: 0, notNull: true });
});

test('golang-migrate (PostgreSQL 15), quoted table without a primary key: one new .up.sql/.down.sql pair per step (a file is one query)', async () => {
  await check({
    name: 'golang-migrate', rule: 'add-column-not-null-without-default', file: '000002_status.up.sql', config: { pgVersion: 15 },
    files: {
      '000001_users.up.sql': 'CREATE TABLE "Users" (id bigint, email text);\nINSERT INTO "Users" SELECT g, g::text FROM generate_series(1, 1500) g;\n',
      '000001_users.down.sql': 'DROP TABLE "Users";\n',
      '000002_status.up.sql': "SET lock_timeout = '5s';\nALTER TABLE \"Users\" ADD COLUMN status text NOT NULL;\n",
      '000002_status.down.sql': 'ALTER TABLE "Users" DROP COLUMN status;\n',
    },
    title: `${TITLE} (PostgreSQL 15) (in new migrations 000003_backfill_users_status.up.sql, 000004_not_null_users_status.up.sql, 000005_validate_not_null_users_status.up.sql)`,
    expect: {
      '000002_status.up.sql': "SET lock_timeout = '5s';\nALTER TABLE \"Users\" ADD COLUMN status text;\n",
      '000003_backfill_users_status.up.sql': `-- Follows 000002_status.up.sql (pgsafe): it commits batch by batch, so it runs alone, outside any transaction.\n${block('"Users"', 'status', 'ctid', '"Users".status')}\n`,
      '000003_backfill_users_status.down.sql': '-- Nothing to undo.\n',
      '000004_not_null_users_status.up.sql': '-- Follows 000003_backfill_users_status.up.sql (pgsafe): it must run after the backfill, in a transaction of its own.\nSET lock_timeout = \'5s\';\nALTER TABLE "Users" ADD CONSTRAINT "Users_status_not_null" CHECK (status IS NOT NULL) NOT VALID;\n',
      '000004_not_null_users_status.down.sql': 'ALTER TABLE "Users" DROP CONSTRAINT IF EXISTS "Users_status_not_null";\n',
      '000005_validate_not_null_users_status.up.sql': '-- Follows 000004_not_null_users_status.up.sql (pgsafe): VALIDATE must run in a separate transaction from the NOT VALID constraint.\nSET lock_timeout = \'5s\';\nALTER TABLE "Users" VALIDATE CONSTRAINT "Users_status_not_null";\nALTER TABLE "Users" ALTER COLUMN status SET NOT NULL;\nALTER TABLE "Users" DROP CONSTRAINT "Users_status_not_null";\n',
      '000005_validate_not_null_users_status.down.sql': 'ALTER TABLE "Users" ALTER COLUMN status DROP NOT NULL;\n',
    },
  });
  const [{ n }] = (await dbs()[0].query<{ n: string }>('SELECT count(*) AS n FROM "Users" WHERE status IS NULL')).rows;
  assert.equal(Number(n), 0);
});

test('the fix needs a value: --fix leaves it, and the placeholder left in place fails when run instead of writing a made-up value', async () => {
  const dir = folder({
    '00001_users.sql': `-- +goose Up\n${USERS}\n`,
    '00002_status.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN status text NOT NULL;\n",
  });
  const { findings } = await lintDir(dir);
  const fix = findings.find((f) => f.rule === 'add-column-not-null-without-default')!.fixes[0];
  assert.equal(fix.needsValue, true);
  assert.equal(isSafeFix(fix), false);
  applyFix(dir, '00002_status.sql', fix);
  const db = dbs()[0];
  await db.exec('DROP SCHEMA IF EXISTS fixcase CASCADE; CREATE SCHEMA fixcase; SET search_path TO fixcase;');
  await assert.rejects(applyUp(db, dir), /pgsafe_todo_value/);
});

test('no fix for a named NOT NULL, a column with other constraints, or Flyway', async () => {
  const fixes = async (files: Record<string, string>) => (await lintDir(folder(files))).findings.filter((f) => f.rule === 'add-column-not-null-without-default').map((f) => f.fixes.length);
  assert.deepEqual(await fixes({ '001_u.sql': USERS, '002_s.sql': 'ALTER TABLE users ADD COLUMN status text CONSTRAINT s_nn NOT NULL;\n' }), [0]);
  assert.deepEqual(await fixes({ '001_u.sql': USERS, '002_s.sql': 'ALTER TABLE users ADD COLUMN status text NOT NULL CHECK (status <> \'\');\n' }), [0]);
  assert.deepEqual(await fixes({ 'V1__u.sql': USERS, 'V2__s.sql': "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN status text NOT NULL;\n" }), [0]);
});

// Recipe 10: DROP COLUMN / DROP TABLE → an IRREVERSIBLE header above the statement (affected
// objects from the replayed schema, backup command, rollback plan), which the drop rules accept as
// the acknowledgement. Golden outputs, then: parses, finding gone with no new one, applies on PGlite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDatabases } from '../helpers/databases';
import { checkFix, folder, lintDir, type FixCase } from '../helpers/fixes';

const dbs = useDatabases();
const check = (c: FixCase) => checkFix(dbs(), c);

const USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, legacy_name varchar(100) NOT NULL DEFAULT '', note text);\nCREATE INDEX users_legacy_idx ON users (legacy_name);\nCREATE VIEW names AS SELECT id, legacy_name FROM users;";

test('goose, DROP COLUMN … CASCADE in the runner\'s transaction: the header names the index and the view, the column\'s type, NOT NULL and DEFAULT', async () => {
  await check({
    name: 'goose-column', rule: 'drop-column', file: '00002_drop.sql',
    files: {
      '00001_users.sql': `-- +goose Up\n${USERS}\n-- +goose Down\nDROP TABLE users CASCADE;\n`,
      '00002_drop.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\n-- the old display name\nALTER TABLE users DROP COLUMN legacy_name CASCADE;\n\n-- +goose Down\nALTER TABLE users ADD COLUMN legacy_name varchar(100);\n",
    },
    title: 'Add an IRREVERSIBLE header above the DROP COLUMN: affected objects, backup command, rollback plan (fill in <release>)',
    expect: {
      '00002_drop.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\n-- the old display name\n"
        + '-- IRREVERSIBLE: drops column users.legacy_name and its data; only a backup brings it back.\n'
        + '-- Affected (from the earlier migrations): index users_legacy_idx (dropped with it); view names\n'
        + '--   (depends on it: a plain DROP fails, CASCADE drops it).\n'
        + '-- Deploy only after the application stopped reading and writing it: since release <release>.\n'
        + '-- Backup first:\n'
        + '--   pg_dump -Fc -t users -f users_before_00002_drop.dump "$DATABASE_URL"\n'
        + '-- Rollback:\n'
        + '--   ALTER TABLE users ADD COLUMN legacy_name varchar(100);\n'
        + '--   (it had a DEFAULT: set it again as in the migration that added it)\n'
        + '--   restore the values from users_before_00002_drop.dump: pg_restore it into a scratch schema or\n'
        + '--     database, then UPDATE users SET … FROM the restored copy, matching rows by primary key;\n'
        + '--   ALTER TABLE users ALTER COLUMN legacy_name SET NOT NULL;\n'
        + '--   re-create view names, index users_legacy_idx as in the migrations that created them.\n'
        + 'ALTER TABLE users DROP COLUMN legacy_name CASCADE;\n\n-- +goose Down\nALTER TABLE users ADD COLUMN legacy_name varchar(100);\n',
    },
  });
  const { rows } = await dbs()[0].query("SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'legacy_name'");
  assert.equal(rows.length, 0, 'the column is dropped on the database');
});

test('golang-migrate, DROP TABLE of two tables after another statement on the same line: the header starts a new line; quoted names are shell-quoted', async () => {
  await check({
    name: 'golang-migrate-tables', rule: 'drop-table', file: '000002_drop.up.sql',
    files: {
      '000001_t.up.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE legacy_events (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), payload jsonb);\nCREATE TABLE "Audit" (id int);\n',
      '000001_t.down.sql': 'DROP TABLE "Audit", legacy_events, accounts;\n',
      '000002_drop.up.sql': "SET lock_timeout = '5s'; DROP TABLE legacy_events, \"Audit\";\n",
    },
    title: 'Add an IRREVERSIBLE header above the DROP TABLE: affected objects, backup command, rollback plan (fill in <release>)',
    expect: {
      '000002_drop.up.sql': "SET lock_timeout = '5s';\n"
        + '-- IRREVERSIBLE: drops tables legacy_events, "Audit" and all their rows; only a backup brings them\n'
        + '--   back.\n'
        + '-- Affected by legacy_events (from the earlier migrations): no index, constraint, view or foreign\n'
        + '--   key depends on it.\n'
        + '-- Affected by "Audit" (from the earlier migrations): no index, constraint, view or foreign key\n'
        + '--   depends on it.\n'
        + '-- Deploy only after the application stopped using them: since release <release>.\n'
        + '-- Backup first:\n'
        + '--   pg_dump -Fc -t legacy_events -f legacy_events_before_000002_drop.dump "$DATABASE_URL"\n'
        + '--   pg_dump -Fc -t \'"Audit"\' -f Audit_before_000002_drop.dump "$DATABASE_URL"\n'
        + '-- Rollback:\n'
        + '--   pg_restore -d "$DATABASE_URL" legacy_events_before_000002_drop.dump\n'
        + '--   (re-creates legacy_events with its rows, indexes and constraints)\n'
        + '--   its columns, from the earlier migrations: id bigint NOT NULL, account_id bigint NOT NULL, payload\n'
        + '--     jsonb.\n'
        + '--   pg_restore -d "$DATABASE_URL" Audit_before_000002_drop.dump\n'
        + '--   (re-creates "Audit" with its rows, indexes and constraints)\n'
        + '--   its columns, from the earlier migrations: id integer.\n'
        + 'DROP TABLE legacy_events, "Audit";\n',
    },
  });
});

const PLAN = '%syntax-version=1.0.0\n%project=shop\n\ntables 2024-01-01T00:00:00Z Ann <ann@example.com> # tables\ndrop 2024-01-02T00:00:00Z Ann <ann@example.com> # drop\n';

test('sqitch, an indented DROP TABLE … CASCADE inside BEGIN … COMMIT: the header keeps the indentation and names the foreign key of the other table', async () => {
  for (const d of dbs()) await d.exec('DROP SCHEMA IF EXISTS shop CASCADE');
  await check({
    name: 'sqitch-table', rule: 'drop-table', file: 'deploy/drop.sql',
    files: {
      'sqitch.plan': PLAN,
      'deploy/tables.sql': 'BEGIN;\nCREATE SCHEMA shop;\nCREATE TABLE shop.accounts (id bigint PRIMARY KEY);\nCREATE TABLE shop.orders (id bigint PRIMARY KEY, account_id bigint REFERENCES shop.accounts (id));\nCREATE INDEX ON shop.orders (account_id);\nCOMMIT;\n',
      'revert/tables.sql': 'DROP SCHEMA shop CASCADE;\n', 'revert/drop.sql': 'SELECT 1;\n',
      'deploy/drop.sql': "-- Deploy shop:drop to pg\n\nBEGIN;\n  SET LOCAL lock_timeout = '5s';\n  DROP TABLE shop.accounts CASCADE;\nCOMMIT;\n",
    },
    title: 'Add an IRREVERSIBLE header above the DROP TABLE: affected objects, backup command, rollback plan (fill in <release>)',
    expect: {
      'deploy/drop.sql': "-- Deploy shop:drop to pg\n\nBEGIN;\n  SET LOCAL lock_timeout = '5s';\n"
        + '  -- IRREVERSIBLE: drops table shop.accounts and all its rows; only a backup brings it back.\n'
        + '  -- Affected (from the earlier migrations): foreign key orders_account_id_fkey on shop.orders\n'
        + '  --   (depends on it: a plain DROP fails, CASCADE drops it).\n'
        + '  -- Deploy only after the application stopped using it: since release <release>.\n'
        + '  -- Backup first:\n'
        + '  --   pg_dump -Fc -t shop.accounts -f accounts_before_drop.dump "$DATABASE_URL"\n'
        + '  -- Rollback:\n'
        + '  --   pg_restore -d "$DATABASE_URL" accounts_before_drop.dump\n'
        + '  --   (re-creates shop.accounts with its rows, indexes and constraints)\n'
        + '  --   its columns, from the earlier migrations: id bigint NOT NULL.\n'
        + '  --   then re-create foreign key orders_account_id_fkey on shop.orders as in the migrations that\n'
        + '  --     created it.\n'
        + '  DROP TABLE shop.accounts CASCADE;\nCOMMIT;\n',
    },
  });
});

async function ruleCount(sql: string, rule: string): Promise<number> {
  const { findings } = await lintDir(folder({ '001_t.sql': 'CREATE TABLE t (id int, c int);\n', '002_drop.sql': sql }));
  return findings.filter((f) => f.rule === rule).length;
}

test('the drop rules accept an IRREVERSIBLE line in the comment block directly above the statement, and nothing else', async () => {
  assert.equal(await ruleCount('-- IRREVERSIBLE: drops t.c\nALTER TABLE t DROP COLUMN c;\n', 'drop-column'), 0);
  assert.equal(await ruleCount('-- why: c was never used\n-- IRREVERSIBLE: drops t.c\n-- Backup first: …\nALTER TABLE t DROP COLUMN c;\n', 'drop-column'), 0, 'anywhere in the block');
  assert.equal(await ruleCount('/* IRREVERSIBLE: drops t */\nDROP TABLE t;\n', 'drop-table'), 0, 'a block comment');
  assert.equal(await ruleCount('-- IRREVERSIBLE: drops t.c\n\nALTER TABLE t DROP COLUMN c;\n', 'drop-column'), 1, 'a blank line separates the header from the statement');
  assert.equal(await ruleCount('-- IRREVERSIBLE: drops t.c\n\n-- other notes\nALTER TABLE t DROP COLUMN c;\n', 'drop-column'), 1, 'another block in between');
  assert.equal(await ruleCount('-- irreversible, maybe\nALTER TABLE t DROP COLUMN c;\n', 'drop-column'), 1, 'the word must start the line, in capitals');
  assert.equal(await ruleCount('-- IRREVERSIBLE: drops t.c\nSELECT 1;\nALTER TABLE t DROP COLUMN c;\n', 'drop-column'), 1, 'the header belongs to the statement right below it');
});

test('the header fix is not applied by a plain --fix (it acknowledges an irreversible step and has a placeholder)', async () => {
  const { findings } = await lintDir(folder({ '001_t.sql': 'CREATE TABLE t (id int, c int);\n', '002_drop.sql': 'ALTER TABLE t DROP COLUMN c;\n' }));
  const fix = findings.find((f) => f.rule === 'drop-column')!.fixes[0];
  assert.equal(fix.needsValue, true);
  assert.match(fix.edits[0].newText, /<release>/);
});

// Recipe 7: type changes that rewrite, RENAME COLUMN and RENAME TABLE → an expand/contract plan.
// Golden outputs; then parse, finding gone with no new one, and applied on PGlite and the real
// server: first the expand (and backfill), where the sync is checked with real writes through the
// old name, then the contract migration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDatabases } from '../helpers/databases';
import { backfillBlock, checkFix, folder, lintDir, type Db, type FixCase } from '../helpers/fixes';

const dbs = useDatabases();
const check = (c: FixCase) => checkFix(dbs(), c);
const one = async (db: Db, sql: string) => (await db.query(sql)).rows[0];

const backfill = (t: string, c: string, v: string, pending: string, label: string) => backfillBlock(t, c, v, 'id', label, pending);

const USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, g || '@x' FROM generate_series(1, 1500) g;";

test('RENAME COLUMN, goose: two-way sync trigger and new column in place, backfill in a NO TRANSACTION migration, contract drops the old column', async () => {
  await check({
    name: 'rename-column', rule: 'rename-column', file: '00002_login.sql',
    files: {
      '00001_users.sql': `-- +goose Up\n${USERS}\n`,
      '00002_login.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users RENAME COLUMN email TO login;\n",
    },
    title: 'Expand/contract: add login kept in step with email by a trigger, backfill it in batches (in a new migration 00003_backfill_users_login.sql); contract in a new migration 00004_contract_users_email.sql, to deploy after the application change',
    expect: {
      '00002_login.sql': `-- +goose Up
SET LOCAL lock_timeout = '5s';
-- +goose StatementBegin
CREATE FUNCTION users_login_sync() RETURNS trigger LANGUAGE plpgsql AS $sync$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.login := COALESCE(NEW.login, NEW.email);
    NEW.email := COALESCE(NEW.email, NEW.login);
  ELSIF NEW.login IS DISTINCT FROM OLD.login THEN
    NEW.email := NEW.login;
  ELSE
    NEW.login := NEW.email;
  END IF;
  RETURN NEW;
END
$sync$;
-- +goose StatementEnd
-- pgsafe-ignore trigger-on-existing-table -- the expand/contract sync trigger; the contract migration drops it
CREATE TRIGGER users_login_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_login_sync();
ALTER TABLE users ADD COLUMN login text;
`,
      '00003_backfill_users_login.sql': `-- +goose NO TRANSACTION\n-- +goose Up\n-- Follows 00002_login.sql (pgsafe): it commits batch by batch, so it runs alone, outside any transaction.\n-- +goose StatementBegin\n${backfill('users', 'login', 'email', 'login IS NULL AND email IS NOT NULL', 'users.login')}\n-- +goose StatementEnd\n\n-- +goose Down\n-- Nothing to undo.\n`,
      '00004_contract_users_email.sql': `-- +goose Up
-- pgsafe CONTRACT of 00002_login.sql: deploy after the application change.
-- Run this migration only once every running instance reads and writes users.login and no longer uses email.
SET LOCAL lock_timeout = '5s';
-- pgsafe-ignore trigger-on-existing-table -- the sync trigger of the expand migration
DROP TRIGGER users_login_sync ON users;
DROP FUNCTION users_login_sync();
-- IRREVERSIBLE: drops users.email; the expand migration copied its values to login and kept them in step.
ALTER TABLE users DROP COLUMN email;

-- +goose Down
ALTER TABLE users ADD COLUMN email text;
UPDATE users SET email = login;
`,
    },
    midway: {
      before: '00004_contract_users_email.sql',
      async check(db) {
        assert.equal(Number((await one(db, 'SELECT count(*) AS n FROM users WHERE login IS DISTINCT FROM email')).n), 0, 'the backfill copied every row');
        await db.exec("INSERT INTO users (id, email) VALUES (9001, 'old@x')");
        assert.equal((await one(db, 'SELECT login FROM users WHERE id = 9001')).login, 'old@x', 'an insert through the old column fills the new one');
        await db.exec("INSERT INTO users (id, login) VALUES (9002, 'new@x')");
        assert.equal((await one(db, 'SELECT email FROM users WHERE id = 9002')).email, 'new@x', 'an insert through the new column fills the old one');
        await db.exec("UPDATE users SET email = 'changed@x' WHERE id = 1");
        assert.equal((await one(db, 'SELECT login FROM users WHERE id = 1')).login, 'changed@x', 'an update of the old column reaches the new one');
        await db.exec("UPDATE users SET login = 'again@x' WHERE id = 2");
        assert.equal((await one(db, 'SELECT email FROM users WHERE id = 2')).email, 'again@x', 'an update of the new column reaches the old one');
      },
    },
  });
  const db = dbs()[0];
  assert.deepEqual((await db.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND table_schema = 'fixcase' ORDER BY ordinal_position")).rows.map((r: any) => r.column_name), ['id', 'login']);
  assert.equal(Number((await one(db, 'SELECT count(*) AS n FROM users WHERE login IS NULL')).n), 0);
});

test('ALTER COLUMN TYPE that rewrites, golang-migrate: one-way sync into total_new, backfill and contract (swap the names, drop the old column) as new pairs', async () => {
  await check({
    name: 'type', rule: 'alter-column-type-rewrite', file: '000002_total.up.sql',
    files: {
      '000001_orders.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, total int);\nINSERT INTO orders SELECT g, g FROM generate_series(1, 1500) g;\n',
      '000002_total.up.sql': "SET lock_timeout = '5s';\nALTER TABLE orders ALTER COLUMN total TYPE bigint;\n",
    },
    title: 'Expand/contract: add total_new bigint kept in step by a trigger, backfill it in batches (in a new migration 000003_backfill_orders_total_new.up.sql); contract in a new migration 000004_contract_orders_total_type.up.sql, to deploy after the application change',
    expect: {
      '000002_total.up.sql': `SET lock_timeout = '5s';
CREATE FUNCTION orders_total_new_sync() RETURNS trigger LANGUAGE plpgsql AS $sync$
BEGIN
  NEW.total_new := NEW.total::bigint;
  RETURN NEW;
END
$sync$;
-- pgsafe-ignore trigger-on-existing-table -- the expand/contract sync trigger; the contract migration drops it
CREATE TRIGGER orders_total_new_sync BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_total_new_sync();
ALTER TABLE orders ADD COLUMN total_new bigint;
`,
      '000003_backfill_orders_total_new.up.sql': `-- Follows 000002_total.up.sql (pgsafe): it commits batch by batch, so it runs alone, outside any transaction.\n${backfill('orders', 'total_new', 'total::bigint', 'total_new IS NULL AND total IS NOT NULL', 'orders.total_new')}\n`,
      '000003_backfill_orders_total_new.down.sql': '-- Nothing to undo.\n',
      '000004_contract_orders_total_type.up.sql': `-- pgsafe CONTRACT of 000002_total.up.sql: deploy after the application change.
-- Run this migration only once every running instance works with orders.total as bigint.
SET LOCAL lock_timeout = '5s';
-- pgsafe-ignore trigger-on-existing-table -- the sync trigger of the expand migration
DROP TRIGGER orders_total_new_sync ON orders;
DROP FUNCTION orders_total_new_sync();
-- pgsafe-ignore rename-column -- the swap keeps the name total: running code keeps working
ALTER TABLE orders RENAME COLUMN total TO total_old;
-- pgsafe-ignore rename-column -- the swap keeps the name total: running code keeps working
ALTER TABLE orders RENAME COLUMN total_new TO total;
-- IRREVERSIBLE: drops orders.total of type integer; the expand migration copied its values to total_new.
ALTER TABLE orders DROP COLUMN total_old;
`,
      '000004_contract_orders_total_type.down.sql': '-- The contract dropped the old integer column: restore it from a backup to undo.\n',
    },
    midway: {
      before: '000004_contract_orders_total_type.up.sql',
      async check(db) {
        assert.equal(Number((await one(db, 'SELECT count(*) AS n FROM orders WHERE total_new IS DISTINCT FROM total')).n), 0, 'the backfill copied every row');
        await db.exec('INSERT INTO orders (id, total) VALUES (9001, 42)');
        assert.equal(Number((await one(db, 'SELECT total_new FROM orders WHERE id = 9001')).total_new), 42, 'a write to the old column reaches the new one');
        await db.exec('UPDATE orders SET total = 7 WHERE id = 1');
        assert.equal(Number((await one(db, 'SELECT total_new FROM orders WHERE id = 1')).total_new), 7);
      },
    },
  });
  const db = dbs()[0];
  assert.equal((await one(db, "SELECT data_type FROM information_schema.columns WHERE table_schema = 'fixcase' AND table_name = 'orders' AND column_name = 'total'")).data_type, 'bigint');
  assert.equal(Number((await one(db, 'SELECT total FROM orders WHERE id = 9001')).total), 42, 'values written during the expand phase survive the contract');
});

test('RENAME TABLE, goose NO TRANSACTION, lower case: the rename and an updatable view under the old name in one BEGIN … COMMIT; contract drops the view', async () => {
  await check({
    name: 'rename-table', rule: 'rename-table', file: '00002_accounts.sql',
    files: {
      '00001_users.sql': '-- +goose Up\nCREATE TABLE users (id bigserial PRIMARY KEY, email text);\n',
      '00002_accounts.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nalter table users rename to accounts;\n",
    },
    title: 'Expand/contract: rename the table and keep users as an updatable view; contract in a new migration 00003_contract_drop_view_users.sql, to deploy after the application change',
    expect: {
      '00002_accounts.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nbegin;\nalter table users rename to accounts;\n-- The old name stays usable (a simple view is updatable) until the contract migration.\ncreate view users as select * from accounts;\ncommit;\n",
      '00003_contract_drop_view_users.sql': "-- +goose Up\n-- pgsafe CONTRACT of 00002_accounts.sql: deploy after the application change.\n-- Run this migration only once every running instance uses accounts and no longer uses users.\nset local lock_timeout = '5s';\ndrop view users;\n\n-- +goose Down\ncreate view users as select * from accounts;\n",
    },
    midway: {
      before: '00003_contract_drop_view_users.sql',
      async check(db) {
        await db.exec("INSERT INTO users (email) VALUES ('old@x')");
        assert.equal((await one(db, "SELECT email FROM accounts WHERE email = 'old@x'")).email, 'old@x', 'an insert through the old name lands in the renamed table (with its default id)');
        await db.exec("UPDATE users SET email = 'new@x' WHERE email = 'old@x'");
        assert.equal(Number((await one(db, "SELECT count(*) AS n FROM accounts WHERE email = 'new@x'")).n), 1);
      },
    },
  });
  assert.equal((await one(dbs()[0], "SELECT to_regclass('fixcase.users') AS r")).r, null, 'the contract removed the old name');
});

test('no plan for a column an index uses, a NOT NULL column, a USING clause, or a view rename', async () => {
  const offered = async (files: Record<string, string>, rule: string) => (await lintDir(folder(files))).findings.filter((f) => f.rule === rule).map((f) => f.fixes.length);
  const base = '-- +goose Up\nCREATE TABLE t (id bigint PRIMARY KEY, a int, b int NOT NULL);\nCREATE INDEX t_a ON t (a);\n';
  assert.deepEqual(await offered({ '00001_t.sql': base, '00002_r.sql': '-- +goose Up\nALTER TABLE t RENAME COLUMN a TO c;\n' }, 'rename-column'), [0]);
  assert.deepEqual(await offered({ '00001_t.sql': base, '00002_r.sql': '-- +goose Up\nALTER TABLE t RENAME COLUMN b TO c;\n' }, 'rename-column'), [0]);
  assert.deepEqual(await offered({ '00001_t.sql': base, '00002_r.sql': "-- +goose Up\nALTER TABLE t ALTER COLUMN b TYPE text USING b::text || 'x';\n" }, 'alter-column-type-rewrite'), [0]);
  assert.deepEqual(await offered({ '00001_t.sql': `${base}CREATE VIEW v AS SELECT 1 AS x;\n`, '00002_r.sql': '-- +goose Up\nALTER VIEW v RENAME TO w;\n' }, 'rename-table'), [0]);
});

test('no plan when a later migration exists or a later statement of the file uses the table (they were written without the expand\'s view or unfilled column)', async () => {
  const offered = async (files: Record<string, string>, rule: string) => (await lintDir(folder(files))).findings.filter((f) => f.rule === rule).map((f) => f.fixes.length);
  const base = '-- +goose Up\nCREATE TABLE t (id bigint PRIMARY KEY, a int);\n';
  assert.deepEqual(await offered({ '00001_t.sql': base, '00002_r.sql': '-- +goose Up\nALTER TABLE t RENAME TO u;\n', '00003_x.sql': '-- +goose Up\nSELECT 1;\n' }, 'rename-table'), [0]);
  assert.deepEqual(await offered({ '00001_t.sql': base, '00002_r.sql': '-- +goose Up\nALTER TABLE t RENAME TO u;\nALTER TABLE u ALTER COLUMN a TYPE bigint;\n' }, 'rename-table'), [0]);
  assert.deepEqual(await offered({ '00001_t.sql': base, '00002_r.sql': '-- +goose Up\nALTER TABLE t RENAME COLUMN a TO b;\nUPDATE t SET b = 1;\n' }, 'rename-column'), [0]);
});

// Recipe 5: ADD COLUMN with a volatile DEFAULT → ADD COLUMN without it, SET DEFAULT, and a batched
// backfill (keyed batches, FOR UPDATE SKIP LOCKED, progress notices, COMMIT and a pause between
// batches) run alone outside the DDL transaction. Golden outputs, then: parses, finding gone with
// no new one, applies on PGlite — with rows in the table, which the backfill fills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDatabases } from '../helpers/databases';
import { backfillBlock, checkFix, folder, lintDir, type FixCase } from '../helpers/fixes';

const dbs = useDatabases();
const check = (c: FixCase) => checkFix(dbs(), c);
const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\nINSERT INTO orders SELECT g, g FROM generate_series(1, 2500) g;';
const TITLE = 'Add the column without the volatile default, SET DEFAULT for new rows, then backfill existing rows in committed batches outside the transaction';

/** The backfill block as the fix writes it (upper-case keywords). */
const backfill = backfillBlock;

async function nulls(sql: string): Promise<number> {
  return Number((await dbs()[0].query<{ n: string }>(sql)).rows[0].n);
}

test('goose, in the runner\'s transaction: SET DEFAULT stays with the ADD COLUMN, the backfill goes to a new NO TRANSACTION migration in a StatementBegin/End block', async () => {
  await check({
    name: 'goose', rule: 'add-column-volatile-default', file: '00002_token.sql',
    files: {
      '00001_orders.sql': `-- +goose Up\n${ORDERS}\n`,
      '00002_token.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n\n-- +goose Down\nALTER TABLE orders DROP COLUMN token;\n",
    },
    title: `${TITLE} (in a new migration 00003_backfill_orders_token.sql)`,
    expect: {
      '00002_token.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN token uuid;\nALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();\n\n-- +goose Down\nALTER TABLE orders DROP COLUMN token;\n",
      '00003_backfill_orders_token.sql': `-- +goose NO TRANSACTION\n-- +goose Up\n-- Follows 00002_token.sql (pgsafe): it commits batch by batch, so it runs alone, outside any transaction.\n-- +goose StatementBegin\n${backfill('orders', 'token', 'gen_random_uuid()', 'id', 'orders.token')}\n-- +goose StatementEnd\n\n-- +goose Down\n-- Nothing to undo.\n`,
    },
  });
  assert.equal(await nulls('SELECT count(*) AS n FROM orders WHERE token IS NULL'), 0, 'every existing row is backfilled');
  assert.equal(await nulls('SELECT count(DISTINCT token) AS n FROM orders'), 2500, 'a value per row (the default is volatile)');
});

test('goose NO TRANSACTION, lower case, two subcommands: the DEFAULT clause leaves its column only; SET DEFAULT and the backfill follow the statement', async () => {
  const block = backfill('orders', 'token', 'gen_random_uuid()', 'id', 'orders.token').toLowerCase().replace("'backfill of orders.token: % rows'", "'backfill of orders.token: % rows'");
  await check({
    name: 'goose-notx', rule: 'add-column-volatile-default', file: '00002_token.sql',
    files: {
      '00001_orders.sql': `-- +goose Up\n${ORDERS}\n`,
      '00002_token.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nalter table orders add column token uuid default gen_random_uuid(), add column note text;\n",
    },
    title: TITLE,
    expect: { '00002_token.sql': `-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nalter table orders add column token uuid, add column note text;\nalter table orders alter column token set default gen_random_uuid();\n-- +goose StatementBegin\n${block}\n-- +goose StatementEnd\n` },
  });
  assert.equal(await nulls('SELECT count(*) AS n FROM orders WHERE token IS NULL'), 0);
});

const PLAN = '%syntax-version=1.0.0\n%project=shop\n\norders 2024-01-01T00:00:00Z Ann <ann@example.com> # orders\ntoken 2024-01-02T00:00:00Z Ann <ann@example.com> # token\n';

test('sqitch with BEGIN … COMMIT: SET DEFAULT in the transaction, the backfill after the COMMIT', async () => {
  await check({
    name: 'sqitch', rule: 'add-column-volatile-default', file: 'deploy/token.sql',
    files: {
      'sqitch.plan': PLAN, 'deploy/orders.sql': `BEGIN;\n${ORDERS}\nCOMMIT;\n`, 'revert/orders.sql': 'DROP TABLE orders;\n', 'revert/token.sql': 'ALTER TABLE orders DROP COLUMN token;\n',
      'deploy/token.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\nCOMMIT;\n",
    },
    title: `${TITLE} (after the file's COMMIT)`,
    expect: { 'deploy/token.sql': `BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN token uuid;\nALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();\nCOMMIT;\n${backfill('orders', 'token', 'gen_random_uuid()', 'id', 'orders.token')}\n` },
  });
  assert.equal(await nulls('SELECT count(*) AS n FROM orders WHERE token IS NULL'), 0);
});

test('golang-migrate, a quoted table without a primary key: the backfill (keyed by ctid) alone in a new .up.sql', async () => {
  await check({
    name: 'golang-migrate', rule: 'add-column-volatile-default', file: '000002_picked.up.sql',
    files: {
      '000001_orders.up.sql': 'CREATE TABLE "Orders" ("Id" bigint, total numeric);\nINSERT INTO "Orders" SELECT g, g FROM generate_series(1, 1500) g;\n',
      '000002_picked.up.sql': "SET lock_timeout = '5s';\nALTER TABLE \"Orders\" ADD COLUMN picked_at timestamptz DEFAULT clock_timestamp();\n",
    },
    title: `${TITLE} (in a new migration 000003_backfill_orders_picked_at.up.sql)`,
    expect: {
      '000002_picked.up.sql': "SET lock_timeout = '5s';\nALTER TABLE \"Orders\" ADD COLUMN picked_at timestamptz;\nALTER TABLE \"Orders\" ALTER COLUMN picked_at SET DEFAULT clock_timestamp();\n",
      '000003_backfill_orders_picked_at.up.sql': `-- Follows 000002_picked.up.sql (pgsafe): it commits batch by batch, so it runs alone, outside any transaction.\n${backfill('"Orders"', 'picked_at', 'clock_timestamp()', 'ctid', '"Orders".picked_at')}\n`,
      '000003_backfill_orders_picked_at.down.sql': '-- Nothing to undo.\n',
    },
  });
  assert.equal(await nulls('SELECT count(*) AS n FROM "Orders" WHERE picked_at IS NULL'), 0);
});

async function fixesOf(files: Record<string, string>) {
  const { findings } = await lintDir(folder(files));
  const f = findings.filter((x) => x.rule === 'add-column-volatile-default');
  assert.equal(f.length, 1, JSON.stringify(findings.map((x) => x.rule)));
  return f[0].fixes;
}

test('no fix for a NOT NULL (or otherwise constrained) column, nor for Flyway (its migrations run in a transaction)', async () => {
  assert.deepEqual(await fixesOf({ '00001_o.sql': `-- +goose Up\n${ORDERS}\n`, '00002_t.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE orders ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n' }), []);
  assert.deepEqual(await fixesOf({ 'V1__o.sql': `${ORDERS}\n`, 'V2__t.sql': "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n" }), []);
});

test('no fix when removing the DEFAULT clause would drop a comment', async () => {
  assert.deepEqual(await fixesOf({ '00001_o.sql': `-- +goose Up\n${ORDERS}\n`, '00002_t.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE orders ADD COLUMN token uuid DEFAULT /* v4 */ gen_random_uuid();\n' }), []);
});

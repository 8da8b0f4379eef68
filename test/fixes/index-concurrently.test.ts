// Recipe 1: CREATE / DROP INDEX → CONCURRENTLY, out of the transaction the way each framework
// needs. Golden outputs, then: parses, finding gone with no new hazard, applies on PGlite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDatabases } from '../helpers/databases';
import { lint } from '../helpers/engine';
import { applyUp, checkFix, folder, type FixCase } from '../helpers/fixes';

const dbs = useDatabases();

const TABLE = 'CREATE TABLE orders (id bigint PRIMARY KEY, status text, total numeric);';

const check = (c: FixCase) => checkFix(dbs(), c);

test('plain file, statement by statement: CONCURRENTLY IF NOT EXISTS in place, the user\'s case kept', async () => {
  await check({
    name: 'plain', rule: 'require-concurrent-index-creation', file: '002_index.sql',
    files: { '001_orders.sql': TABLE, '002_index.sql': '-- speeds up the status filter\ncreate index orders_status_idx on orders (status);\n' },
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS',
    expect: { '002_index.sql': '-- speeds up the status filter\ncreate index concurrently if not exists orders_status_idx on orders (status);\n' },
  });
});

test('plain numbered files, the index next to other statements: an unknown runner may send the file as one query, so it moves to a file of its own', async () => {
  await check({
    name: 'plain-mixed', rule: 'require-concurrent-index-creation', file: '002_index.sql',
    files: { '001_orders.sql': TABLE, '002_index.sql': "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_status_idx ON orders (status);\n" },
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS in a new migration 003_create_orders_status_idx.sql',
    expect: {
      '002_index.sql': "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\n",
      '003_create_orders_status_idx.sql': '-- Moved here from 002_index.sql by pgsafe: it cannot run inside a transaction.\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n',
    },
  });
});

test('an unnamed index gets PostgreSQL\'s default name, so IF NOT EXISTS can work', async () => {
  await check({
    name: 'unnamed', rule: 'require-concurrent-index-creation', file: '002_index.sql',
    files: { '001_orders.sql': TABLE, '002_index.sql': 'CREATE INDEX ON orders (status, total);\n' },
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS',
    expect: { '002_index.sql': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_total_idx ON orders (status, total);\n' },
  });
});

test('goose, the index alone in its migration: -- +goose NO TRANSACTION', async () => {
  await check({
    name: 'goose-alone', rule: 'require-concurrent-index-creation', file: '00002_index.sql',
    files: {
      '00001_orders.sql': `-- +goose Up\n${TABLE}\n-- +goose Down\nDROP TABLE orders;\n`,
      '00002_index.sql': '-- +goose Up\nCREATE INDEX orders_status_idx ON orders (status);\n\n-- +goose Down\nDROP INDEX orders_status_idx;\n',
    },
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS, and run this migration without a transaction (goose marker)',
    expect: { '00002_index.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n\n-- +goose Down\nDROP INDEX orders_status_idx;\n' },
  });
});

test('goose, the index next to other DDL: moved to a new migration after the last one', async () => {
  await check({
    name: 'goose-mixed', rule: 'require-concurrent-index-creation', file: '00002_status.sql',
    files: {
      '00001_orders.sql': `-- +goose Up\n${TABLE}\n-- +goose Down\nDROP TABLE orders;\n`,
      '00002_status.sql': "-- +goose Up\nSET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_status_idx ON orders (status);\n\n-- +goose Down\nALTER TABLE orders DROP COLUMN note;\n",
    },
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS in a new migration 00003_create_orders_status_idx.sql',
    expect: {
      '00002_status.sql': "-- +goose Up\nSET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\n\n-- +goose Down\nALTER TABLE orders DROP COLUMN note;\n",
      '00003_create_orders_status_idx.sql': '-- +goose NO TRANSACTION\n-- +goose Up\n-- Moved here from 00002_status.sql by pgsafe: it cannot run inside a transaction.\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;\n',
    },
  });
});

test('dbmate: transaction:false on the up marker', async () => {
  await check({
    name: 'dbmate', rule: 'require-concurrent-index-creation', file: '20240102000000_index.sql',
    files: {
      '20240101000000_orders.sql': `-- migrate:up\n${TABLE}\n\n-- migrate:down\nDROP TABLE orders;\n`,
      '20240102000000_index.sql': '-- migrate:up\nCREATE INDEX orders_status_idx ON orders (status);\n\n-- migrate:down\nDROP INDEX orders_status_idx;\n',
    },
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS, and run this migration without a transaction (dbmate marker)',
    expect: { '20240102000000_index.sql': '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n\n-- migrate:down\nDROP INDEX orders_status_idx;\n' },
  });
});

test('golang-migrate, several statements sent as one query: a new .up.sql / .down.sql pair', async () => {
  await check({
    name: 'golang-migrate', rule: 'require-concurrent-index-creation', file: '000002_status.up.sql',
    files: {
      '000001_orders.up.sql': `${TABLE}\n`, '000001_orders.down.sql': 'DROP TABLE orders;\n',
      '000002_status.up.sql': "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_status_idx ON orders (status);\n",
      '000002_status.down.sql': 'ALTER TABLE orders DROP COLUMN note;\n',
    },
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS in a new migration 000003_create_orders_status_idx.up.sql',
    expect: {
      '000002_status.up.sql': "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\n",
      '000003_create_orders_status_idx.up.sql': '-- Moved here from 000002_status.up.sql by pgsafe: it cannot run inside a transaction.\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n',
      '000003_create_orders_status_idx.down.sql': 'DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;\n',
    },
  });
});

const PLAN = '%syntax-version=1.0.0\n%project=shop\n\norders 2024-01-01T00:00:00Z Ann <ann@example.com> # orders\nindex 2024-01-02T00:00:00Z Ann <ann@example.com> # index\n';

test('sqitch (psql, statement by statement) with the template\'s BEGIN … COMMIT: the transaction is split around the index', async () => {
  await check({
    name: 'begin', rule: 'require-concurrent-index-creation', file: 'deploy/index.sql',
    files: { 'sqitch.plan': PLAN, 'deploy/orders.sql': `BEGIN;\n${TABLE}\nCOMMIT;\n`, 'revert/orders.sql': 'DROP TABLE orders;\n', 'revert/index.sql': 'DROP INDEX orders_status_idx;\n', 'deploy/index.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_status_idx ON orders (status);\nCOMMIT;\n" },
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS, outside the file\'s BEGIN … COMMIT',
    expect: { 'deploy/index.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n" },
  });
});

test('Flyway, the index alone in its migration: Flyway runs it without a transaction by itself', async () => {
  await check({
    name: 'flyway', rule: 'require-concurrent-index-creation', file: 'V2__index.sql',
    files: { 'V1__orders.sql': `${TABLE}\n`, 'V2__index.sql': 'CREATE INDEX orders_status_idx ON orders (status);\n' },
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS (Flyway then runs it without a transaction; deploy with flyway.postgresql.transactional.lock=false)',
    allowNew: ['flyway-non-transactional'],
    expect: { 'V2__index.sql': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n' },
  });
});

test('DROP INDEX in a goose migration of its own: DROP INDEX CONCURRENTLY IF EXISTS without a transaction', async () => {
  await check({
    name: 'drop-goose', rule: 'require-concurrent-index-deletion', file: '00002_drop.sql',
    files: {
      '00001_orders.sql': `-- +goose Up\n${TABLE}\nCREATE INDEX orders_status_idx ON orders (status);\n-- +goose Down\nDROP TABLE orders;\n`,
      '00002_drop.sql': '-- +goose Up\nDROP INDEX orders_status_idx;\n-- +goose Down\nCREATE INDEX orders_status_idx ON orders (status);\n',
    },
    title: 'Use DROP INDEX CONCURRENTLY IF EXISTS, and run this migration without a transaction (goose marker)',
    expect: { '00002_drop.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;\n-- +goose Down\nCREATE INDEX orders_status_idx ON orders (status);\n' },
  });
});

test('the harness itself: CONCURRENTLY left inside goose\'s transaction does not apply', async () => {
  const dir = folder({
    '00001_orders.sql': `-- +goose Up\n${TABLE}\n-- +goose Down\nDROP TABLE orders;\n`,
    '00002_index.sql': '-- +goose Up\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n-- +goose Down\nDROP INDEX orders_status_idx;\n',
  });
  await dbs()[0].exec('DROP SCHEMA IF EXISTS fixcase CASCADE; CREATE SCHEMA fixcase; SET search_path TO fixcase;');
  await assert.rejects(applyUp(dbs()[0], dir), /00002_index\.sql does not apply: CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
});

test('a moved statement takes its comments along; sqlx files that must run without a transaction start with -- no-transaction', async () => {
  await check({
    name: 'sqlx', rule: 'require-concurrent-index-creation', file: '2_status.up.sql',
    files: {
      'Cargo.toml': '[package]\nname = "app"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["postgres"] }\n',
      '1_orders.up.sql': `${TABLE}\n`, '1_orders.down.sql': 'DROP TABLE orders;\n',
      '2_status.up.sql': "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\n-- speeds up the status filter\nCREATE INDEX orders_status_idx ON orders (status);\n",
      '2_status.down.sql': 'ALTER TABLE orders DROP COLUMN note;\n',
    },
    title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS in a new migration 3_create_orders_status_idx.up.sql',
    expect: {
      '2_status.up.sql': "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\n",
      '3_create_orders_status_idx.up.sql': '-- no-transaction\n-- Moved here from 2_status.up.sql by pgsafe: it cannot run inside a transaction.\n-- speeds up the status filter\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n',
      '3_create_orders_status_idx.down.sql': 'DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;\n',
    },
  });
});

test('no CONCURRENTLY fix for an index statement inside a DO block (the block runs in a transaction)', async () => {
  const sql = 'DO $$\nBEGIN\n  DROP INDEX IF EXISTS old_idx;\n  CREATE INDEX new_idx ON existing_table (a);\nEND\n$$;\n';
  const found = (await lint(sql)).filter((f) => f.rule === 'require-concurrent-index-creation' || f.rule === 'require-concurrent-index-deletion');
  assert.deepEqual(found.map((f) => f.rule).sort(), ['require-concurrent-index-creation', 'require-concurrent-index-deletion']);
  for (const f of found) assert.deepEqual(f.fixes, [], `${f.rule} offers no fix inside DO`);
});

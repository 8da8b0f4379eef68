// CONCURRENTLY forms one keyword away (REINDEX, REFRESH MATERIALIZED VIEW, DETACH PARTITION) and
// CONCURRENTLY statements that only need to leave their transaction.
import { test } from 'node:test';
import { useDatabases } from '../helpers/databases';
import { checkFix, type FixCase } from '../helpers/fixes';

const dbs = useDatabases();
const check = (c: FixCase) => checkFix(dbs(), c);
const TABLE = 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE INDEX orders_status_idx ON orders (status);';

test('REINDEX INDEX in goose\'s transaction → REINDEX INDEX CONCURRENTLY, migration without a transaction', async () => {
  await check({
    name: 'reindex', rule: 'require-concurrent-reindex', file: '00002_reindex.sql',
    files: {
      '00001_orders.sql': `-- +goose Up\n${TABLE}\n-- +goose Down\nDROP TABLE orders;\n`,
      '00002_reindex.sql': '-- +goose Up\nreindex index orders_status_idx;\n-- +goose Down\nSELECT 1;\n',
    },
    title: 'Use REINDEX INDEX CONCURRENTLY, and run this migration without a transaction (goose marker)',
    expect: { '00002_reindex.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nreindex index concurrently orders_status_idx;\n-- +goose Down\nSELECT 1;\n' },
  });
});

test('REFRESH MATERIALIZED VIEW with a usable unique index → CONCURRENTLY, in place (allowed in a transaction)', async () => {
  await check({
    name: 'refresh', rule: 'require-concurrent-refresh', file: '00002_refresh.sql',
    files: {
      '00001_view.sql': `-- +goose Up\n${TABLE}\nCREATE MATERIALIZED VIEW order_counts AS SELECT status, count(*) AS n FROM orders GROUP BY status;\nCREATE UNIQUE INDEX order_counts_status ON order_counts (status);\n-- +goose Down\nDROP MATERIALIZED VIEW order_counts;\n`,
      '00002_refresh.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nREFRESH MATERIALIZED VIEW order_counts;\n-- +goose Down\nSELECT 1;\n",
    },
    title: 'Use REFRESH MATERIALIZED VIEW CONCURRENTLY',
    expect: { '00002_refresh.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nREFRESH MATERIALIZED VIEW CONCURRENTLY order_counts;\n-- +goose Down\nSELECT 1;\n" },
  });
});

test('CREATE INDEX CONCURRENTLY inside the file\'s BEGIN … COMMIT (sqitch): moved out of the transaction unchanged', async () => {
  const PLAN = '%syntax-version=1.0.0\n%project=shop\n\norders 2024-01-01T00:00:00Z Ann <ann@example.com> # orders\nidx 2024-01-02T00:00:00Z Ann <ann@example.com> # idx\n';
  await check({
    name: 'cic-in-tx', rule: 'concurrently-in-transaction', file: 'deploy/idx.sql',
    files: {
      'sqitch.plan': PLAN, 'deploy/orders.sql': 'BEGIN;\nCREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCOMMIT;\n', 'revert/orders.sql': 'DROP TABLE orders;\n', 'revert/idx.sql': 'DROP INDEX orders_status_idx;\n',
      'deploy/idx.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\nCOMMIT;\n",
    },
    title: 'Run CREATE INDEX CONCURRENTLY, outside the file\'s BEGIN … COMMIT',
    expect: { 'deploy/idx.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n" },
  });
});

test('DETACH PARTITION, statement by statement → DETACH PARTITION … CONCURRENTLY in place', async () => {
  await check({
    name: 'detach', rule: 'require-concurrent-detach-partition', file: '00002_detach.sql',
    files: {
      '00001_events.sql': '-- +goose Up\nCREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\nCREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM (\'2023-01-01\') TO (\'2024-01-01\');\n',
      '00002_detach.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nALTER TABLE events DETACH PARTITION events_2023;\n",
    },
    title: 'Use DETACH PARTITION … CONCURRENTLY',
    expect: { '00002_detach.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '5s';\nALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;\n" },
  });
});

test('CREATE INDEX CONCURRENTLY without a re-run guard → IF NOT EXISTS (named when unnamed)', async () => {
  await check({
    name: 'guard', rule: 'require-cic-guard', file: '00002_idx.sql',
    files: {
      '00001_orders.sql': '-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY, status text);\n',
      '00002_idx.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY ON orders (status);\n',
    },
    title: 'Name the index and add IF NOT EXISTS',
    expect: { '00002_idx.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n' },
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'require-concurrent-refresh');

test('require-concurrent-refresh: plain REFRESH of an existing materialized view', async () => {
  const f = await only(`${T}REFRESH MATERIALIZED VIEW app.daily_sales WITH DATA;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on app\.daily_sales/);
  assert.match(f[0].help, /CONCURRENTLY app\.daily_sales/);
  assert.match(f[0].help, /UNIQUE index/);
});

test('require-concurrent-refresh: CONCURRENTLY and WITH NO DATA are not reported', async () => {
  assert.deepEqual(await only(`${T}REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;\nREFRESH MATERIALIZED VIEW daily_sales WITH NO DATA;\n`), []);
});

test('require-concurrent-refresh: not reported for a view created earlier in the file', async () => {
  assert.deepEqual(await rulesFired('CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x WITH NO DATA;\nREFRESH MATERIALIZED VIEW mv;\n'), []);
});

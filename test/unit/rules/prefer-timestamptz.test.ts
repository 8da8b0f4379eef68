import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const RULE = 'prefer-timestamptz';
const fired = async (sql: string, o: Record<string, unknown> = {}) =>
  (await lint(sql, { rules: { [RULE]: 'warn' }, ...o })).filter((f) => f.rule === RULE);

test('off by default', async () => {
  assert.deepEqual((await lint(`CREATE TABLE t (ts timestamp);`)).filter((f) => f.rule === RULE), []);
});

test('timestamp without time zone, with or without precision', async () => {
  const f = await fired(`CREATE TABLE t (a timestamp, b timestamp(3) without time zone, c timestamptz, d timestamp with time zone);
ALTER TABLE t ADD COLUMN e timestamp;`);
  assert.deepEqual(f.map((x) => x.line), [1, 1, 2]);
  assert.match(f[0].message, /t\.a is timestamp without time zone/);
  assert.match(f[1].help, /timestamptz\(3\)/);
  assert.equal(f[1].endColumn - f[1].column, 'timestamp(3) without time zone'.length);
});

test('time and date columns are not reported', async () => {
  assert.deepEqual(await fired(`CREATE TABLE t (a time, b date, c interval);`), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const RULE = 'unbatched-data-change';
const only = async (sql: string, o: Parameters<typeof lint>[1] = {}) => (await lint(sql, o)).filter((f) => f.rule === RULE);

test('UPDATE without WHERE and DELETE with an unbounded WHERE are reported', async () => {
  const f = await only(`UPDATE orders SET archived = false;
DELETE FROM events WHERE created_at < now() - interval '90 days';`);
  assert.deepEqual(f.map((x) => x.line), [1, 2]);
  assert.match(f[0].message, /every row of orders \(there is no WHERE clause\)/);
  assert.match(f[0].message, /locked until COMMIT/);
  assert.match(f[1].message, /every row of events that matches its WHERE clause/);
  assert.match(f[1].help, /LIMIT/);
});

test('a LIMIT subquery bounds the batch', async () => {
  assert.deepEqual(await only(`UPDATE orders SET archived = true WHERE id IN (SELECT id FROM orders WHERE NOT archived LIMIT 1000);
DELETE FROM events WHERE ctid = ANY(ARRAY(SELECT ctid FROM events WHERE created_at < now() LIMIT 500));
WITH batch AS (SELECT id FROM orders WHERE NOT archived LIMIT 1000) UPDATE orders SET archived = true FROM batch WHERE orders.id = batch.id;`), []);
});

test('a LIMIT in the SET list does not bound the rows changed', async () => {
  assert.equal((await only(`UPDATE orders SET region = (SELECT r.name FROM regions r LIMIT 1);`)).length, 1);
});

test('key ranges and id lookups are bounded', async () => {
  assert.deepEqual(await only(`UPDATE orders SET archived = true WHERE id >= 1 AND id < 10001;
UPDATE orders SET archived = true WHERE id BETWEEN 1 AND 10000;
DELETE FROM orders WHERE id = 42;
UPDATE orders o SET archived = true WHERE o.id IN (1, 2, 3) AND archived = false;`), []);
  // a join on id is not a lookup
  assert.equal((await only(`UPDATE orders SET total = s.total FROM sums s WHERE orders.id = s.id;`)).length, 1);
});

test('not for tables created in this file', async () => {
  assert.deepEqual(await only(`CREATE TABLE t (id bigint, v text);
UPDATE t SET v = 'x';
DELETE FROM t;`), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const RULE = 'uncommitted-transaction';
const only = async (sql: string, o: Parameters<typeof lint>[1] = {}, path?: string) => (await lint(sql, o, path)).filter((f) => f.rule === RULE);

test('BEGIN without COMMIT is an error at the BEGIN', async () => {
  const f = await only(`SET lock_timeout = '5s';
BEGIN;
ALTER TABLE orders ADD COLUMN note text;`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /rolls back everything/);
  assert.match(f[0].help, /COMMIT/);
});

test('COMMIT, END, ROLLBACK and PREPARE TRANSACTION close it', async () => {
  for (const end of ['COMMIT', 'END', 'ROLLBACK', 'ABORT', 'COMMIT WORK', "PREPARE TRANSACTION 'x'"]) {
    assert.deepEqual(await only(`BEGIN;\nCREATE TABLE a (id bigint);\n${end};`), [], end);
  }
  assert.equal((await only(`BEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT AND CHAIN;`)).length, 1);
});

test('the COMMIT must be in the same section', async () => {
  const f = await only(`-- migrate:up transaction:false
BEGIN;
CREATE TABLE a (id bigint);
-- migrate:down
DROP TABLE a;
COMMIT;
`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
});

test('a second transaction without COMMIT is reported; a BEGIN inside a runner transaction is not', async () => {
  const f = await only(`BEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;\nSTART TRANSACTION;\nCREATE TABLE b (id bigint);`);
  assert.deepEqual(f.map((x) => x.line), [4]);
  assert.deepEqual(await only(`-- +goose Up\nBEGIN;\nCREATE TABLE a (id bigint);\n`), []);
  assert.deepEqual(await only(`BEGIN;\nCREATE TABLE a (id bigint);`, { transaction: 'always' }), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const RULE = 'nested-transaction';
const only = async (sql: string, o: Parameters<typeof lint>[1] = {}) => (await lint(sql, o)).filter((f) => f.rule === RULE);

test('BEGIN inside a goose migration: one finding at the BEGIN naming goose, related to the COMMIT', async () => {
  const f = await only(`-- +goose Up
BEGIN;
CREATE TABLE a (id bigint);
COMMIT;
CREATE TABLE b (id bigint);
`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.match(f[0].message, /goose/);
  assert.match(f[0].message, /there is already a transaction in progress/);
  assert.match(f[0].help, /NO TRANSACTION/);
  assert.equal(f[0].related.length, 1);
});

test('transaction: always, dbmate and sql-migrate markers count as runner transactions', async () => {
  assert.equal((await only(`START TRANSACTION;\nCREATE TABLE a (id bigint);\nCOMMIT;`, { transaction: 'always' })).length, 1);
  const dbmate = await only(`-- migrate:up\nBEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;\n-- migrate:down\nDROP TABLE a;\n`);
  assert.equal(dbmate.length, 1);
  assert.match(dbmate[0].help, /transaction:false/);
  assert.equal((await only(`-- +migrate Up\nBEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;\n`)).length, 1);
});

test('opted-out runner sections and plain files with one BEGIN/COMMIT are fine', async () => {
  assert.deepEqual(await only(`-- +goose NO TRANSACTION\n-- +goose Up\nBEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;\n`), []);
  assert.deepEqual(await only(`-- migrate:up transaction:false\nBEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;\n`), []);
  assert.deepEqual(await only(`BEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (id bigint);\nCOMMIT;`), []);
});

test('BEGIN inside an open BEGIN block', async () => {
  const f = await only(`BEGIN;
CREATE TABLE a (id bigint);
BEGIN;
CREATE TABLE b (id bigint);
COMMIT;
COMMIT;`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 3);
  assert.match(f[0].message, /ends the outer transaction early/);
  assert.equal(f[0].related.length, 2);
});

test('COMMIT or ROLLBACK inside the runner transaction without a BEGIN', async () => {
  const c = await only(`-- +goose Up\nCREATE TABLE a (id bigint);\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a_id_idx ON a (id);\n`);
  assert.equal(c.length, 1);
  assert.equal(c[0].line, 3);
  assert.match(c[0].message, /commits the runner's transaction early/);
  const r = await only(`CREATE TABLE a (id bigint);\nROLLBACK;`, { transaction: 'always' });
  assert.equal(r.length, 1);
  assert.match(r[0].message, /rolls back everything/);
  assert.deepEqual(await only(`CREATE TABLE a (id bigint);\nCOMMIT;`), []);
});

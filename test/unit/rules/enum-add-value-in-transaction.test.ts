import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const RULE = 'enum-add-value-in-transaction';
const only = async (sql: string, o: Parameters<typeof lint>[1] = {}, path?: string) => (await lint(sql, o, path)).filter((f) => f.rule === RULE);

test('PG 18: using a value added earlier in the same BEGIN block fails', async () => {
  const f = await only(`BEGIN;
ALTER TYPE mood ADD VALUE 'happy';
UPDATE people SET mood = 'happy' WHERE id = 1;
COMMIT;`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 3);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /unsafe use of new value "happy" of enum type mood/);
  assert.match(f[0].message, /55P04/);
  assert.equal(f[0].related.length, 1);
});

test('PG 18: ADD VALUE alone in a transaction, or use after COMMIT, is fine', async () => {
  assert.deepEqual(await only(`BEGIN;
ALTER TYPE mood ADD VALUE 'happy';
COMMIT;
UPDATE people SET mood = 'happy' WHERE id = 1;`), []);
  assert.deepEqual(await only(`ALTER TYPE mood ADD VALUE 'happy';
INSERT INTO people (mood) VALUES ('happy');`), []);
});

test('PG 18: runner transaction (goose) counts, and the help names the runner', async () => {
  const f = await only(`-- +goose Up
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy';
INSERT INTO people (mood) VALUES ('happy');
`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 3);
  assert.match(f[0].help, /goose/);
  assert.deepEqual(await only(`ALTER TYPE mood ADD VALUE 'happy';
ALTER TABLE people ALTER COLUMN mood SET DEFAULT 'happy';`, { transaction: 'never' }), []);
  assert.equal((await only(`ALTER TYPE mood ADD VALUE 'happy';
ALTER TABLE people ALTER COLUMN mood SET DEFAULT 'happy';`, { transaction: 'always' })).length, 1);
});

test('PG 11: ADD VALUE inside a transaction block fails outright', async () => {
  const f = await only(`BEGIN;
ALTER TYPE mood ADD VALUE 'happy';
COMMIT;`, { pgVersion: 11 });
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.match(f[0].message, /cannot run inside a transaction block before PostgreSQL 12/);
  assert.deepEqual(await rulesFired(`ALTER TYPE mood ADD VALUE 'happy';`, { pgVersion: 11 }), []);
});

test('PG 11: allowed when the enum type was created in the same transaction', async () => {
  assert.deepEqual(await only(`BEGIN;
CREATE TYPE mood AS ENUM ('sad');
ALTER TYPE mood ADD VALUE 'happy';
COMMIT;`, { pgVersion: 11 }), []);
});

test('PG 11: inside a DO block it cannot run from a function, even outside a transaction', async () => {
  const f = await only(`DO $$ BEGIN ALTER TYPE mood ADD VALUE 'happy'; EXCEPTION WHEN duplicate_object THEN NULL; END $$;`, { pgVersion: 11 });
  assert.equal(f.length, 1);
  assert.match(f[0].message, /cannot be executed from a function/);
  assert.deepEqual(await only(`DO $$ BEGIN ALTER TYPE mood ADD VALUE 'happy'; EXCEPTION WHEN duplicate_object THEN NULL; END $$;`, { pgVersion: 12 }), []);
});

test('type created in the same transaction: use is allowed from PG 17, not on 12–16', async () => {
  const sql = `BEGIN;
CREATE TYPE mood AS ENUM ('sad');
ALTER TYPE mood ADD VALUE 'happy';
CREATE TABLE people (mood mood DEFAULT 'happy');
COMMIT;`;
  assert.deepEqual(await only(sql, { pgVersion: 17 }), []);
  assert.equal((await only(sql, { pgVersion: 16 })).length, 1);
});

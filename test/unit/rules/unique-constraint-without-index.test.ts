import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'unique-constraint-without-index';
const LT = "SET lock_timeout = '5s';\n";
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);

test('ADD CONSTRAINT … UNIQUE builds the index under ACCESS EXCLUSIVE', async () => {
  const f = await mine(`${LT}ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on users/);
  assert.match(f[0].help, /CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users \(email\);/);
  assert.match(f[0].help, /ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key/);
});

test('PRIMARY KEY: recipe includes NOT NULL first; INCLUDE / NULLS NOT DISTINCT carried over', async () => {
  const pk = await mine(`${LT}ALTER TABLE users ADD PRIMARY KEY (id);\n`, { pgVersion: 16 });
  assert.equal(pk.length, 1);
  assert.match(pk[0].help, /PRIMARY KEY USING INDEX users_pkey/);
  assert.match(pk[0].help, /CHECK \(id IS NOT NULL\) NOT VALID/);
  const u = await mine(`${LT}ALTER TABLE users ADD CONSTRAINT u UNIQUE NULLS NOT DISTINCT (a) INCLUDE (b);\n`);
  assert.match(u[0].help, /ON users \(a\) INCLUDE \(b\) NULLS NOT DISTINCT;/);
});

test('ADD COLUMN … UNIQUE / PRIMARY KEY; a PK column without default also fails on rows', async () => {
  const u = await mine(`${LT}ALTER TABLE users ADD COLUMN code text UNIQUE;\n`);
  assert.equal(u.length, 1);
  assert.doesNotMatch(u[0].message, /fails/);
  const pk = await mine(`${LT}ALTER TABLE users ADD COLUMN uid int PRIMARY KEY;\n`);
  assert.equal(pk.length, 1);
  assert.match(pk[0].message, /fails as soon as users has a row/);
  const serial = await mine(`${LT}ALTER TABLE users ADD COLUMN uid bigserial PRIMARY KEY;\n`);
  assert.doesNotMatch(serial[0].message, /fails/);
});

test('USING INDEX, other constraints and new tables are not reported', async () => {
  assert.deepEqual(await mine(`${LT}ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;\n`), []);
  assert.deepEqual(await mine(`${LT}ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey;\n`), []);
  assert.deepEqual(await mine('CREATE TABLE users (id bigint, email text);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\nALTER TABLE users ADD PRIMARY KEY (id);\n'), []);
});

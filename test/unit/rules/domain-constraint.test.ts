import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'domain-constraint';
const LT = "SET lock_timeout = '5s';\n";
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);

test('ALTER DOMAIN … ADD CONSTRAINT CHECK without NOT VALID', async () => {
  const f = await mine(`${LT}ALTER DOMAIN email_address ADD CONSTRAINT has_at CHECK (VALUE LIKE '%@%');\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /SHARE lock on each of those tables/);
  assert.match(f[0].help, /NOT VALID/);
  assert.match(f[0].help, /VALIDATE CONSTRAINT has_at/);
});

test('SET NOT NULL and ADD … NOT NULL suggest a CHECK (VALUE IS NOT NULL) NOT VALID', async () => {
  for (const s of ['ALTER DOMAIN email_address SET NOT NULL;', 'ALTER DOMAIN email_address ADD CONSTRAINT nn NOT NULL;']) {
    const f = await mine(`${LT}${s}\n`);
    assert.equal(f.length, 1, s);
    assert.match(f[0].help, /CHECK \(VALUE IS NOT NULL\) NOT VALID/);
  }
});

test('NOT VALID, VALIDATE, CREATE DOMAIN … CHECK and domains created in the file are fine', async () => {
  assert.deepEqual(await mine(`${LT}ALTER DOMAIN email_address ADD CONSTRAINT has_at CHECK (VALUE LIKE '%@%') NOT VALID;\nALTER DOMAIN email_address VALIDATE CONSTRAINT has_at;\n`), []);
  assert.deepEqual(await mine("CREATE DOMAIN positive AS int CHECK (VALUE > 0);\nALTER DOMAIN positive ADD CONSTRAINT small CHECK (VALUE < 100);\n"), []);
});

test('ADD COLUMN of a domain with constraints (known from the file) rewrites the table', async () => {
  const dom = 'CREATE DOMAIN positive AS int CHECK (VALUE > 0);\n';
  const f = await mine(`${LT}${dom}ALTER TABLE orders ADD COLUMN qty positive;\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 3);
  assert.match(f[0].message, /rewrites orders/);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on orders/);
  assert.deepEqual(await mine(`${LT}CREATE DOMAIN plain AS int;\nALTER TABLE orders ADD COLUMN qty plain;\n`), []);
  assert.deepEqual(await mine(`${LT}${dom}DROP DOMAIN positive;\nALTER TABLE orders ADD COLUMN qty positive;\n`), []);
  assert.deepEqual(await mine(`${dom}CREATE TABLE orders (id int);\nALTER TABLE orders ADD COLUMN qty positive;\n`), []);
  const nn = await mine(`${LT}CREATE DOMAIN code AS text NOT NULL;\nALTER TABLE orders ADD COLUMN c code;\n`);
  assert.match(nn[0].message, /fails as soon as orders has a row/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'prefer-jsonb';
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);

test('json columns in CREATE TABLE are reported (new tables too), underlining the column', async () => {
  const sql = 'CREATE TABLE webhooks (\n  id bigint,\n  payload json NOT NULL,\n  tags JSON[],\n  meta pg_catalog.json\n);\n';
  const f = await mine(sql);
  assert.deepEqual(f.map((x) => x.line), [3, 4, 5]);
  assert.equal(f[0].severity, 'warning');
  assert.equal(sql.slice(f[0].start, f[0].end), 'payload json');
  assert.equal(sql.slice(f[1].start, f[1].end), 'tags JSON[]');
  assert.match(f[0].message, /webhooks\.payload/);
  assert.match(f[0].message, /equality operator/);
  assert.match(f[0].help, /jsonb/);
  assert.match(f[1].help, /jsonb\[\]/);
});

test('ADD COLUMN json, ALTER COLUMN TYPE json and composite types are reported', async () => {
  assert.equal((await mine("SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN data json;\n")).length, 1);
  assert.equal((await mine("SET lock_timeout = '5s';\nALTER TABLE t ALTER COLUMN data TYPE json USING data::json;\n")).length, 1);
  assert.equal((await mine('CREATE TYPE pair AS (a json, b int);\n')).length, 1);
});

test('jsonb and user types named json in another schema are fine', async () => {
  assert.deepEqual(await mine('CREATE TABLE t (a jsonb, b jsonb[], c text);\n'), []);
  assert.deepEqual(await mine('CREATE TABLE t (a myschema.json);\n'), []);
});

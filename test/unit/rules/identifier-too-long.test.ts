import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const RULE = 'identifier-too-long';
const only = async (sql: string, o: Parameters<typeof lint>[1] = {}) => (await lint(sql, o)).filter((f) => f.rule === RULE);
const long = (prefix: string, bytes: number) => prefix + 'x'.repeat(bytes - prefix.length);

test('long table, column and constraint names in CREATE TABLE', async () => {
  const t = long('t_', 70);
  const c = long('c_', 64);
  const k = long('k_', 80);
  const f = await only(`CREATE TABLE ${t} (id bigint, ${c} text, CONSTRAINT ${k} CHECK (id > 0));`);
  assert.equal(f.length, 3);
  assert.match(f[0].message, /table name is 70 bytes long/);
  assert.match(f[0].message, new RegExp(`created as "${t.slice(0, 63)}"`));
  assert.match(f[1].message, /column name is 64 bytes/);
  assert.match(f[2].message, /constraint name is 80 bytes/);
  assert.equal(f[0].column, 14); // underlines the name itself
  assert.equal(f[0].endColumn, 14 + 70);
});

test('exactly 63 bytes is fine; references to long names are not reported', async () => {
  const ok = long('t_', 63);
  assert.deepEqual(await only(`CREATE TABLE ${ok} (id bigint);`), []);
  assert.deepEqual(await only(`SELECT * FROM ${long('t_', 70)};`), []);
  assert.deepEqual(await only(`ALTER TABLE ${long('t_', 70)} ADD COLUMN note text;`), []);
});

test('index, ADD COLUMN, ADD CONSTRAINT, RENAME, quoted names', async () => {
  const f = await only(`CREATE INDEX ${long('i_', 66)} ON orders (id);
ALTER TABLE orders ADD COLUMN ${long('n_', 64)} text, ADD CONSTRAINT "${long('Fk_', 70)}" FOREIGN KEY (a) REFERENCES b (id) NOT VALID;
ALTER TABLE orders RENAME COLUMN a TO ${long('r_', 65)};`);
  assert.deepEqual(f.map((x) => x.line), [1, 2, 2, 3]);
  assert.match(f[0].message, /index name/);
  assert.match(f[2].message, /constraint name is 70 bytes/);
  assert.match(f[3].message, /column name is 65 bytes/);
});

test('multi-byte names count UTF-8 bytes and are cut at a character boundary', async () => {
  const name = 'é'.repeat(32); // 64 bytes
  const f = await only(`CREATE TABLE "${name}" (id bigint);`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /64 bytes/);
  assert.match(f[0].message, new RegExp(`created as "${'é'.repeat(31)}"`));
  assert.deepEqual(await only(`CREATE TABLE "${'é'.repeat(31)}" (id bigint);`), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const RULE = 'prefer-text-field';
const fired = async (sql: string, o: Record<string, unknown> = {}) =>
  (await lint(sql, { rules: { [RULE]: 'warn' }, ...o })).filter((f) => f.rule === RULE);

test('off by default', async () => {
  assert.deepEqual((await lint(`CREATE TABLE t (v varchar(10));`)).filter((f) => f.rule === RULE), []);
});

test('varchar(n) only, not bare varchar or text', async () => {
  const f = await fired(`CREATE TABLE t (a varchar(255), b varchar, c character varying(20), d text);`);
  assert.equal(f.length, 2);
  assert.match(f[0].message, /t\.a is varchar\(255\)/);
  assert.match(f[0].message, /ACCESS EXCLUSIVE/);
  assert.match(f[0].help, /CHECK \(char_length\(a\) <= 255\)/);
  assert.equal(f[0].endColumn - f[0].column, 'varchar(255)'.length);
  assert.equal(f[1].endColumn - f[1].column, 'character varying(20)'.length);
});

test('ADD COLUMN and ALTER COLUMN TYPE', async () => {
  const f = await fired(`ALTER TABLE t ADD COLUMN a varchar(10), ALTER COLUMN b TYPE varchar(40);`);
  assert.equal(f.length, 2);
});

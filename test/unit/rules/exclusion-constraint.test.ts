import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../helpers/engine';

const ID = 'exclusion-constraint';
const LT = "SET lock_timeout = '5s';\n";
const mine = async (sql: string, o = {}) => (await lint(sql, o)).filter((f) => f.rule === ID);
const EXCL = 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);';

test('ADD CONSTRAINT … EXCLUDE on an existing table', async () => {
  const f = await mine(`${LT}${EXCL}\n`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /gist index/);
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on bookings/);
  assert.match(f[0].help, /no online path/);
  assert.match(f[0].help, /lock_timeout/);
  assert.match(f[0].help, /new table/);
});

test('exclusion constraints in CREATE TABLE, or on a table created in the file, are fine', async () => {
  assert.deepEqual(await mine('CREATE TABLE bookings (room_id int, during tstzrange, EXCLUDE USING gist (room_id WITH =, during WITH &&));\n'), []);
  assert.deepEqual(await mine(`CREATE TABLE bookings (room_id int, during tstzrange);\n${EXCL}\n`), []);
});

test('other constraints are not this rule', async () => {
  assert.deepEqual(await mine(`${LT}ALTER TABLE bookings ADD CONSTRAINT c CHECK (room_id > 0);\n`), []);
});

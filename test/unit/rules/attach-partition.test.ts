import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, rulesFired } from '../../helpers/engine';

const T = "SET lock_timeout = '5s';\n";
const only = async (sql: string, overrides = {}) => (await lint(sql, overrides)).filter((f) => f.rule === 'attach-partition');
const ATTACH = "ALTER TABLE events ATTACH PARTITION events_2019 FOR VALUES FROM ('2019-01-01') TO ('2020-01-01');\n";

test('attach-partition: attaching an existing table scans it under ACCESS EXCLUSIVE', async () => {
  const f = await only(`${T}${ATTACH}`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 2);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /ACCESS EXCLUSIVE lock on events_2019/);
  assert.match(f[0].message, /scans every row of events_2019/);
  assert.doesNotMatch(f[0].message, /Before PostgreSQL 12/);
  assert.match(f[0].help, /NOT VALID/);
});

test('attach-partition: a validated CHECK constraint seen earlier skips the report', async () => {
  const check = "ALTER TABLE events_2019 ADD CONSTRAINT b CHECK (created_at >= '2019-01-01' AND created_at < '2020-01-01') NOT VALID;\n";
  assert.deepEqual(await only(`${T}${check}ALTER TABLE events_2019 VALIDATE CONSTRAINT b;\n${ATTACH}`), []);
  assert.equal((await only(`${T}${check}${ATTACH}`)).length, 1, 'NOT VALID alone does not help');
  const notNull = "ALTER TABLE events_2019 ADD CONSTRAINT nn CHECK (created_at IS NOT NULL);\n";
  assert.equal((await only(`${T}${notNull}${ATTACH}`)).length, 1, 'an IS NOT NULL check does not imply the bound');
});

test('attach-partition: a table created in the file is not reported (PostgreSQL 12+)', async () => {
  const sql = `${T}CREATE TABLE events_2019 (LIKE events INCLUDING ALL);\nINSERT INTO events_2019 SELECT * FROM old_events;\n${ATTACH}`;
  assert.deepEqual(await only(sql), []);
});

test('attach-partition: before PostgreSQL 12 the parent lock is reported, even for a new table', async () => {
  const existing = await only(`${T}${ATTACH}`, { pgVersion: 11 });
  assert.match(existing[0].message, /Before PostgreSQL 12 it also holds an ACCESS EXCLUSIVE lock on events/);
  const fresh = await only(`${T}CREATE TABLE events_2019 (LIKE events INCLUDING ALL);\n${ATTACH}`, { pgVersion: 11 });
  assert.equal(fresh.length, 1);
  assert.match(fresh[0].message, /^Before PostgreSQL 12, ATTACH PARTITION holds an ACCESS EXCLUSIVE lock on events/);
});

test('attach-partition: a DEFAULT partition attached earlier is locked and scanned too', async () => {
  const sql = `${T}ALTER TABLE events ATTACH PARTITION events_default DEFAULT;\nCREATE TABLE events_2019 (LIKE events INCLUDING ALL);\n${ATTACH}`;
  const f = await only(sql);
  assert.deepEqual(f.map((x) => x.line), [2, 4]);
  assert.match(f[1].message, /DEFAULT partition events_default is locked ACCESS EXCLUSIVE/);
});

test('attach-partition: both tables created in the file', async () => {
  const sql = "CREATE TABLE p (a int) PARTITION BY RANGE (a);\nCREATE TABLE p1 (a int);\nALTER TABLE p ATTACH PARTITION p1 FOR VALUES FROM (1) TO (10);\n";
  assert.deepEqual(await rulesFired(sql), []);
});

// Recipe 9: require-idempotent-ddl's fix inserts the re-run guards. Golden output, parse, the rule
// silent afterwards with no other new finding, and the fixed migration applied twice on PGlite and
// on the real server (the second run must succeed: that is what re-runnable means).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useDatabases } from '../helpers/databases';
import { applyFix, applyUp, assertParses, folder, lintDir, ruleCounts } from '../helpers/fixes';
import { isSafeFix } from '../../shared/src/fixes/apply';

const dbs = useDatabases();
const ON = { rules: { 'require-idempotent-ddl': 'warn' as const } };

/** Apply every require-idempotent-ddl fix of `file`, one per pass (offsets change), and return the folder. */
async function fixAll(files: Record<string, string>, file: string): Promise<{ dir: string; before: Record<string, number> }> {
  const dir = folder(files);
  const before = ruleCounts((await lintDir(dir, ON)).findings);
  for (let pass = 0; pass < 50; pass++) {
    const f = (await lintDir(dir, ON)).findings.find((x) => x.rule === 'require-idempotent-ddl' && x.file === file);
    if (!f) return { dir, before };
    assert.ok(f.fixes[0], `a fix for: ${f.message}`);
    assert.ok(isSafeFix(f.fixes[0]), '--fix applies it (in the file, no value to choose)');
    applyFix(dir, file, f.fixes[0]);
  }
  throw new Error('fixes did not converge');
}

/** The folder holding only `file` of `dir` (to run it again on its own). */
const alone = (dir: string, file: string) => folder({ [file]: readFileSync(join(dir, file), 'utf8') });

async function twice(dir: string, file: string): Promise<void> {
  for (const db of dbs()) {
    await db.exec('DROP SCHEMA IF EXISTS fixcase CASCADE; CREATE SCHEMA fixcase; SET search_path TO fixcase;');
    await applyUp(db, dir);
    try {
      await applyUp(db, alone(dir, file));
    } catch (e: any) {
      throw new Error(`${db.name}: the second run fails: ${e?.message ?? e}`);
    }
  }
}

const BASE = 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric, legacy text, customer_id bigint);\nCREATE TABLE customers (id bigint PRIMARY KEY);\nALTER TABLE orders ADD CONSTRAINT orders_legacy_check CHECK (legacy <> \'\');\n';

test('plain psql-style script: every guard, the ADD CONSTRAINT in a DO block; the file then runs twice', async () => {
  const script = [
    'BEGIN;',
    "SET LOCAL lock_timeout = '5s';",
    'CREATE SCHEMA reports;',
    'CREATE EXTENSION plpgsql;',
    'CREATE SEQUENCE invoice_no;',
    'CREATE TABLE invoices (id bigint PRIMARY KEY, "Total" numeric);',
    'create index on invoices ("Total");',
    'CREATE MATERIALIZED VIEW invoice_totals AS SELECT sum("Total") AS t FROM invoices;',
    'ALTER TABLE orders ADD COLUMN note text, ADD note2 text;',
    'ALTER TABLE orders DROP COLUMN legacy;',
    'ALTER TABLE orders DROP CONSTRAINT orders_legacy_check;',
    'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
    'DROP MATERIALIZED VIEW invoice_totals;',
    'DROP INDEX invoices_Total_idx;',
    'COMMIT;',
    '',
  ].join('\n');
  const { dir, before } = await fixAll({ '001_base.sql': BASE, '002_script.sql': script }, '002_script.sql');
  const out = readFileSync(join(dir, '002_script.sql'), 'utf8');
  assert.equal(out, [
    'BEGIN;',
    "SET LOCAL lock_timeout = '5s';",
    'CREATE SCHEMA IF NOT EXISTS reports;',
    'CREATE EXTENSION IF NOT EXISTS plpgsql;',
    'CREATE SEQUENCE IF NOT EXISTS invoice_no;',
    'CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY, "Total" numeric);',
    'create index if not exists "invoices_Total_idx" on invoices ("Total");',
    'CREATE MATERIALIZED VIEW IF NOT EXISTS invoice_totals AS SELECT sum("Total") AS t FROM invoices;',
    'ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text, ADD IF NOT EXISTS note2 text;',
    'ALTER TABLE orders DROP COLUMN IF EXISTS legacy;',
    'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_legacy_check;',
    'DO $guard$',
    'BEGIN',
    "  IF NOT EXISTS (SELECT FROM pg_constraint WHERE conname = 'orders_customer_fk' AND conrelid = 'orders'::regclass) THEN",
    '    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
    '  END IF;',
    'END',
    '$guard$;',
    'DROP MATERIALIZED VIEW IF EXISTS invoice_totals;',
    'DROP INDEX IF EXISTS invoices_Total_idx;',
    'COMMIT;',
    '',
  ].join('\n'));
  assertParses(dir);
  const after = ruleCounts((await lintDir(dir, ON)).findings);
  assert.equal(after['require-idempotent-ddl'], before['require-idempotent-ddl'] - 12, 'the 12 findings of the script are gone (the base file keeps its own)');
  for (const [rule, n] of Object.entries(after)) assert.ok(n <= (before[rule] ?? 0), `no new ${rule}`);
  await twice(dir, '002_script.sql');
});

test('goose: the DO block guard goes between StatementBegin/End; the migration then runs twice', async () => {
  const files = {
    '00001_base.sql': `-- +goose Up\n${BASE}`,
    '00002_fk.sql': "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT \"Orders_Customer\" FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n",
  };
  const { dir } = await fixAll(files, '00002_fk.sql');
  assert.equal(readFileSync(join(dir, '00002_fk.sql'), 'utf8'), `-- +goose Up
SET LOCAL lock_timeout = '5s';
-- +goose StatementBegin
DO $guard$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_constraint WHERE conname = 'Orders_Customer' AND conrelid = 'orders'::regclass) THEN
    ALTER TABLE orders ADD CONSTRAINT "Orders_Customer" FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
  END IF;
END
$guard$;
-- +goose StatementEnd
`);
  assertParses(dir);
  await twice(dir, '00002_fk.sql');
});

test('CREATE INDEX CONCURRENTLY is require-cic-guard\'s: its second fix drops an INVALID leftover first, where statements are sent one by one', async () => {
  const dir = folder({
    '00001_base.sql': `-- +goose Up\n${BASE}`,
    '00002_idx.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);\n',
  });
  const { findings } = await lintDir(dir, ON);
  assert.deepEqual(findings.filter((f) => f.file === '00002_idx.sql').map((f) => f.rule).sort(), ['require-cic-guard']);
  const fix = findings.find((f) => f.rule === 'require-cic-guard')!.fixes[1];
  assert.equal(fix.title, 'Put DROP INDEX CONCURRENTLY IF EXISTS before it (a re-run then rebuilds the index, an INVALID leftover included)');
  applyFix(dir, '00002_idx.sql', fix);
  assert.equal(readFileSync(join(dir, '00002_idx.sql'), 'utf8'), '-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX CONCURRENTLY IF EXISTS orders_total_idx;\nCREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);\n');
  assert.deepEqual((await lintDir(dir, ON)).findings.filter((f) => f.file === '00002_idx.sql').map((f) => f.rule), []);
  for (const db of dbs()) {
    await db.exec('DROP SCHEMA IF EXISTS fixcase CASCADE; CREATE SCHEMA fixcase; SET search_path TO fixcase;');
    await applyUp(db, dir);
    // An INVALID leftover, as a failed build leaves it: the re-run replaces it with a valid index.
    await db.exec('UPDATE pg_index SET indisvalid = false WHERE indexrelid = \'orders_total_idx\'::regclass');
    await applyUp(db, alone(dir, '00002_idx.sql'));
    assert.equal((await db.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_total_idx'::regclass")).rows[0].indisvalid, true, db.name);
  }
});

test('off by default; no fix when a guard cannot be written (an unnamed ADD CONSTRAINT)', async () => {
  const dir = folder({ '001_base.sql': BASE, '002_x.sql': 'ALTER TABLE orders ADD CHECK (total > 0) NOT VALID;\n' });
  assert.equal((await lintDir(dir)).findings.filter((f) => f.rule === 'require-idempotent-ddl').length, 0);
  const f = (await lintDir(dir, ON)).findings.filter((x) => x.rule === 'require-idempotent-ddl' && x.file === '002_x.sql');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0].fixes, []);
});

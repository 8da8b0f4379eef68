// `pgsafe verify` as users run it: the bundled CLI in a child process, on PGlite and (when
// PGSAFE_PG_URL is set) on a throwaway database of a real server; bad input gives a clear message,
// a non-zero exit and no database left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leftoverDatabases } from '../../shared/src/verify/db';

const root = join(__dirname, '..', '..', '..');
const bin = join(root, 'bin', 'pgsafe.js');
const url = process.env.PGSAFE_PG_URL;

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string; pid?: number }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr, pid: p.pid }));
  });
}

/**
 * Throwaway databases these runs left behind (their names carry the process id). Other tests and
 * other users of the server create their own concurrently, so only these runs' are looked at.
 */
async function leftBy(...runs: { pid?: number }[]): Promise<string[]> {
  return (await leftoverDatabases(url!)).filter((d) => runs.some((r) => d.startsWith(`pgsafe_verify_${r.pid}_`)));
}

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-verify-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const GOOD = {
  'm/001_init.sql': '-- +goose Up\ncreate table orgs (id bigint primary key);\ncreate table users (id bigint primary key, email varchar(100), org_id bigint);\n-- +goose Down\ndrop table users;\ndrop table orgs;\n',
  'm/002_change.sql': '-- +goose Up\nalter table users add column nickname text;\nalter table users add constraint users_org_fk foreign key (org_id) references orgs (id) not valid;\nalter table users alter column id type numeric;\n',
};

const HALFWAY = {
  'm/001_init.sql': '-- +goose Up\ncreate table users (id bigint primary key);\n',
  'm/002_change.sql': '-- +goose Up\nalter table users add column nickname text;\nalter table users alter column missing set not null;\nalter table users add column other text;\n',
};

test('verify on PGlite: traced locks, rewrites, generated down, re-run (JSON)', async () => {
  const dir = tempDir(GOOD);
  const r = await run(['verify', 'm', '--format', 'json'], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout);
  const [set] = out.sets;
  assert.equal(set.framework, 'goose');
  assert.match(set.engine, /^PGlite \(PostgreSQL 18/);
  assert.equal(set.applied, 2);
  const f = set.files.find((x: any) => x.name === '002_change.sql');
  assert.equal(f.mode, 'runner transaction');
  const [add, fk, type] = f.statements;
  assert.deepEqual(add.locks.map((l: any) => [l.relation, l.mode]), [['public.users', 'ACCESS EXCLUSIVE']]);
  assert.equal(add.source, 'observed');
  assert.deepEqual(fk.locks.filter((l: any) => l.kind === 'r').map((l: any) => [l.relation, l.mode]).sort(), [['public.orgs', 'SHARE ROW EXCLUSIVE'], ['public.users', 'SHARE ROW EXCLUSIVE']]);
  // bigint → numeric rewrites the table and its primary key; the catalogue says so too.
  assert.deepEqual(type.rewrites.map((x: any) => x.relation), ['public.users', 'public.users_pkey']);
  assert.deepEqual(type.disagreements, []);
  assert.ok(type.rules.includes('alter-column-type-rewrite'), JSON.stringify(type.rules));
  assert.equal(f.down.source, 'generated');
  assert.equal(f.down.equal, true, JSON.stringify(f.down));
  assert.equal(f.idempotency.rerunnable, false);
  assert.match(f.idempotency.failures[0].message, /already exists/);
  const init = set.files.find((x: any) => x.name === '001_init.sql');
  assert.equal(init.down.source, 'own');
  assert.equal(init.down.equal, true);
  assert.equal(out.summary.failed, 0);
});

test('a migration failing halfway names the file, line and statement and exits 1', async () => {
  const dir = tempDir(HALFWAY);
  const r = await run(['verify', 'm/002_change.sql'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /m\/002_change\.sql:3: alter table users alter column missing set not null: column "missing" .*does not exist/);
  assert.match(r.stdout, /FAILED {2}002_change\.sql/);
  assert.match(r.stdout, /up failed at line 3/);
  // Only the named file is traced; the earlier one is applied.
  assert.doesNotMatch(r.stdout, /001_init\.sql/);
});

test('an unreachable --database-url is a clear error (exit 2)', async () => {
  const dir = tempDir(GOOD);
  const r = await run(['verify', 'm', '--database-url', 'postgres://postgres:x@127.0.0.1:1/postgres'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /pgsafe verify: cannot reach the PostgreSQL server at 127\.0\.0\.1:1/);
  assert.equal(r.stdout, '');
});

test('usage errors', async () => {
  const dir = tempDir(GOOD);
  const r = await run(['verify', 'm', '--format', 'sarif'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--format must be text, json or markdown/);
  const s = await run(['check', 'm', '--database-url', 'postgres://x'], dir);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /options of `pgsafe verify`/);
});

test('on a real server: markdown report, seeded rows, throwaway database dropped', { skip: !url && 'PGSAFE_PG_URL is not set' }, async () => {
  const dir = tempDir({
    ...GOOD,
    'm/003_backfill.sql': '-- +goose Up\nalter table users add constraint email_set check (email is not null);\n',
  });
  const r = await run(['verify', 'm/003_backfill.sql', '--database-url', url!, '--format', 'markdown', '--seed-rows', '20'], dir);
  // 20 seeded rows all have an email: the CHECK holds; the scan is observed on a non-empty table.
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^## (✅|⚠️) pgsafe verify/);
  assert.match(r.stdout, /PostgreSQL 1\d\.\d+ at /);
  assert.match(r.stdout, /\| `public\.users` \| ACCESS EXCLUSIVE \| blocks all reads and writes \|/);
  assert.match(r.stdout, /Full scans: `public\.users`/);
  assert.deepEqual(await leftBy(r), []);
});

test('on a real server: wrong credentials and a failing migration leave no database behind', { skip: !url && 'PGSAFE_PG_URL is not set' }, async () => {
  const dir = tempDir(HALFWAY);
  const bad = new URL(url!);
  bad.password = 'definitely-wrong';
  const c = await run(['verify', 'm', '--database-url', bad.toString()], dir);
  assert.equal(c.code, 2, c.stderr);
  assert.match(c.stderr, /refused the credentials of user "/);
  const f = await run(['verify', 'm', '--database-url', url!], dir);
  assert.equal(f.code, 1, f.stderr);
  assert.match(f.stderr, /002_change\.sql:3: alter table users alter column missing set not null/);
  assert.deepEqual(await leftBy(c, f), []);
});

// Round trips on a real PostgreSQL server (PGSAFE_PG_URL; required in CI by PGSAFE_PG_REQUIRED=1)
// next to PGlite, through the databases `pgsafe verify` opens (a fresh PGlite, or a throwaway
// database created on the server and dropped afterwards): a subset of the corpus (the first files
// of two repositories, skipped when ../shared/corpus is absent) and `pgsafe down --verify
// --database-url`.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../shared/src/config/types';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { nodeFs } from '../../shared/src/project/fs';
import { loadSet } from '../../shared/src/project/discover';
import { generateDown } from '../../shared/src/rollback/index';
import { applyMigration, roundTrip } from '../../shared/src/rollback/roundtrip';
import { openPglite, openServer, leftoverDatabases, requestedExtensions, type VerifyDb } from '../../shared/src/verify/db';
import { folder } from '../helpers/fixes';

const root = join(__dirname, '..', '..', '..');
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');
const url = process.env.PGSAFE_PG_URL;
if (!url && process.env.PGSAFE_PG_REQUIRED === '1') throw new Error('PGSAFE_PG_REQUIRED=1 but PGSAFE_PG_URL is not set');
const noServer = url ? false : 'PGSAFE_PG_URL is not set';

before(async () => {
  await ensureParser();
});

/** Fresh databases for one migration set: PGlite always, the server when PGSAFE_PG_URL is set. */
async function databasesFor(texts: string[]): Promise<VerifyDb[]> {
  const out = [await openPglite(requestedExtensions(texts))];
  if (url) out.push(await openServer(url));
  return out;
}

/**
 * Every up file of `dir` (the first `limit`) in order on each database: a down that reverts every
 * statement exactly must round-trip (snapshot, up, down, compare, up again); partial downs are
 * applied forward only. Returns how many files round-tripped per database.
 */
async function roundTripSet(dir: string, limit: number): Promise<Record<string, number>> {
  const set = loadSet(dir, nodeFs);
  const ups = set.files.filter((f) => f.role === 'up').slice(0, limit);
  const texts = ups.map((f) => readFileSync(f.path, 'utf8'));
  const counts: Record<string, number> = {};
  const dbs = await databasesFor(texts);
  try {
    for (const db of dbs) {
      counts[db.name] = 0;
      for (const [k, f] of ups.entries()) {
        const r = generateDown(f.path, nodeFs, () => defaultConfig());
        const up = () => applyMigration(db, f.path, texts[k], set.framework, nodeFs);
        if (r.partial) {
          await up();
          continue;
        }
        const rt = await roundTrip(db, up, r.sql);
        assert.equal(rt.failed, undefined, `${db.name}: ${f.path}: ${JSON.stringify(rt.failed)}\n${r.sql}`);
        assert.deepEqual(rt.differences, [], `${db.name}: ${f.path}\n${r.sql}`);
        counts[db.name]++;
      }
    }
  } finally {
    for (const db of dbs) await db.close();
  }
  return counts;
}

test('a self-contained goose set round-trips on PGlite and on the server', async () => {
  const dir = folder({
    'm/001_init.sql': `-- +goose Up
CREATE TYPE state AS ENUM ('new', 'done');
CREATE TABLE projects (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE, state state NOT NULL DEFAULT 'new');
CREATE TABLE tasks (id bigserial PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE, title varchar(200) NOT NULL);
CREATE INDEX tasks_project ON tasks (project_id);
COMMENT ON TABLE tasks IS 'work items';
`,
    'm/002_alter.sql': `-- +goose Up
ALTER TABLE tasks ADD COLUMN done_at timestamptz, ADD COLUMN weight int NOT NULL DEFAULT 1 CHECK (weight > 0);
ALTER TABLE tasks ALTER COLUMN title TYPE text;
ALTER TABLE projects RENAME COLUMN name TO title;
CREATE VIEW open_tasks AS SELECT id, title FROM tasks WHERE done_at IS NULL;
`,
    'm/003_concurrently.sql': `-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY tasks_done ON tasks (done_at);
`,
  });
  const counts = await roundTripSet(join(dir, 'm'), 100);
  for (const [name, n] of Object.entries(counts)) assert.equal(n, 3, `${name}: every file round-trips`);
  assert.equal(Object.keys(counts).length, url ? 2 : 1);
});

for (const [repo, limit] of [['Permify/permify', 9], ['hoppscotch/hoppscotch', 12]] as const) {
  const m = existsSync(join(corpus, 'MANIFEST.json')) ? JSON.parse(readFileSync(join(corpus, 'MANIFEST.json'), 'utf8')).find((x: any) => x.repo === repo) : undefined;
  test(`corpus ${repo}: the first ${limit} migrations round-trip on PGlite and on the server`, { skip: m ? false : `corpus not found at ${corpus}`, timeout: 300_000 }, async () => {
    const counts = await roundTripSet(join(corpus, repo.replace('/', '__'), m.migrations_dir), limit);
    const values = Object.values(counts);
    assert.ok(values[0] > 0, JSON.stringify(counts));
    assert.ok(values.every((v) => v === values[0]), `the same files round-trip everywhere: ${JSON.stringify(counts)}`);
  });
}

test('CLI: pgsafe down --verify --database-url round-trips on a throwaway database of the server', { skip: noServer }, async () => {
  const dir = folder({
    'm/001_a.sql': '-- +goose Up\nCREATE TABLE a (id int PRIMARY KEY, note text DEFAULT \'x\');\n',
    'm/002_b.sql': '-- +goose Up\nALTER TABLE a ALTER COLUMN note SET DEFAULT \'y\', ADD COLUMN n int NOT NULL DEFAULT 0;\nCREATE INDEX a_n ON a (n);\n',
  });
  const cli = join(root, 'bin', 'pgsafe.js');
  const r = spawnSync(process.execPath, [cli, 'down', 'm/002_b.sql', '--verify', '--database-url', url!], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /verify: round trip equal .* on PostgreSQL \d+/);
  const pglite = spawnSync(process.execPath, [cli, 'down', 'm/002_b.sql', '--verify'], { cwd: dir, encoding: 'utf8' });
  assert.equal(pglite.status, 0, pglite.stderr);
  assert.match(pglite.stderr, /round trip equal .* on PGlite/);
  const bad = spawnSync(process.execPath, [cli, 'down', 'm/002_b.sql', '--database-url', url!], { cwd: dir, encoding: 'utf8' });
  assert.equal(bad.status, 2, '--database-url without --verify is a usage error');
  const unreachable = spawnSync(process.execPath, [cli, 'down', 'm/002_b.sql', '--verify', '--database-url', 'postgres://nobody:x@127.0.0.1:1/none'], { cwd: dir, encoding: 'utf8' });
  assert.equal(unreachable.status, 2, unreachable.stderr);
  assert.match(unreachable.stderr, /cannot reach the PostgreSQL server at 127\.0\.0\.1:1/);
  assert.deepEqual((await leftoverDatabases(url!)).filter((d) => d.includes(`_${r.pid}_`)), [], 'the throwaway database is dropped');
});

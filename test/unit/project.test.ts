// Migration context: detection, order, transaction verdicts per framework (frameworks.md table B),
// and a schema replayed across files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { defaultConfig, type PgsafeConfig } from '../../shared/src/config/types';
import { nodeFs, overlayFs, type ProjectFs } from '../../shared/src/project/fs';
import { loadSet, setsFor } from '../../shared/src/project/discover';
import { IncrementalSet, lintSet } from '../../shared/src/project/lint';
import { Catalog } from '../../shared/src/context/catalog';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-project-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function lintFolder(dir: string, config: Partial<PgsafeConfig> = {}, root = dir) {
  await ensureParser();
  const set = loadSet(root, nodeFs);
  const results = lintSet(set, { fs: nodeFs, configFor: () => ({ ...defaultConfig(), ...config }) });
  return { set, findings: results.flatMap((r) => (r.result?.findings ?? []).map((f) => ({ file: r.file.path.slice(root.length + 1), rule: f.rule, message: f.message, help: f.help }))) };
}

const CIC = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);';
const OTHER = 'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;';

test('detection and order: golang-migrate pairs in numeric order, Flyway versions, Prisma folders, plain files', () => {
  const gm = loadSet(folder({ '10_b.up.sql': OTHER, '10_b.down.sql': 'SELECT 1;', '9_a.up.sql': OTHER, '9_a.down.sql': 'SELECT 1;' }), nodeFs);
  assert.equal(gm.framework, 'golang-migrate');
  assert.deepEqual(gm.files.map((f) => `${f.role}:${f.path.split('/').pop()}`), ['up:9_a.up.sql', 'down:9_a.down.sql', 'up:10_b.up.sql', 'down:10_b.down.sql']);
  const fw = loadSet(folder({ 'V1_10__c.sql': OTHER, 'V1_2__b.sql': OTHER, 'V1__a.sql': OTHER, 'R__view.sql': 'SELECT 1;' }), nodeFs);
  assert.equal(fw.framework, 'flyway');
  assert.deepEqual(fw.files.map((f) => f.path.split('/').pop()), ['V1__a.sql', 'V1_2__b.sql', 'V1_10__c.sql', 'R__view.sql']);
  const prismaRoot = folder({ '20240101000000_init/migration.sql': OTHER, '20230101000000_first/migration.sql': OTHER });
  const [prisma] = setsFor([join(prismaRoot, '20240101000000_init/migration.sql')], nodeFs);
  assert.equal(prisma.framework, 'prisma');
  assert.equal(prisma.root, prismaRoot);
  assert.deepEqual(prisma.files.map((f) => f.path.slice(prismaRoot.length + 1)), ['20230101000000_first/migration.sql', '20240101000000_init/migration.sql']);
  assert.equal(loadSet(folder({ '0001-a.sql': OTHER, '0002-b.sql': OTHER }), nodeFs).framework, 'plain');
  assert.equal(loadSet(folder({ '001_a.sql': `-- +goose Up\n${OTHER}\n` }), nodeFs).framework, 'goose');
  const sq = folder({ 'sqitch.plan': '%project=x\n\nusers 2020-01-01T00:00:00Z A <a@b> # users\nemails [users] 2020-01-02T00:00:00Z A <a@b>\n', 'deploy/emails.sql': OTHER, 'deploy/users.sql': OTHER, 'revert/users.sql': 'SELECT 1;', 'verify/users.sql': 'SELECT 1;' });
  const sqitch = loadSet(sq, nodeFs);
  assert.equal(sqitch.framework, 'sqitch');
  assert.deepEqual(sqitch.files.map((f) => `${f.role}:${f.path.slice(sq.length + 1)}`), ['up:deploy/users.sql', 'down:revert/users.sql', 'up:deploy/emails.sql', 'verify:verify/users.sql']);
});

test('CONCURRENTLY verdict per framework (frameworks.md table B)', async () => {
  const verdict = async (files: Record<string, string>, root?: string) => {
    const dir = folder(files);
    const { findings } = await lintFolder(dir, {}, root ? join(dir, root) : dir);
    return findings.filter((f) => /concurrently|flyway/.test(f.rule)).map((f) => f.rule);
  };
  // golang-migrate: the file is one query — fails with a second statement, fine alone.
  assert.deepEqual(await verdict({ '1_a.up.sql': `${OTHER}\n${CIC}`, '1_a.down.sql': 'SELECT 1;' }), ['concurrently-in-transaction']);
  assert.deepEqual(await verdict({ '1_a.up.sql': CIC, '1_a.down.sql': 'SELECT 1;' }), []);
  // goose: runner transaction unless NO TRANSACTION; a StatementBegin/End block is one query.
  assert.deepEqual(await verdict({ '1_a.sql': `-- +goose Up\n${CIC}\n` }), ['concurrently-in-transaction']);
  assert.deepEqual(await verdict({ '1_a.sql': `-- +goose NO TRANSACTION\n-- +goose Up\n${OTHER}\n${CIC}\n` }), []);
  assert.deepEqual(await verdict({ '1_a.sql': `-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin\n${OTHER}\n${CIC}\n-- +goose StatementEnd\n` }), ['concurrently-in-transaction']);
  // dbmate: transaction:false still sends the section as one query.
  assert.deepEqual(await verdict({ '1_a.sql': `-- migrate:up transaction:false\n${CIC}\n-- migrate:down\n` }), []);
  assert.deepEqual(await verdict({ '1_a.sql': `-- migrate:up transaction:false\n${OTHER}\n${CIC}\n-- migrate:down\n` }), ['concurrently-in-transaction']);
  // sql-migrate: notransaction sends statements one by one.
  assert.deepEqual(await verdict({ '1_a.sql': `-- +migrate Up notransaction\n${OTHER}\n${CIC}\n` }), []);
  // Prisma: migration.sql is one query.
  assert.deepEqual(await verdict({ '20240101000000_a/migration.sql': CIC }), []);
  assert.deepEqual(await verdict({ '20240101000000_a/migration.sql': `${OTHER}\n${CIC}` }), ['concurrently-in-transaction']);
  // Drizzle: every migration runs in one transaction; no opt-out.
  assert.deepEqual(await verdict({ '0000_a.sql': `${CIC}--> statement-breakpoint\n` }), ['concurrently-in-transaction']);
  // Supabase: a pipeline — the first statement is outside the implicit transaction.
  assert.deepEqual(await verdict({ 'supabase/migrations/20240101000000_a.sql': CIC + '\n' + OTHER }, 'supabase/migrations'), []);
  assert.deepEqual(await verdict({ 'supabase/migrations/20240101000000_a.sql': OTHER + '\n' + CIC }, 'supabase/migrations'), ['concurrently-in-transaction']);
  // Flyway: alone it runs outside a transaction (but may hang on Flyway's lock); mixed, Flyway refuses.
  assert.deepEqual(await verdict({ 'V1__a.sql': CIC }), ['flyway-non-transactional']);
  assert.deepEqual(await verdict({ 'V1__a.sql': `${OTHER}\n${CIC}` }), ['flyway-non-transactional']);
  // sqitch: psql, one statement at a time; the template's BEGIN makes it fail.
  const plan = '%project=x\n\na 2020-01-01T00:00:00Z A <a@b>\n';
  assert.deepEqual(await verdict({ 'sqitch.plan': plan, 'deploy/a.sql': `${OTHER}\n${CIC}` }), []);
  assert.deepEqual(await verdict({ 'sqitch.plan': plan, 'deploy/a.sql': `BEGIN;\n${CIC}\nCOMMIT;` }), ['concurrently-in-transaction']);
  // Unknown runner: a warning that names the assumption.
  assert.deepEqual(await verdict({ '0001-a.sql': `${OTHER}\n${CIC}` }), ['concurrently-may-run-in-transaction']);
});

test('the message says why it fails for the framework and how to fix it', async () => {
  const dir = folder({ '1_a.up.sql': `${OTHER}\n${CIC}`, '1_a.down.sql': 'SELECT 1;' });
  const f = (await lintFolder(dir)).findings.find((x) => x.rule === 'concurrently-in-transaction')!;
  assert.match(f.message, /golang-migrate sends the whole file as one query/);
  assert.match(f.help, /a file of its own/);
});

test('schema replay: old column types decide whether ALTER TYPE rewrites', async () => {
  const dir = folder({
    '1_create.up.sql': 'CREATE TABLE users (id int PRIMARY KEY, name varchar(50), score numeric(10,2), ip cidr);',
    '2_widen.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(100);",
    '3_text.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN name TYPE text;",
    '4_num.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN score TYPE numeric(12,2);",
    '5_inet.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN ip TYPE inet;",
    '6_bigint.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN id TYPE bigint;",
    '7_shrink.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(20);",
  });
  const { findings } = await lintFolder(dir);
  assert.deepEqual(findings.filter((f) => f.rule === 'alter-column-type-rewrite').map((f) => f.file), ['6_bigint.up.sql', '7_shrink.up.sql']);
  assert.match(findings.find((f) => f.file === '6_bigint.up.sql')!.message, /integer → bigint/);
});

test('schema replay: a CHECK (col IS NOT NULL) validated in an earlier file makes SET NOT NULL safe', async () => {
  const dir = folder({
    '1.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;",
    '2.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;",
    '3.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
  });
  assert.deepEqual((await lintFolder(dir, { pgVersion: 16 })).findings.map((f) => f.rule), []);
  assert.deepEqual((await lintFolder(dir, { pgVersion: 11 })).findings.map((f) => `${f.file}:${f.rule}`), ['3.up.sql:set-not-null']);
});

test('new-table exemption across files: tables created in a file not yet deployed are not hazards', async () => {
  const files = {
    '1_old.up.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);',
    '2_new.up.sql': 'CREATE TABLE widgets (id bigint PRIMARY KEY, owner bigint);',
    '3_index.up.sql': "SET lock_timeout = '5s';\nCREATE INDEX widgets_owner ON widgets (owner);\nCREATE INDEX accounts_email ON accounts (email);",
  };
  const dir = folder(files);
  const all = (await lintFolder(dir)).findings.filter((f) => f.rule === 'require-concurrent-index-creation');
  assert.equal(all.length, 2, 'every earlier file deployed: both tables are live');
  const pr = (await lintFolder(dir, { deployedBefore: '2_new' })).findings.filter((f) => f.rule === 'require-concurrent-index-creation');
  assert.deepEqual(pr.map((f) => f.message.match(/on (\w+)/)?.[1]), ['accounts']);
});

test('DROP COLUMN and DROP TABLE list what depends on them in the replayed schema', async () => {
  const dir = folder({
    '1.up.sql': [
      'CREATE TABLE accounts (id bigint PRIMARY KEY, email text UNIQUE, legacy text, plan text);',
      'CREATE INDEX accounts_legacy_idx ON accounts (legacy);',
      'CREATE VIEW account_emails AS SELECT id, email FROM accounts;',
      'CREATE TABLE invoices (id bigint PRIMARY KEY, account_email text REFERENCES accounts (email));',
      'CREATE INDEX invoices_account_email_idx ON invoices (account_email);',
    ].join('\n'),
    '2.up.sql': "SET lock_timeout = '5s';\nALTER TABLE accounts DROP COLUMN legacy;\nALTER TABLE accounts DROP COLUMN email;\nALTER TABLE accounts DROP COLUMN plan;",
    '3.up.sql': "SET lock_timeout = '5s';\nDROP TABLE accounts CASCADE;",
  });
  const { findings } = await lintFolder(dir);
  const drops = findings.filter((f) => f.rule === 'drop-column').map((f) => f.message);
  assert.equal(drops.length, 3);
  assert.match(drops[0], /dropping accounts\.legacy also drops index accounts_legacy_idx\./);
  assert.match(drops[1], /dropping accounts\.email also drops index accounts_email_key, constraint accounts_email_key; view account_emails, foreign key invoices_account_email_fkey on invoices depend on accounts\.email, so a plain DROP fails and CASCADE drops them too/);
  assert.doesNotMatch(drops[2], /From the migrations before this one/);
  const table = findings.find((f) => f.rule === 'drop-table')!.message;
  assert.match(table, /view account_emails, foreign key invoices_account_email_fkey on invoices depend on accounts/);
});

test('foreign keys without a covering index, judged from the replayed schema', async () => {
  const dir = folder({
    '1.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE items (id bigint PRIMARY KEY, order_id bigint, sku text);\nCREATE TABLE tags (order_id bigint, tag text, PRIMARY KEY (order_id, tag));',
    '2.up.sql': "SET lock_timeout = '5s';\nALTER TABLE items ADD CONSTRAINT items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
    '3.up.sql': "SET lock_timeout = '5s';\nALTER TABLE tags ADD CONSTRAINT tags_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
    '4.up.sql': "SET lock_timeout = '5s';\nALTER TABLE unknown_table ADD CONSTRAINT u_fk FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
  });
  const fk = (await lintFolder(dir)).findings.filter((f) => f.rule === 'foreign-key-without-index');
  // items has no index on order_id; tags' primary key starts with it; unknown_table's indexes are unknown.
  assert.deepEqual(fk.map((f) => f.file), ['2.up.sql']);
});

test('objects the replay cannot model are uncertain: no claims about their columns or indexes', async () => {
  const dir = folder({
    '1.up.sql': 'CREATE TABLE base (id int PRIMARY KEY, name varchar(50));\nCREATE TABLE copy (LIKE base INCLUDING ALL);\nCREATE TABLE orders (id bigint PRIMARY KEY);',
    '2.up.sql': "SET lock_timeout = '5s';\nALTER TABLE copy ALTER COLUMN name TYPE varchar(100);\nALTER TABLE base ALTER COLUMN name TYPE varchar(100);",
    '3.up.sql': "SET lock_timeout = '5s';\nALTER TABLE copy ADD CONSTRAINT copy_order_fk FOREIGN KEY (id) REFERENCES orders (id) NOT VALID;",
  });
  const { findings } = await lintFolder(dir);
  // copy's columns came from LIKE: its old type is unknown, and varchar(100) could be a free widening — not claimed.
  assert.deepEqual(findings.filter((f) => f.rule === 'alter-column-type-rewrite'), []);
  // copy's indexes came from LIKE … INCLUDING ALL: not known, so no missing-index claim.
  assert.deepEqual(findings.filter((f) => f.rule === 'foreign-key-without-index'), []);
});

test('incremental replay: a change re-lints that file and, lazily, the later ones, with the same results as a full run', async () => {
  await ensureParser();
  const dir = folder({
    '1.up.sql': 'CREATE TABLE users (id int PRIMARY KEY, name varchar(50));',
    '2.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(100);",
    '3.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN id TYPE bigint;",
  });
  const set = loadSet(dir, nodeFs);
  let fs: ProjectFs = nodeFs;
  const inc = new IncrementalSet(set, { fs: { list: (d) => fs.list(d), exists: (p) => fs.exists(p), readText: (p) => fs.readText(p) }, configFor: () => defaultConfig() });
  const rules = (path: string) => inc.result(join(dir, path))?.result?.findings.map((f) => f.rule) ?? [];
  const linted = () => inc.lastLinted.map((p) => p.slice(dir.length + 1));
  assert.equal(inc.run().length, 3);
  assert.deepEqual(rules('2.up.sql'), []);
  assert.deepEqual(linted(), [], 'cached');
  assert.deepEqual(rules('3.up.sql'), ['alter-column-type-rewrite']);
  // Edit file 1: name becomes text → file 2's change to varchar(100) now rewrites.
  fs = overlayFs(nodeFs, new Map([[join(dir, '1.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, name text);']]));
  inc.changed(join(dir, '1.up.sql'));
  assert.deepEqual(rules('1.up.sql'), []);
  assert.deepEqual(linted(), ['1.up.sql'], 'only the edited file, not the ones after it');
  assert.deepEqual(rules('3.up.sql'), []);
  assert.deepEqual(linted(), ['2.up.sql', '3.up.sql'], 'replays from the last valid snapshot (after file 1)');
  assert.deepEqual(rules('2.up.sql'), ['alter-column-type-rewrite']);
  // Edit file 3 only: files 1 and 2 are not re-linted.
  fs = overlayFs(fs, new Map([[join(dir, '3.up.sql'), "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(10);"]]));
  inc.changed(join(dir, '3.up.sql'));
  assert.deepEqual(rules('3.up.sql'), ['alter-column-type-rewrite']);
  assert.deepEqual(linted(), ['3.up.sql']);
  // The same answers as one full run over the edited texts.
  const full = lintSet(set, { fs, configFor: () => defaultConfig() }).map((r) => r.result?.findings.map((f) => f.rule));
  assert.deepEqual(full, [rules('1.up.sql'), rules('2.up.sql'), rules('3.up.sql')]);
});

test('Supabase CLI 2.109+ (from package.json) runs CREATE INDEX CONCURRENTLY outside the pipeline', async () => {
  const files = (version: string) => ({ 'package.json': JSON.stringify({ devDependencies: { supabase: version } }), 'supabase/migrations/20240101000000_a.sql': `${OTHER}\n${CIC}` });
  const run = async (version: string) => {
    const dir = folder(files(version));
    const { findings } = await lintFolder(dir, {}, join(dir, 'supabase/migrations'));
    return findings.filter((f) => f.rule === 'concurrently-in-transaction').length;
  };
  assert.equal(await run('^2.100.0'), 1);
  assert.equal(await run('^2.110.1'), 0);
});

test('Drizzle: the journal decides which files are migrations and their order', () => {
  const dir = folder({
    '0000_first.sql': `CREATE TABLE a (id int);--> statement-breakpoint\n`,
    '0001_orphan.sql': 'ALTER TABLE a ADD COLUMN x int;',
    '0002_second.sql': `ALTER TABLE a ADD COLUMN x int;--> statement-breakpoint\n`,
    'meta/_journal.json': JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, tag: '0000_first' }, { idx: 1, tag: '0002_second' }] }),
  });
  const set = loadSet(dir, nodeFs);
  assert.equal(set.framework, 'drizzle');
  assert.deepEqual(set.files.map((f) => `${f.role}:${f.path.slice(dir.length + 1)}`), ['up:0000_first.sql', 'up:0002_second.sql', 'ignored:0001_orphan.sql']);
});

test('Liquibase formatted SQL: each changeset is its own transaction; runInTransaction:false opts one out', async () => {
  const text = [
    '--liquibase formatted sql',
    '--changeset ana:1',
    "SET lock_timeout = '5s';",
    'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;',
    '--changeset ana:2',
    "SET lock_timeout = '5s';",
    'ALTER TABLE users VALIDATE CONSTRAINT users_org_fk;',
    '--changeset ana:3 runInTransaction:false',
    CIC,
    '--changeset ana:4',
    CIC,
  ].join('\n');
  const dir = folder({ 'changes.sql': text });
  const { set, findings } = await lintFolder(dir);
  assert.equal(set.framework, 'liquibase');
  assert.deepEqual(findings.map((f) => f.rule), ['concurrently-in-transaction']);
  assert.match(findings[0].help, /changeset of its own with `runInTransaction:false`/);
});

test('golang-migrate look-alikes: sqlx (Cargo.toml), ory/popx (.autocommit), node-pg-migrate (package.json)', async () => {
  const fw = (files: Record<string, string>, root = '') => { const dir = folder(files); return loadSet(join(dir, root), nodeFs).framework; };
  assert.equal(fw({ 'Cargo.toml': '[dependencies]\nsqlx = { version = "0.8" }\n', 'migrations/1_a.up.sql': OTHER, 'migrations/1_a.down.sql': 'SELECT 1;' }, 'migrations'), 'sqlx');
  assert.equal(fw({ 'm/1_a.up.sql': OTHER, 'm/1_a.down.sql': 'SELECT 1;', 'm/2_b.autocommit.up.sql': CIC, 'm/2_b.autocommit.down.sql': 'SELECT 1;' }, 'm'), 'ory');
  assert.equal(fw({ 'package.json': '{"devDependencies":{"node-pg-migrate":"^7.0.0"}}', 'migrations/1_a.up.sql': OTHER, 'migrations/1_a.down.sql': 'SELECT 1;' }, 'migrations'), 'node-pg-migrate');
  const verdict = async (files: Record<string, string>, root: string) => {
    const dir = folder(files);
    return (await lintFolder(dir, {}, join(dir, root))).findings.filter((f) => f.rule === 'concurrently-in-transaction').length;
  };
  const cargo = { 'Cargo.toml': '[dependencies]\nsqlx = "0.8"\n' };
  assert.equal(await verdict({ ...cargo, 'migrations/1_a.sql': CIC }, 'migrations'), 1, 'sqlx wraps migrations in a transaction');
  assert.equal(await verdict({ ...cargo, 'migrations/1_a.sql': `-- no-transaction\n${CIC}` }, 'migrations'), 0);
  assert.equal(await verdict({ 'm/1_a.up.sql': CIC, 'm/2_b.autocommit.up.sql': CIC }, 'm'), 1, 'only the non-autocommit migration fails');
});

test('replayed catalog follows CASCADE, schemas, triggers, persistence, identity and generated columns', async () => {
  const dir = folder({
    '1.up.sql': [
      'CREATE SCHEMA audit;',
      'CREATE TABLE audit.events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
      'CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v text, n int GENERATED ALWAYS AS (length(v)) STORED);',
      'CREATE TABLE orgs (id bigint PRIMARY KEY, name text);',
      'CREATE TABLE users (id bigint PRIMARY KEY, org_id bigint REFERENCES orgs (id));',
      'CREATE VIEW org_names AS SELECT name FROM orgs;',
      'CREATE TRIGGER orgs_touch BEFORE UPDATE ON orgs FOR EACH ROW EXECUTE FUNCTION touch();',
    ].join('\n'),
    '2.up.sql': 'ALTER TABLE cache SET LOGGED;\nDROP TABLE orgs CASCADE;\nDROP SCHEMA audit CASCADE;',
  });
  await ensureParser();
  const set = loadSet(dir, nodeFs);
  const catalog = new Catalog();
  lintSet(set, { fs: nodeFs, configFor: () => defaultConfig(), catalog, stopBefore: join(dir, '2.up.sql') });
  assert.equal(catalog.relation({ name: 'cache' })?.unlogged, true);
  assert.equal(catalog.relation({ name: 'cache' })?.columns.get('n')?.generated, 'stored');
  assert.equal(catalog.relation({ schema: 'audit', name: 'events' })?.columns.get('id')?.identity, true);
  assert.deepEqual([...(catalog.relation({ name: 'orgs' })?.triggers ?? [])], ['orgs_touch']);
  assert.deepEqual([...catalog.schemas], ['audit']);
  lintSet(set, { fs: nodeFs, configFor: () => defaultConfig(), catalog, startAt: join(dir, '2.up.sql') });
  assert.equal(catalog.relation({ name: 'cache' })?.unlogged, false);
  assert.equal(catalog.relation({ name: 'orgs' }), undefined);
  assert.equal(catalog.relation({ name: 'org_names' }), undefined, 'the view went with CASCADE');
  assert.equal(catalog.relation({ name: 'users' })?.constraints.get('users_org_id_fkey'), undefined, 'so did the foreign key');
  assert.equal(catalog.relation({ schema: 'audit', name: 'events' }), undefined);
  assert.deepEqual([...catalog.schemas], []);
});

test('ALTER TABLE … SET SCHEMA moves the table (and its indexes) in the replayed catalog', async () => {
  const dir = folder({ '1.up.sql': 'CREATE SCHEMA app;\nCREATE TABLE t (id int PRIMARY KEY, name varchar(10));\nALTER TABLE t SET SCHEMA app;', '2.up.sql': "SET lock_timeout = '5s';\nALTER TABLE app.t ALTER COLUMN name TYPE varchar(5);" });
  const { findings } = await lintFolder(dir);
  assert.deepEqual(findings.map((f) => f.rule), ['alter-column-type-rewrite'], 'the old type is still known after the move');
  const catalog = new Catalog();
  lintSet(loadSet(dir, nodeFs), { fs: nodeFs, configFor: () => defaultConfig(), catalog, stopBefore: join(dir, '2.up.sql') });
  assert.equal(catalog.relation({ schema: 'public', name: 't' }), undefined);
  assert.equal(catalog.relation({ schema: 'app', name: 't' })?.name.schema, 'app');
  assert.equal(catalog.index({ schema: 'app', name: 't_pkey' })?.table.schema, 'app');
});

test('down-does-not-revert: a golang-migrate down file that leaves the up\'s index behind; a complete one is clean', async () => {
  const dir = folder({
    '1_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
    '1_users.down.sql': 'DROP TABLE users;',
    '2_email.up.sql': "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN email SET DEFAULT '';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);",
    '2_email.down.sql': 'ALTER TABLE users ALTER COLUMN email DROP DEFAULT;',
  });
  const { findings } = await lintFolder(dir);
  const f = findings.filter((x) => x.rule === 'down-does-not-revert');
  assert.deepEqual(f.map((x) => x.file), ['2_email.up.sql']);
  assert.match(f[0].message, /Its down file 2_email\.down\.sql does not undo the up migration: replayed on the schema, index public\.users_email_idx on public\.users remains\./);
  writeFileSync(join(dir, '2_email.down.sql'), 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\nALTER TABLE users ALTER COLUMN email DROP DEFAULT;');
  assert.deepEqual((await lintFolder(dir)).findings.filter((x) => x.rule === 'down-does-not-revert'), []);
});

// Round-trip proofs on PGlite (PostgreSQL 18) and, when PGSAFE_PG_URL is set, on a real server:
// for each migration of a folder, in order — the earlier ones applied — snapshot the catalog,
// apply the up the way its runner sends it, apply the generated down, compare with the snapshot,
// apply the up again.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../shared/src/config/types';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { nodeFs } from '../../shared/src/project/fs';
import { loadSet } from '../../shared/src/project/discover';
import { changesets, generateDown } from '../../shared/src/rollback/index';
import { applyMigration, compareSnapshots, execScript, roundTrip, snapshotSchema } from '../../shared/src/rollback/roundtrip';
import { useDatabases, type TestDb } from '../helpers/databases';
import { folder } from '../helpers/fixes';

const databases = useDatabases();
before(async () => {
  await ensureParser();
});

async function isolate(db: TestDb, schema: string) {
  await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema};`);
}

/**
 * Round-trip every up file of the folder in order on every database; returns the statuses of
 * each file's statements.
 */
async function roundTripFolder(files: Record<string, string>, schema: string) {
  const dir = folder(files);
  const set = loadSet(join(dir, 'm'), nodeFs);
  const report: Record<string, string[]> = {};
  for (const db of databases()) {
    await isolate(db, schema);
    for (const f of set.files.filter((x) => x.role === 'up')) {
      const r = generateDown(f.path, nodeFs, () => defaultConfig());
      const text = readFileSync(f.path, 'utf8');
      const rt = await roundTrip(db, () => applyMigration(db, f.path, text, set.framework, nodeFs), r.sql);
      const name = f.path.slice(dir.length + 3);
      assert.equal(rt.failed, undefined, `${db.name}: ${name}: ${JSON.stringify(rt.failed)}\n${r.sql}`);
      assert.deepEqual(rt.differences, [], `${db.name}: ${name} round-trips\n${r.sql}`);
      report[name] = r.items.map((i) => i.status);
    }
  }
  return report;
}

test('creates, alters, renames and comments round-trip exactly', async () => {
  const report = await roundTripFolder({
    'm/001_init.sql': `-- +goose Up
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE SEQUENCE ticket_seq START 100;
CREATE TABLE orgs (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email varchar(100) DEFAULT ''::character varying NOT NULL CONSTRAINT email_nonempty CHECK (email <> ''),
  org_id bigint REFERENCES orgs (id) ON DELETE CASCADE,
  feeling mood,
  created_at timestamptz DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower ON users USING btree (lower(email)) WHERE email IS NOT NULL;
CREATE FUNCTION add1(a int, b text[] DEFAULT '{}') RETURNS int LANGUAGE sql AS 'select a + 1';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at = now(); RETURN NEW; END $$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TABLE users IS 'people';
`,
    'm/002_alter.sql': `-- +goose Up
ALTER TABLE users ADD COLUMN nickname text, ADD COLUMN score numeric(5,2) NOT NULL DEFAULT 0;
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);
ALTER TABLE users ALTER COLUMN created_at SET DEFAULT clock_timestamp();
ALTER TABLE users ALTER COLUMN email DROP DEFAULT;
ALTER TABLE users ALTER COLUMN org_id SET NOT NULL;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE users ADD CONSTRAINT score_positive CHECK (score >= 0) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT score_positive;
CREATE INDEX users_org ON users (org_id);
COMMENT ON TABLE users IS 'members';
COMMENT ON COLUMN users.email IS 'login';
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON users USING (true);
`,
    'm/003_rename.sql': `-- +goose Up
ALTER TABLE users RENAME COLUMN nickname TO handle;
ALTER INDEX users_org RENAME TO users_org_id;
ALTER TABLE users RENAME CONSTRAINT email_nonempty TO mail_nonempty;
ALTER TABLE orgs RENAME TO organisations;
ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
CREATE VIEW active_users AS SELECT id, email FROM users;
CREATE OR REPLACE VIEW active_users AS SELECT id, email, org_id FROM users;
`,
    'm/004_concurrently.sql': `-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY users_created ON users (created_at);
`,
  }, 'rt_a');
  for (const [file, statuses] of Object.entries(report)) assert.ok(statuses.every((s) => s === 'inverted' || s === 'no-op'), `${file}: ${statuses}`);
});

test('drops re-create the structure (PARTIAL ROLLBACK) and round-trip the catalog', async () => {
  const report = await roundTripFolder({
    'm/001_init.sql': `-- +goose Up
CREATE TABLE orgs (id bigint PRIMARY KEY);
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text DEFAULT 'x' NOT NULL CHECK (email <> ''),
  org_id bigint REFERENCES orgs (id) ON DELETE SET NULL,
  UNIQUE (email)
);
CREATE INDEX users_lower ON users (lower(email));
CREATE TABLE logs (id int GENERATED BY DEFAULT AS IDENTITY, user_id bigint REFERENCES users (id), at timestamptz NOT NULL DEFAULT now());
CREATE VIEW emails AS SELECT email FROM users;
CREATE FUNCTION two() RETURNS int LANGUAGE sql AS 'select 2';
`,
    'm/002_changes.sql': `-- +goose Up
ALTER TABLE logs ADD COLUMN level smallint NOT NULL DEFAULT 1 CHECK (level > 0);
ALTER TABLE users ALTER COLUMN email SET DEFAULT 'y';
`,
    'm/003_drops.sql': `-- +goose Up
DROP VIEW emails;
DROP INDEX users_lower;
ALTER TABLE users DROP CONSTRAINT users_email_check;
ALTER TABLE users DROP COLUMN email;
DROP FUNCTION two();
DROP TABLE logs;
`,
  }, 'rt_b');
  assert.deepEqual(report['003_drops.sql'], ['inverted', 'inverted', 'inverted', 'recreated', 'inverted', 'recreated']);
});

test('a down that does not restore the schema is reported object by object', async () => {
  for (const db of databases()) {
    await isolate(db, 'rt_c');
    await db.exec('CREATE TABLE t (id int, n text);');
    const before = await snapshotSchema(db);
    await db.exec('ALTER TABLE t ADD COLUMN extra int; CREATE INDEX t_n ON t (n);');
    await execScript(db, 'DROP INDEX t_n;');
    const diff = compareSnapshots(before, await snapshotSchema(db));
    assert.deepEqual(diff, ['+ column rt_c.t.extra (left behind by the down)'], db.name);
    // Privileges: a grant left behind is reported; grant then revoke (an explicit default ACL) is not.
    const clean = await snapshotSchema(db);
    await db.exec('GRANT SELECT, UPDATE (n) ON t TO PUBLIC;');
    assert.deepEqual(compareSnapshots(clean, await snapshotSchema(db)).map((d) => d.split(':')[0]), ['+ acl rt_c.t (left behind by the down)', '+ column acl rt_c.t.n (left behind by the down)'], db.name);
    await db.exec('REVOKE SELECT, UPDATE (n) ON t FROM PUBLIC;');
    assert.deepEqual(compareSnapshots(clean, await snapshotSchema(db)), [], db.name);
  }
});

test('DROP TABLE / DROP MATERIALIZED VIEW / DROP VIEW CASCADE / enum swaps / renamed columns round-trip the catalog', async () => {
  const report = await roundTripFolder({
    'm/001_init.sql': `-- +goose Up
CREATE TYPE hash AS ENUM ('a', 'b');
CREATE SEQUENCE account_no START 100;
CREATE TABLE accounts (id serial PRIMARY KEY, h hash, buyingasset text, qty int CHECK (qty > 0), at timestamptz DEFAULT now(), no int NOT NULL DEFAULT nextval('account_no'));
ALTER SEQUENCE account_no OWNED BY accounts.no;
CREATE INDEX accounts_buying ON accounts (buyingasset);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at = now(); RETURN NEW; END $$;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TABLE accounts IS 'money';
COMMENT ON COLUMN accounts.qty IS 'how many';
CREATE MATERIALIZED VIEW daily AS SELECT date_trunc('day', at) AS d, count(*) AS n FROM accounts GROUP BY 1;
CREATE INDEX daily_d ON daily (d);
CREATE VIEW base_v AS SELECT id, qty FROM accounts;
CREATE VIEW top_v AS SELECT qty FROM base_v;
`,
    'm/002_rename.sql': `-- +goose Up
ALTER TABLE accounts RENAME COLUMN buyingasset TO buying_asset;
`,
    'm/003_swap_enum.sql': `-- +goose Up
ALTER TYPE hash RENAME TO old_hash;
CREATE TYPE hash AS ENUM ('a', 'b', 'c');
ALTER TABLE accounts ALTER COLUMN h TYPE hash USING h::text::hash;
DROP TYPE old_hash;
`,
    'm/004_drops.sql': `-- +goose Up
DROP INDEX accounts_buying;
DROP MATERIALIZED VIEW daily;
DROP VIEW base_v CASCADE;
`,
    'm/005_drop_table.sql': `-- +goose Up
DROP TABLE accounts;
`,
  }, 'rt_d');
  assert.deepEqual(report['004_drops.sql'], ['inverted', 'inverted', 'inverted']);
  assert.deepEqual(report['005_drop_table.sql'], ['recreated']);
});

test('Liquibase: the --rollback lines pgsafe writes undo each changeset, last first', async () => {
  const dir = folder({ 'cl/changes.sql': `--liquibase formatted sql

--changeset ana:1
CREATE TABLE items (id int PRIMARY KEY, name text);
CREATE INDEX items_name ON items (name);

--changeset ana:2
ALTER TABLE items ADD COLUMN price numeric(10,2) DEFAULT 0 NOT NULL;
COMMENT ON COLUMN items.price IS 'cents';
CREATE FUNCTION items_total() RETURNS numeric LANGUAGE sql AS 'select sum(price) from items';

--changeset ana:3 runInTransaction:false
CREATE INDEX CONCURRENTLY items_price ON items (price);
--changeset bob:4
ALTER TABLE items RENAME COLUMN name TO title;
ALTER TABLE items ALTER COLUMN price TYPE numeric(12,2);
` });
  const path = join(dir, 'cl/changes.sql');
  const r = generateDown(path, nodeFs, () => defaultConfig());
  assert.equal(r.partial, false);
  const sets = changesets(r.placement.content!);
  assert.deepEqual(sets.map((c) => c.rollback !== undefined), [true, true, true, true]);
  for (const db of databases()) {
    await isolate(db, 'rt_lb');
    const snapshots = [];
    for (const c of sets) {
      snapshots.push(await snapshotSchema(db));
      await execScript(db, r.placement.content!.slice(c.bodyStart, c.end));
    }
    for (let i = sets.length - 1; i >= 0; i--) {
      await execScript(db, sets[i].rollback!);
      assert.deepEqual(compareSnapshots(snapshots[i], await snapshotSchema(db)), [], `${db.name}: changeset ${sets[i].id} rolled back`);
    }
  }
});

test('DROP TABLE puts back row level security (ENABLE / FORCE), the policies and the GRANTs, through policy and table renames', async () => {
  const files = {
    'm/001_init.sql': `-- +goose Up
CREATE TABLE teams (id int PRIMARY KEY);
-- No NOT NULL column: PostgreSQL 18 keeps a renamed table's not-null constraint names (docs_id_not_null), which the re-created table would not.
CREATE TABLE docs (id int UNIQUE, owner text, team_id int, at timestamptz);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
ALTER TABLE docs FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON docs FOR SELECT USING (owner = current_user);
CREATE POLICY team ON docs AS RESTRICTIVE FOR UPDATE USING (team_id IN (SELECT id FROM teams)) WITH CHECK (team_id > 0);
CREATE POLICY tmp ON docs USING (true);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at = now(); RETURN NEW; END $$;
CREATE TRIGGER docs_touch BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION touch();
GRANT SELECT, UPDATE (owner, team_id) ON docs TO PUBLIC;
REVOKE UPDATE (team_id) ON TABLE docs FROM PUBLIC;
`,
    'm/002_rename.sql': `-- +goose Up
GRANT INSERT ON docs, teams TO PUBLIC;
ALTER POLICY own ON docs RENAME TO owner_only;
ALTER POLICY owner_only ON docs TO public USING (owner = session_user);
ALTER TABLE docs RENAME TO documents;
DROP POLICY tmp ON documents;
`,
    'm/003_drop.sql': `-- +goose Up
DROP TABLE documents;
`,
  };
  const report = await roundTripFolder(files, 'rt_rls');
  assert.deepEqual(report['002_rename.sql'], ['inverted', 'inverted', 'inverted', 'inverted', 'inverted']);
  assert.deepEqual(report['003_drop.sql'], ['recreated']);
  // The snapshot compared pg_policies and the row security flags; read pg_class / pg_policy directly too.
  const dir = folder(files);
  const down = generateDown(join(dir, 'm/003_drop.sql'), nodeFs, () => defaultConfig());
  for (const db of databases()) {
    await execScript(db, down.sql);
    const rls = (await db.query(`select relrowsecurity, relforcerowsecurity from pg_class where oid = 'documents'::regclass`)).rows;
    assert.deepEqual(rls, [{ relrowsecurity: true, relforcerowsecurity: true }], db.name);
    const policies = (await db.query(`select polname, polcmd::text as cmd, polpermissive as permissive, pg_get_expr(polqual, polrelid) as qual, pg_get_expr(polwithcheck, polrelid) as chk
      from pg_policy where polrelid = 'documents'::regclass order by polname`)).rows;
    assert.deepEqual(policies.map((p: any) => [p.polname, p.cmd, p.permissive]), [['owner_only', 'r', true], ['team', 'w', false]], db.name);
    assert.match(policies[0].qual, /SESSION_USER/i, 'the ALTER POLICY … USING made after the CREATE is replayed');
    assert.match(policies[1].qual, /teams/);
    assert.match(policies[1].chk, /team_id > 0/);
    const trig = (await db.query(`select tgname from pg_trigger where tgrelid = 'documents'::regclass and not tgisinternal`)).rows;
    assert.deepEqual(trig, [{ tgname: 'docs_touch' }], `${db.name}: the trigger followed the table rename`);
    const granted = (await db.query(`select privilege_type as p from pg_class c, aclexplode(c.relacl) x where c.oid = 'documents'::regclass and x.grantee = 0 order by 1`)).rows;
    assert.deepEqual(granted.map((r: any) => r.p), ['INSERT', 'SELECT'], `${db.name}: table privileges granted since it was created are put back`);
    const columns = (await db.query(`select a.attname, x.privilege_type as p from pg_attribute a, aclexplode(a.attacl) x where a.attrelid = 'documents'::regclass and x.grantee = 0 order by 1`)).rows;
    assert.deepEqual(columns.map((r: any) => `${r.attname} ${r.p}`), ['owner UPDATE'], `${db.name}: column privileges too, REVOKE replayed`);
  }
});

test('a view, trigger or policy whose text names a table renamed since is never re-created from that text', async () => {
  const dir = folder({
    'm/001_init.sql': `-- +goose Up
CREATE TABLE jobs (id int, name text);
CREATE TABLE runs (id int, job_id int);
CREATE VIEW jobs_view AS SELECT id, name FROM jobs;
CREATE FUNCTION chk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER runs_job AFTER INSERT ON runs FROM jobs FOR EACH ROW EXECUTE FUNCTION chk();
CREATE POLICY by_job ON runs USING (job_id IN (SELECT id FROM jobs));
`,
    // A new table takes the old name: the old texts would now read it instead of tasks.
    'm/002_rename.sql': `-- +goose Up
ALTER TABLE jobs RENAME TO tasks;
CREATE TABLE jobs (id int, name text, extra int);
`,
    'm/003_drop.sql': `-- +goose Up
DROP VIEW jobs_view;
DROP TRIGGER runs_job ON runs;
DROP POLICY by_job ON runs;
`,
  });
  const set = loadSet(join(dir, 'm'), nodeFs);
  const down = generateDown(join(dir, 'm/003_drop.sql'), nodeFs, () => defaultConfig());
  assert.deepEqual(down.items.map((i) => i.status), ['unsupported', 'unsupported', 'unsupported']);
  for (const i of down.items) assert.match(i.reason!, /renamed to tasks/);
  assert.match(down.sql, /PARTIAL ROLLBACK/);
  for (const db of databases()) {
    await isolate(db, 'rt_stale');
    for (const f of set.files.filter((x) => x.role === 'up')) await applyMigration(db, f.path, readFileSync(f.path, 'utf8'), set.framework, nodeFs);
    await execScript(db, down.sql);
    // Nothing was put back on the new jobs table: the old texts would have read it.
    const onJobs = (await db.query(`select c.relname from pg_depend d join pg_rewrite r on r.oid = d.objid join pg_class c on c.oid = r.ev_class
      where d.refobjid = 'jobs'::regclass and c.relname <> 'jobs'
      union all select tgname from pg_trigger where tgconstrrelid = 'jobs'::regclass
      union all select polname from pg_policy where polrelid = 'runs'::regclass`)).rows;
    assert.deepEqual(onJobs, [], db.name);
  }
});

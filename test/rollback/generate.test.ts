// Rollback generation: up → expected down per statement kind (golden), the PARTIAL ROLLBACK /
// irreversible headers, and that everything generated parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { splitStatements } from '../../shared/src/parse/split';
import { advance, downForText, emptyState } from '../../shared/src/rollback/generate';

const BASE = `CREATE TABLE orgs (id bigint PRIMARY KEY);
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email varchar(100) DEFAULT ''::character varying NOT NULL CONSTRAINT email_nonempty CHECK (email <> ''),
  org_id bigint REFERENCES orgs (id) ON DELETE CASCADE,
  created_at timestamptz DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower ON users USING btree (lower(email)) WHERE email IS NOT NULL;
CREATE TYPE mood AS ENUM ('happy', 'sad');
COMMENT ON TABLE users IS 'people';
CREATE VIEW active_users AS SELECT id, email FROM users;
CREATE FUNCTION add1(a int, b text[] DEFAULT '{}') RETURNS int LANGUAGE sql AS 'select a + 1';
`;

/** The down statements of `up` (after BASE), without the header comments. */
async function downOf(up: string, base = BASE) {
  await ensureParser();
  const state = emptyState();
  advance(state, base);
  const d = downForText(up, state, 'm.sql');
  const body = d.sql.split('\n').filter((l) => l && !l.startsWith('--')).join('\n');
  for (const s of splitStatements(d.sql).statements) assert.equal(s.error, undefined, `generated down parses: ${s.text}`);
  return { d, body };
}

const cases: [string, string, string][] = [
  ['CREATE TABLE', 'CREATE TABLE t (id int);', 'DROP TABLE IF EXISTS t;'],
  ['CREATE TABLE IF NOT EXISTS on an existing table', 'CREATE TABLE IF NOT EXISTS users (id int);', ''],
  ['CREATE INDEX (unnamed)', 'CREATE INDEX ON users (created_at);', 'DROP INDEX IF EXISTS users_created_at_idx;'],
  ['CREATE INDEX CONCURRENTLY', 'CREATE INDEX CONCURRENTLY users_org ON public.users (org_id);', 'DROP INDEX CONCURRENTLY IF EXISTS public.users_org;'],
  ['CREATE VIEW', 'CREATE VIEW v AS SELECT 1;', 'DROP VIEW IF EXISTS v;'],
  ['CREATE OR REPLACE VIEW restores the previous definition', 'CREATE OR REPLACE VIEW active_users AS SELECT id, email, org_id FROM users;', 'DROP VIEW IF EXISTS active_users;\nCREATE VIEW active_users AS SELECT id, email FROM users;'],
  ['CREATE OR REPLACE FUNCTION restores the previous definition', "CREATE OR REPLACE FUNCTION add1(a int, b text[] DEFAULT '{}') RETURNS int LANGUAGE sql AS 'select a + 2';", "CREATE OR REPLACE FUNCTION add1(a int, b text[] DEFAULT '{}') RETURNS int LANGUAGE sql AS 'select a + 1';"],
  ['CREATE MATERIALIZED VIEW', 'CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;', 'DROP MATERIALIZED VIEW IF EXISTS mv;'],
  ['CREATE SEQUENCE', 'CREATE SEQUENCE s;', 'DROP SEQUENCE IF EXISTS s;'],
  ['CREATE TYPE enum', "CREATE TYPE color AS ENUM ('red');", 'DROP TYPE IF EXISTS color;'],
  ['CREATE DOMAIN', 'CREATE DOMAIN posint AS int CHECK (VALUE > 0);', 'DROP DOMAIN IF EXISTS posint;'],
  ['CREATE FUNCTION', "CREATE FUNCTION f(x int, y text DEFAULT 'a', OUT z int) LANGUAGE sql AS 'select 1';", 'DROP FUNCTION IF EXISTS f(x int, y text, OUT z int);'],
  ['CREATE TRIGGER', 'CREATE TRIGGER trg BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION add1();', 'DROP TRIGGER IF EXISTS trg ON users;'],
  ['CREATE EXTENSION', 'CREATE EXTENSION IF NOT EXISTS pg_trgm;', 'DROP EXTENSION IF EXISTS pg_trgm;'],
  ['CREATE SCHEMA', 'CREATE SCHEMA app;', 'DROP SCHEMA IF EXISTS app;'],
  ['CREATE POLICY', 'CREATE POLICY p ON users USING (true);', 'DROP POLICY IF EXISTS p ON users;'],
  ['ADD COLUMN', 'ALTER TABLE users ADD COLUMN nickname text;', 'ALTER TABLE users DROP COLUMN IF EXISTS nickname;'],
  ['ADD CONSTRAINT (unnamed FK)', 'ALTER TABLE users ADD FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;', 'ALTER TABLE users DROP CONSTRAINT IF EXISTS users_org_id_fkey;'],
  ['SET NOT NULL', 'ALTER TABLE users ALTER COLUMN org_id SET NOT NULL;', 'ALTER TABLE users ALTER COLUMN org_id DROP NOT NULL;'],
  ['DROP NOT NULL', 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;', 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;'],
  ['SET DEFAULT (previous default)', 'ALTER TABLE users ALTER COLUMN created_at SET DEFAULT clock_timestamp();', 'ALTER TABLE users ALTER COLUMN created_at SET DEFAULT now();'],
  ['SET DEFAULT (no previous default)', 'ALTER TABLE users ALTER COLUMN org_id SET DEFAULT 1;', 'ALTER TABLE users ALTER COLUMN org_id DROP DEFAULT;'],
  ['DROP DEFAULT', 'ALTER TABLE users ALTER COLUMN email DROP DEFAULT;', "ALTER TABLE users ALTER COLUMN email SET DEFAULT ''::character varying;"],
  ['ALTER TYPE', 'ALTER TABLE users ALTER COLUMN email TYPE text;', 'ALTER TABLE users ALTER COLUMN email TYPE varchar(100) USING email::varchar(100);'],
  ['several subcommands, reversed', 'ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int;', 'ALTER TABLE users DROP COLUMN IF EXISTS b;\nALTER TABLE users DROP COLUMN IF EXISTS a;'],
  ['SET (storage parameters)', 'ALTER TABLE users SET (fillfactor = 70, autovacuum_enabled = false);', 'ALTER TABLE users RESET (fillfactor, autovacuum_enabled);'],
  ['RENAME COLUMN', 'ALTER TABLE users RENAME COLUMN email TO mail;', 'ALTER TABLE users RENAME COLUMN mail TO email;'],
  ['RENAME TABLE', 'ALTER TABLE public.users RENAME TO members;', 'ALTER TABLE public.members RENAME TO users;'],
  ['RENAME INDEX', 'ALTER INDEX users_email_lower RENAME TO users_mail;', 'ALTER INDEX users_mail RENAME TO users_email_lower;'],
  ['RENAME CONSTRAINT', 'ALTER TABLE users RENAME CONSTRAINT email_nonempty TO mail_nonempty;', 'ALTER TABLE users RENAME CONSTRAINT mail_nonempty TO email_nonempty;'],
  ['RENAME enum value', "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';", "ALTER TYPE mood RENAME VALUE 'blue' TO 'sad';"],
  ['COMMENT ON (previous value)', "COMMENT ON TABLE users IS 'members';", "COMMENT ON TABLE users IS 'people';"],
  ['COMMENT ON (no previous value)', "COMMENT ON COLUMN users.email IS 'login';", 'COMMENT ON COLUMN users.email IS NULL;'],
  ['DROP CONSTRAINT re-adds it', 'ALTER TABLE users DROP CONSTRAINT email_nonempty;', "ALTER TABLE users ADD CONSTRAINT email_nonempty CHECK (email <> '');"],
  ['DROP CONSTRAINT of a column-level FK', 'ALTER TABLE users DROP CONSTRAINT users_org_id_fkey;', 'ALTER TABLE users ADD CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE;'],
  ['DROP INDEX re-creates it', 'DROP INDEX CONCURRENTLY users_email_lower;', 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_lower ON users USING btree (lower(email)) WHERE email IS NOT NULL;'],
  ['DROP VIEW', 'DROP VIEW active_users;', 'CREATE VIEW active_users AS SELECT id, email FROM users;'],
  ['DROP FUNCTION', 'DROP FUNCTION add1(int, text[]);', "CREATE FUNCTION add1(a int, b text[] DEFAULT '{}') RETURNS int LANGUAGE sql AS 'select a + 1';"],
  ['DROP TYPE (enum from the schema)', 'DROP TYPE mood;', "CREATE TYPE mood AS ENUM ('happy', 'sad');"],
  ['GRANT', 'GRANT SELECT, UPDATE ON users TO app WITH GRANT OPTION;', 'REVOKE SELECT, UPDATE ON users FROM app;'],
  ['SET / BEGIN / COMMIT are no-ops', "BEGIN; SET LOCAL lock_timeout = '1s'; COMMIT;", ''],
];

for (const [name, up, expected] of cases) {
  test(`down of ${name}`, async () => {
    const { d, body } = await downOf(up);
    assert.equal(body, expected);
    assert.equal(d.partial, false, JSON.stringify(d.items));
  });
}

test('DROP COLUMN re-creates the column, its constraints and indexes under a PARTIAL ROLLBACK header', async () => {
  const { d, body } = await downOf('ALTER TABLE users DROP COLUMN email;');
  assert.equal(body, [
    "ALTER TABLE users ADD COLUMN email varchar(100) DEFAULT ''::character varying NOT NULL;",
    "ALTER TABLE users ADD CONSTRAINT email_nonempty CHECK (email <> '');",
    'CREATE UNIQUE INDEX IF NOT EXISTS users_email_lower ON users USING btree (lower(email)) WHERE email IS NOT NULL;',
  ].join('\n'));
  assert.equal(d.partial, true);
  assert.equal(d.items[0].status, 'recreated');
  assert.match(d.sql, /^-- PARTIAL ROLLBACK: /m);
  assert.match(d.sql, /line 1 \(data lost\): ALTER TABLE users DROP COLUMN email/);
  assert.match(d.sql, /restore them from a backup/);
});

test('DROP TABLE re-creates the table from its original text (never altered) and its indexes', async () => {
  const { d, body } = await downOf('DROP TABLE users CASCADE;');
  assert.match(body, /^CREATE TABLE users \(\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,/);
  assert.match(body, /CREATE UNIQUE INDEX IF NOT EXISTS users_email_lower ON users/);
  assert.equal(d.items[0].status, 'recreated');
  assert.match(d.sql, /PARTIAL ROLLBACK/);
});

test('DROP TABLE of an altered table is built from the replayed schema', async () => {
  const { body } = await downOf('DROP TABLE users;', BASE + 'ALTER TABLE users ADD COLUMN score numeric(5,2) NOT NULL DEFAULT 0;\n');
  assert.equal(body.split('\n').slice(0, 9).join('\n'), [
    'CREATE TABLE users (',
    '  id bigint GENERATED ALWAYS AS IDENTITY,',
    "  email varchar(100) DEFAULT ''::character varying NOT NULL,",
    '  org_id bigint,',
    '  created_at timestamptz DEFAULT now(),',
    '  score numeric(5,2) DEFAULT 0 NOT NULL,',
    '  CONSTRAINT users_pkey PRIMARY KEY (id),',
    "  CONSTRAINT email_nonempty CHECK (email <> ''),",
    '  CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE',
  ].join('\n'));
});

test('ALTER TYPE … ADD VALUE is explained as irreversible', async () => {
  const { d, body } = await downOf("ALTER TYPE mood ADD VALUE 'meh';");
  assert.equal(body, '');
  assert.equal(d.items[0].status, 'irreversible');
  assert.match(d.sql, /line 1 \(irreversible\): ALTER TYPE mood ADD VALUE 'meh'/);
  assert.match(d.sql, /cannot remove a value from an enum/);
  assert.match(d.sql, /-- NOT REVERTED \(line 1, irreversible\)/);
});

test('data changes are flagged, not inverted', async () => {
  for (const sql of ["UPDATE users SET email = 'x';", 'DELETE FROM users;', 'INSERT INTO orgs VALUES (1);', 'TRUNCATE users;']) {
    const { d } = await downOf(sql);
    assert.equal(d.items[0].status, 'data', sql);
    assert.match(d.sql, /\(data change\)/);
    assert.equal(d.partial, true);
  }
});

test('unsupported statements are listed, never skipped silently', async () => {
  const { d } = await downOf("DO $$ BEGIN PERFORM 1; END $$;\nSELECT setval('s', 10);\nALTER TABLE users OWNER TO bob;");
  assert.deepEqual(d.items.map((i) => i.status), ['unsupported', 'unsupported', 'unsupported']);
  assert.equal(d.partial, true);
  assert.equal((d.sql.match(/-- NOT REVERTED/g) ?? []).length, 3);
});

test('statements are reverted in reverse order, each against the schema before it', async () => {
  const { body } = await downOf('ALTER TABLE users ALTER COLUMN created_at SET DEFAULT now() + interval \'1 day\';\nALTER TABLE users ALTER COLUMN created_at SET DEFAULT clock_timestamp();');
  assert.equal(body, "ALTER TABLE users ALTER COLUMN created_at SET DEFAULT now() + interval '1 day';\nALTER TABLE users ALTER COLUMN created_at SET DEFAULT now();");
});

test('only the up part of a file with sections is reverted', async () => {
  const { body } = await downOf('-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n');
  assert.equal(body, 'DROP TABLE IF EXISTS t;');
});

test('DROP TABLE also puts back its triggers and the comments on it and its columns', async () => {
  const base = BASE + `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON COLUMN users.email IS 'login';
ALTER TABLE users RENAME COLUMN created_at TO made_at;
COMMENT ON COLUMN users.made_at IS 'it''s when';
COMMENT ON COLUMN users.org_id IS 'gone';
COMMENT ON COLUMN users.org_id IS NULL;
`;
  const { d, body } = await downOf('DROP TABLE users CASCADE;', base);
  assert.equal(d.items[0].status, 'recreated');
  const tail = body.split('\n').filter((l) => /^(CREATE TRIGGER|COMMENT ON)/.test(l));
  assert.deepEqual(tail, [
    'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();',
    "COMMENT ON TABLE users IS 'people';",
    "COMMENT ON COLUMN users.email IS 'login';",
    "COMMENT ON COLUMN users.made_at IS 'it''s when';",
  ]);
  assert.match(body, /^CREATE VIEW active_users AS SELECT id, email FROM users;$/m, 'CASCADE dropped the view: it is re-created after the table');
});

test('DROP MATERIALIZED VIEW re-creates its indexes; DROP VIEW … CASCADE re-creates the views that read it', async () => {
  const base = `CREATE TABLE ev (at timestamptz, kind text);
CREATE MATERIALIZED VIEW daily AS SELECT date_trunc('day', at) AS d, count(*) AS n FROM ev GROUP BY 1;
CREATE INDEX daily_d ON daily (d);
CREATE VIEW base_v AS SELECT at, kind FROM ev;
CREATE VIEW top_v AS SELECT kind FROM base_v;
COMMENT ON VIEW top_v IS 'kinds';
`;
  const mv = await downOf('DROP MATERIALIZED VIEW IF EXISTS daily;', base);
  assert.equal(mv.d.items[0].status, 'inverted');
  assert.match(mv.body, /CREATE MATERIALIZED VIEW daily AS [^\n]*;\nCREATE INDEX IF NOT EXISTS daily_d ON daily \(d\);/);
  const v = await downOf('DROP VIEW base_v CASCADE;', base);
  assert.equal(v.d.items[0].status, 'inverted');
  assert.equal(v.body, "CREATE VIEW base_v AS SELECT at, kind FROM ev;\nCREATE VIEW top_v AS SELECT kind FROM base_v;\nCOMMENT ON VIEW top_v IS 'kinds';");
});

test('a type change between enums goes through text in USING', async () => {
  const base = `CREATE TYPE hash AS ENUM ('a', 'b');\nCREATE TABLE u (h hash);\n`;
  const { body } = await downOf(`ALTER TYPE hash RENAME TO old_hash;
CREATE TYPE hash AS ENUM ('a', 'b', 'c');
ALTER TABLE u ALTER COLUMN h TYPE hash USING h::text::hash;
DROP TYPE old_hash;`, base);
  assert.equal(body, [
    "CREATE TYPE old_hash AS ENUM ('a', 'b');",
    'ALTER TABLE u ALTER COLUMN h TYPE old_hash USING h::text::old_hash;',
    'DROP TYPE IF EXISTS hash;',
    'ALTER TYPE old_hash RENAME TO hash;',
  ].join('\n'));
  const plain = await downOf('ALTER TABLE u ALTER COLUMN h TYPE text;', base);
  assert.equal(plain.body, 'ALTER TABLE u ALTER COLUMN h TYPE hash USING h::text::hash;');
});

test('an index re-created after a column rename names the column by its new name', async () => {
  const base = `CREATE TABLE offers (buyingasset text, n int CHECK (n > 0));
CREATE INDEX offers_by_buying ON offers USING BTREE(buyingasset);
CREATE INDEX offers_quoted ON offers ("buyingasset", lower(buyingasset)) WHERE buyingasset <> 'buyingasset';
ALTER TABLE offers RENAME COLUMN buyingasset TO buying_asset;
ALTER TABLE offers RENAME COLUMN n TO qty;
`;
  const { body } = await downOf('DROP INDEX offers_by_buying, offers_quoted;\nALTER TABLE offers DROP CONSTRAINT offers_n_check;', base);
  assert.equal(body, [
    'ALTER TABLE offers ADD CONSTRAINT offers_n_check CHECK (qty > 0);',
    "CREATE INDEX IF NOT EXISTS offers_quoted ON offers (buying_asset, lower(buying_asset)) WHERE buying_asset <> 'buyingasset';",
    'CREATE INDEX IF NOT EXISTS offers_by_buying ON offers USING BTREE(buying_asset);',
  ].join('\n'));
});

test('a view whose column was renamed after it was created is not re-created from its stale text', async () => {
  const base = `CREATE TABLE jobs (id int, name text);
CREATE VIEW jobs_view AS SELECT id, name FROM jobs;
ALTER TABLE jobs RENAME COLUMN name TO simple_name;
`;
  const { d } = await downOf('DROP VIEW jobs_view;', base);
  assert.equal(d.items[0].status, 'unsupported');
  assert.match(d.items[0].reason!, /created before column name of jobs was renamed to simple_name/);
  const replaced = await downOf('CREATE OR REPLACE VIEW jobs_view AS SELECT id, simple_name FROM jobs;', base);
  assert.equal(replaced.d.items[0].status, 'unsupported');
});

test('DROP TABLE re-creates the sequences it owned (OWNED BY) before it and owns them again after', async () => {
  const base = `CREATE SEQUENCE s START 5;
CREATE TABLE t (id int DEFAULT nextval('s') NOT NULL, n int);
ALTER SEQUENCE s OWNED BY t.id;
ALTER TABLE t RENAME COLUMN id TO ident;
`;
  const { d, body } = await downOf('DROP TABLE t;', base);
  assert.equal(d.items[0].status, 'recreated');
  assert.deepEqual(body.split('\n').filter((l) => /SEQUENCE/.test(l)), ['CREATE SEQUENCE s START 5;', 'ALTER SEQUENCE s OWNED BY t.ident;']);
  assert.ok(body.indexOf('CREATE SEQUENCE s') < body.indexOf('CREATE TABLE t'));
  const disowned = await downOf('DROP TABLE t;', base + 'ALTER SEQUENCE s OWNED BY NONE;\n');
  assert.doesNotMatch(disowned.body, /SEQUENCE/, 'a sequence owned by nothing survives the DROP TABLE');
});

test('a view or trigger whose text names a table renamed since is stale; a table rename moves its own triggers', async () => {
  const base = `CREATE TABLE jobs (id int, name text);
CREATE TABLE runs (id int, job_id int);
CREATE VIEW jobs_view AS SELECT id, name FROM jobs;
CREATE FUNCTION chk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER runs_job AFTER INSERT ON runs FROM jobs FOR EACH ROW EXECUTE FUNCTION chk();
CREATE TRIGGER jobs_chk BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION chk();
ALTER TABLE jobs RENAME TO tasks;
`;
  for (const up of ['DROP VIEW jobs_view;', 'CREATE OR REPLACE VIEW jobs_view AS SELECT id, name FROM tasks;', 'DROP TRIGGER runs_job ON runs;', 'DROP TABLE runs;']) {
    const { d, body } = await downOf(up, base);
    assert.equal(d.items[0].status, 'unsupported', up);
    assert.match(d.items[0].reason!, /before table jobs was renamed to tasks/, up);
    assert.doesNotMatch(body, /\bjobs\b(?!_)/, up);
  }
  const { body } = await downOf('DROP TRIGGER jobs_chk ON tasks;', base);
  assert.equal(body, 'CREATE TRIGGER jobs_chk BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION chk();');
  const renamed = await downOf('DROP TRIGGER t2 ON tasks;', base + 'ALTER TRIGGER jobs_chk ON tasks RENAME TO t2;\n');
  assert.equal(renamed.body, 'CREATE TRIGGER t2 BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION chk();');
  // Re-created since the rename: the new text is current again.
  const again = await downOf('DROP VIEW jobs_view;', base + 'CREATE OR REPLACE VIEW jobs_view AS SELECT id, name FROM tasks;\n');
  assert.equal(again.d.items[0].status, 'inverted');
});

test('DROP TABLE reports the policies and row security it cannot put back; row security inverses use the known state', async () => {
  const base = `CREATE TABLE teams (id int);
CREATE TABLE docs (id int, team_id int);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY team ON docs USING (team_id IN (SELECT id FROM teams));
CREATE POLICY open ON docs USING (true);
ALTER TABLE teams RENAME TO groups;
`;
  const { d, body } = await downOf('DROP TABLE docs;', base);
  assert.equal(d.items[0].status, 'recreated');
  assert.match(d.items[0].reason!, /policy team on docs is not re-created: its text names teams, which was renamed to groups/);
  assert.match(body, /ALTER TABLE docs ENABLE ROW LEVEL SECURITY;\nCREATE POLICY open ON docs USING \(true\);$/);
  assert.doesNotMatch(body, /POLICY team/);
  const viaDo = await downOf('DROP TABLE docs;', base + `DO $$ BEGIN EXECUTE 'CREATE POLICY p2 ON docs USING (true)'; END $$;\n`);
  assert.match(viaDo.d.items[0].reason!, /docs may have had row level security or policies that pgsafe cannot read: a DO block/);
  assert.equal((await downOf('ALTER TABLE docs ENABLE ROW LEVEL SECURITY;', base)).d.items[0].status, 'no-op');
  const off = await downOf('ALTER TABLE docs DISABLE ROW LEVEL SECURITY;', base);
  assert.deepEqual([off.body, off.d.items[0].reason], ['ALTER TABLE docs ENABLE ROW LEVEL SECURITY;', undefined]);
  const schemaWide = await downOf('DROP TABLE docs;', base + 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;\nALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;\n');
  assert.match(schemaWide.d.items[0].reason!, /the privileges on docs may differ: a GRANT or REVOKE on ALL TABLES IN SCHEMA ran after it was created; default privileges changed after it was created/);
  const unknown = await downOf('ALTER TABLE elsewhere ENABLE ROW LEVEL SECURITY;', base);
  assert.match(unknown.d.items[0].reason!, /assumes row level security was off before/);
});

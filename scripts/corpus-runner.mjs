// The per-repository set-up the corpus scripts share (pglite-agreement, corpus-rollback,
// corpus-verify, bench/verify): what each repository's migration runner does before or around
// the files (its own tables, placeholders it substitutes, extensions its docker init installs),
// the Supabase stub basejump needs, and the repositories PGlite cannot run, with the reason.
// Facts: ../shared/reference/pglite-corpus.md ("Workarounds used", "Runner behaviour").
// Needs a build first (it loads out/).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
export const root = new URL('..', import.meta.url).pathname;
export const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');
const out = (p) => require(join(root, 'out', p));
const { setsFor } = out('shared/src/project/discover.js');
const { cachedFs, nodeFs } = out('shared/src/project/fs.js');
const { selectFiles } = out('server/src/cli/files.js');

/**
 * A minimal Supabase (pglite-corpus.md, workaround 2): the roles, the `extensions` schema with
 * uuid-ossp and pgcrypto, `auth.users` with auth.uid() / role() / email() / jwt() reading the
 * request.jwt.claim* settings, and storage.buckets / objects with their path helpers.
 */
export const SUPABASE_STUB = `
create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role supabase_admin nologin;
create role authenticator noinherit;
grant anon, authenticated, service_role to authenticator;
create schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
create schema auth;
create table auth.users (
  instance_id uuid, id uuid primary key, aud varchar(255), role varchar(255), email varchar(255) unique,
  encrypted_password varchar(255), email_confirmed_at timestamptz, raw_app_meta_data jsonb, raw_user_meta_data jsonb,
  is_super_admin boolean, created_at timestamptz, updated_at timestamptz, phone text unique, last_sign_in_at timestamptz
);
create function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $$;
create function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text $$;
create function auth.email() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text $$;
create function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''), nullif(current_setting('request.jwt.claims', true), ''))::jsonb $$;
create schema storage;
create table storage.buckets (id text primary key, name text not null unique, owner uuid, public boolean default false, created_at timestamptz default now(), updated_at timestamptz default now());
create table storage.objects (
  id uuid primary key default extensions.uuid_generate_v4(), bucket_id text references storage.buckets (id), name text, owner uuid, owner_id text,
  created_at timestamptz default now(), updated_at timestamptz default now(), last_accessed_at timestamptz default now(), metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored
);
create function storage.foldername(name text) returns text[] language sql immutable as $$ select (string_to_array(name, '/'))[1:array_length(string_to_array(name, '/'), 1) - 1] $$;
create function storage.filename(name text) returns text language sql immutable as $$ select (string_to_array(name, '/'))[array_length(string_to_array(name, '/'), 1)] $$;
create function storage.extension(name text) returns text language sql immutable as $$ select reverse(split_part(reverse(storage.filename(name)), '.', 1)) $$;
set search_path to "$user", public, extensions;
`;

const GOLANG_MIGRATE = 'create table schema_migrations (version bigint primary key, dirty boolean not null);';

/**
 * What each repository's runner does before or around the files. `before`: SQL run once on the
 * fresh database; `text`: the runner's substitution of placeholders; `extensions`: contrib
 * extensions to load into PGlite; `runnerTables`: the runner's own tables (not the migrations');
 * `transaction`: the runner wraps each file in a transaction although the framework detection
 * cannot see it.
 */
export const RUNNER = {
  'graphile/worker': {
    before: 'create schema graphile_worker; create table graphile_worker.migrations (id int primary key, ts timestamptz default now() not null);',
    // graphile-worker's runMigration substitutes the schema (regex /:GRAPHILE_WORKER_SCHEMA\b/g).
    text: (t) => t.replace(/:GRAPHILE_WORKER_SCHEMA\b/g, 'graphile_worker'),
    runnerTables: ['graphile_worker.migrations'],
    transaction: true,
  },
  // golang-migrate creates its version table first (harbor's 0030 alters it).
  'goharbor/harbor': { before: GOLANG_MIGRATE, runnerTables: ['public.schema_migrations'] },
  'ente-io/ente': { before: GOLANG_MIGRATE, runnerTables: ['public.schema_migrations'] },
  // The repository's own docker initdb script creates these extensions (pglite-corpus.md, workaround 1).
  'chirpstack/chirpstack': { before: 'create extension if not exists pg_trgm; create extension if not exists hstore;', extensions: ['pg_trgm', 'hstore'] },
  // The Supabase CLI applies basejump on a Supabase database: roles, auth, storage (workaround 2).
  'usebasejump/basejump': { before: SUPABASE_STUB, extensions: ['uuid-ossp', 'pgcrypto'], runnerTables: ['auth.users', 'storage.buckets', 'storage.objects'] },
};

/** Repositories PGlite cannot run, and why. */
export const NOT_APPLICABLE = {
  'mckaywrigley/chatbot-ui': 'needs the `http` extension, which PGlite does not ship',
  'supabase/postgres': 'needs the supabase_admin role and the `pgjwt` extension, which PGlite does not ship (and later demotes the bootstrap superuser, which PGlite refuses)',
  'supabase/storage': "needs the Storage runner's bootstrap (three databases, schemas, search_path, storage.* settings), not reproduced here",
};

/** Contrib extensions the PGlite-snapshot scripts load into every database. */
export const SNAPSHOT_EXTENSIONS = ['pg_trgm', 'btree_gist', 'hstore', 'uuid_ossp', 'pgcrypto', 'citext'];

/** Those extensions as PGlite `extensions` option, loaded from @electric-sql/pglite/contrib. */
export async function pgliteExtensions(names = SNAPSHOT_EXTENSIONS) {
  const ext = {};
  for (const n of names) {
    const key = n.replace(/-/g, '_');
    ext[key] = (await import(`@electric-sql/pglite/contrib/${key}`))[key];
  }
  return ext;
}

export function manifest() {
  return JSON.parse(readFileSync(join(corpus, 'MANIFEST.json'), 'utf8'));
}

/**
 * One repository's migration sets, read through the runner's placeholder substitution (the
 * model and the database see the same text), in the order the repository applies them.
 */
export function repoSets(m) {
  const runner = RUNNER[m.repo] ?? {};
  const dir = join(corpus, m.repo.replace('/', '__'), m.migrations_dir);
  const base = cachedFs(nodeFs);
  const fs = runner.text ? { ...base, readText: (p) => { const t = base.readText(p); return t === undefined ? t : runner.text(t); } } : base;
  const { files } = selectFiles([dir], '/');
  const sets = setsFor(files, fs);
  // chef-server: the baseline sqitch project is deployed before the others.
  if (m.repo === 'chef/chef-server') sets.sort((a, b) => (a.root.endsWith('baseline') ? -1 : b.root.endsWith('baseline') ? 1 : 0));
  return { runner, dir, fs, sets };
}

/** Up (and repeatable) files of a set, in apply order. */
export const upFiles = (set) => set.files.filter((f) => f.role === 'up' || f.role === 'repeatable');

/** A fresh PGlite with the snapshot extensions, from a data-dir snapshot when given (initdb is the slow part). */
export async function corpusDatabase(snapshot) {
  const { PGlite } = await import('@electric-sql/pglite');
  const extensions = await pgliteExtensions();
  return PGlite.create(snapshot ? { loadDataDir: snapshot, extensions } : { extensions });
}

/**
 * Apply one migration file's up part the way its runner sends it (the verify runner: the
 * runner's transaction, one query, or statement by statement; a file's own BEGIN / COMMIT
 * honoured). Throws the runner's StatementError naming the statement on failure.
 */
export async function applyFile(db, set, file, text, fs, runner = {}) {
  const { splitStatements } = out('shared/src/parse/split.js');
  const { transactionPlan } = out('shared/src/project/transactions.js');
  const { fileMode, runStatements } = out('shared/src/verify/run.js');
  const plan = transactionPlan(set.framework, file.path, text, fs);
  const up = splitStatements(text).statements.filter((s) => s.section.direction === 'up');
  const mode = fileMode(plan, up, set.framework);
  // graphile-worker's runner wraps every file in a transaction (RUNNER above).
  if (runner.transaction && !up.some((s) => s.section.noTransaction)) mode.wrap = true;
  await runStatements(db, up, { mode });
}

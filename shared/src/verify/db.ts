// The databases `pgsafe verify` runs migrations on: PGlite (embedded PostgreSQL 18 in WASM, the
// default) or a throwaway database it creates on a real server (`--database-url`), dropped at the
// end. Both have the {exec, query} shape of the test helpers and of rollback/roundtrip.ts.
// The drivers are loaded at run time (not bundled): @electric-sql/pglite and pg.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface VerifyDb {
  /** "PGlite (PostgreSQL 18.6)" / "PostgreSQL 15.18 at 127.0.0.1:5432". */
  name: string;
  /** PostgreSQL major version. */
  major: number;
  exec(sql: string): Promise<unknown>;
  query<T = any>(sql: string): Promise<{ rows: T[] }>;
  /** Close; for a server, drop the throwaway database and any role the migrations created. */
  close(): Promise<void>;
}

/** The database cannot be reached or prepared (exit 2, not a migration failure). */
export class DatabaseError extends Error {}

// Hidden from the bundler: the drivers are loaded from node_modules when verify runs.
// Bundled and run through the code-cache loader (server/src/loader/cached-bundle.ts), the module
// object carries an import() made in a normally loaded module: code compiled from a V8 code cache
// cannot import() itself.
const load = ((typeof module !== 'undefined' && (module as { importModule?: unknown }).importModule) || new Function('m', 'return import(m)')) as (m: string) => Promise<any>;

/**
 * PGlite, or a module of it (`/contrib/pg_trgm`): from node_modules, else from the copy the VS Code
 * extension ships beside its bundled server (`pglite/`, written by scripts/package-extension.mjs),
 * so the editor's "Show Lock Report (run on PGlite)" works from the installed .vsix.
 */
async function loadPglite(sub = ''): Promise<any> {
  try {
    return await load(`@electric-sql/pglite${sub}`);
  } catch (e) {
    const file = join(__dirname, 'pglite', 'dist', sub ? `${sub.slice(1)}.js` : 'index.js');
    if (!existsSync(file)) throw e;
    return load(pathToFileURL(file).href);
  }
}

/** Contrib extensions PGlite ships, by the name CREATE EXTENSION uses. */
const PGLITE_CONTRIB = new Set([
  'amcheck', 'auto_explain', 'bloom', 'btree_gin', 'btree_gist', 'citext', 'cube', 'dict_int', 'dict_xsyn', 'earthdistance',
  'file_fdw', 'fuzzystrmatch', 'hstore', 'intarray', 'isn', 'lo', 'ltree', 'moddatetime', 'pageinspect', 'pg_buffercache',
  'pg_freespacemap', 'pg_stat_statements', 'pg_surgery', 'pg_trgm', 'pg_visibility', 'pg_walinspect', 'pgcrypto', 'seg',
  'tablefunc', 'tcn', 'tsm_system_rows', 'tsm_system_time', 'unaccent', 'uuid-ossp',
]);

/** Extensions named by CREATE EXTENSION in these texts. */
export function requestedExtensions(texts: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const t of texts) {
    for (const m of t.replace(/--[^\n]*/g, '').matchAll(/create\s+extension\s+(?:if\s+not\s+exists\s+)?("?)([\w-]+)\1/gi)) out.add(m[2].toLowerCase());
  }
  return [...out];
}

async function version(q: (s: string) => Promise<{ rows: any[] }>): Promise<{ major: number; text: string }> {
  const [r] = (await q("select current_setting('server_version_num') as n, current_setting('server_version') as v")).rows;
  return { major: Math.floor(Number(r.n) / 10000), text: String(r.v).split(' ')[0] };
}

/** A fresh PGlite database with the contrib extensions these migrations ask for. */
export async function openPglite(extensions: readonly string[] = []): Promise<VerifyDb> {
  let mod: any;
  try {
    mod = await loadPglite();
  } catch {
    throw new DatabaseError('pgsafe verify needs @electric-sql/pglite for its embedded database (npm install @electric-sql/pglite), or --database-url');
  }
  const ext: Record<string, unknown> = {};
  for (const name of extensions) {
    if (!PGLITE_CONTRIB.has(name)) continue;
    const key = name.replace(/-/g, '_');
    try {
      const m = await loadPglite(`/contrib/${key}`);
      if (m[key]) ext[key] = m[key];
    } catch {
      // not shipped by this PGlite version: CREATE EXTENSION will say so
    }
  }
  const db = await mod.PGlite.create({ extensions: ext });
  const v = await version((s) => db.query(s));
  return {
    name: `PGlite (PostgreSQL ${v.text})`,
    major: v.major,
    exec: (s) => db.exec(s),
    query: (s) => db.query(s),
    close: () => db.close(),
  };
}

/** Pretty host:port of a URL, without the password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the server';
  }
}

/** A message for a failed connection: unreachable, credentials, … */
export function connectionProblem(e: any, url: string): string {
  const where = describeUrl(url);
  const code = e?.code;
  const msg = String(e?.message ?? e).split('\n')[0];
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(code) || /timeout|terminated unexpectedly/i.test(msg)) {
    return `cannot reach the PostgreSQL server at ${where}: ${msg}`;
  }
  if (code === '28P01' || code === '28000') {
    let user = '';
    try {
      user = decodeURIComponent(new URL(url).username);
    } catch {
      // keep it unnamed
    }
    return `the PostgreSQL server at ${where} refused the credentials${user ? ` of user "${user}"` : ''}: ${msg}`;
  }
  return `cannot connect to the PostgreSQL server at ${where}: ${msg}`;
}

let counter = 0;

/**
 * A throwaway database on the server named by `url`: created with a unique name, used alone, and
 * dropped by close() (with the roles the migrations created). When the role may not create
 * databases, the database the URL names is used only if it is empty, and emptied again at the end.
 */
export async function openServer(url: string): Promise<VerifyDb> {
  let pg: any;
  try {
    const m = await load('pg');
    pg = m.default ?? m;
  } catch {
    throw new DatabaseError('--database-url needs the pg package (npm install pg)');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseError(`--database-url is not a URL: ${url.replace(/:[^:@/]*@/, ':***@')}`);
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new DatabaseError(`--database-url must start with postgres:// (got ${parsed.protocol}//)`);
  const client = (u: string) => {
    const c = new pg.Client({ connectionString: u, connectionTimeoutMillis: 10_000 });
    c.on('error', () => undefined);
    c.on('notice', () => undefined);
    return c;
  };
  let admin = client(url);
  try {
    await admin.connect();
  } catch (e: any) {
    if (e?.code !== '3D000') throw new DatabaseError(connectionProblem(e, url));
    // The URL names a database that does not exist: use the maintenance database to create ours.
    const m = new URL(url);
    m.pathname = '/postgres';
    admin = client(m.toString());
    try {
      await admin.connect();
    } catch (e2: any) {
      throw new DatabaseError(connectionProblem(e2, url));
    }
  }
  const where = describeUrl(url);
  const rolesBefore = new Set((await admin.query('select rolname from pg_roles')).rows.map((r: any) => r.rolname as string));
  const name = `pgsafe_verify_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  let owned = true;
  let target = new URL(url);
  try {
    await admin.query(`create database ${name}`);
    target.pathname = `/${name}`;
  } catch (e: any) {
    if (e?.code !== '42501') {
      await admin.end().catch(() => undefined);
      throw new DatabaseError(`cannot create a throwaway database on ${where}: ${String(e?.message ?? e).split('\n')[0]}`);
    }
    const empty = await isEmpty(admin);
    if (!empty) {
      await admin.end().catch(() => undefined);
      throw new DatabaseError(`the role may not create databases on ${where} (CREATEDB), and database "${admin.database}" is not empty: pgsafe verify never touches an existing non-empty database`);
    }
    owned = false;
    target = new URL(url);
  }
  const db = client(target.toString());
  try {
    await db.connect();
  } catch (e: any) {
    if (owned) await admin.query(`drop database if exists ${name}`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    throw new DatabaseError(connectionProblem(e, url));
  }
  const v = await version((s) => db.query(s));
  let closed = false;
  // The SQL run here: a role that appeared on the server meanwhile is dropped at the end only if
  // this SQL names it (other sessions on a shared server create roles too).
  const ran: string[] = [];
  return {
    name: `PostgreSQL ${v.text} at ${where}`,
    major: v.major,
    exec: (s) => {
      ran.push(s);
      return db.query(s);
    },
    query: (s) => db.query(s),
    async close() {
      if (closed) return;
      closed = true;
      if (!owned) {
        // The database was empty: empty it again (objects, then schemas the migrations created).
        await db.query(`do $$ declare s text; begin
          for s in select nspname from pg_namespace where nspname not in ('pg_catalog','information_schema','public') and nspname not like 'pg_toast%' and nspname not like 'pg_temp%' loop
            execute format('drop schema %I cascade', s); end loop;
          end $$; drop schema if exists public cascade; create schema public;`).catch(() => undefined);
      }
      await db.end().catch(() => undefined);
      if (owned) await admin.query(`drop database if exists ${name} with (force)`).catch(() => admin.query(`drop database if exists ${name}`)).catch(() => undefined);
      const rolesAfter = (await admin.query('select rolname from pg_roles').catch(() => ({ rows: [] }))).rows.map((r: any) => r.rolname as string);
      const text = ran.join('\n').toLowerCase();
      for (const r of rolesAfter) if (!rolesBefore.has(r) && text.includes(r.toLowerCase())) await admin.query(`drop role if exists "${r.replace(/"/g, '""')}"`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  };
}

async function isEmpty(c: { query(s: string): Promise<{ rows: any[] }> }): Promise<boolean> {
  const [r] = (await c.query(`select
      (select count(*) from pg_class k join pg_namespace n on n.oid = k.relnamespace where n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%')::int as rels,
      (select count(*) from pg_namespace where nspname not in ('pg_catalog','information_schema','public') and nspname not like 'pg_toast%' and nspname not like 'pg_temp%')::int as schemas,
      (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname not in ('pg_catalog','information_schema'))::int as funcs,
      (select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname not in ('pg_catalog','information_schema') and t.typtype in ('e','d','c') and t.typrelid = 0)::int as types`)).rows;
  return r.rels === 0 && r.schemas === 0 && r.funcs === 0 && r.types === 0;
}

/** Throwaway databases pgsafe verify left on a server (tests check none remain). */
export async function leftoverDatabases(url: string): Promise<string[]> {
  const m = await load('pg');
  const c = new (m.default ?? m).Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(`select datname from pg_database where datname like 'pgsafe_verify_%'`)).rows.map((r: any) => r.datname);
  } finally {
    await c.end();
  }
}

// The real databases fix and rollback tests apply SQL to: PGlite (embedded PostgreSQL 18, always)
// and, when PGSAFE_PG_URL is set (CI starts Debian's PostgreSQL), a real server, in a throwaway
// database created for the test file and dropped at the end. PGSAFE_PG_REQUIRED=1 makes a
// missing server a failure instead of a skip.
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { after, before } from 'node:test';

export interface TestDb {
  name: string;
  /** PostgreSQL major version of the server. */
  major: number;
  exec(sql: string): Promise<unknown>;
  query<T = any>(sql: string): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

async function pglite(): Promise<TestDb> {
  const db = new PGlite();
  const [{ v }] = (await db.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows;
  return { name: 'PGlite', major: Math.floor(Number(v) / 10000), exec: (s) => db.exec(s), query: (s) => db.query(s) as any, close: () => db.close() };
}

async function server(url: string): Promise<TestDb> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const dbName = `pgsafe_test_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  const client = new Client({ connectionString: u.toString() });
  await client.connect();
  client.on('notice', () => undefined);
  const [{ v }] = (await client.query("SELECT current_setting('server_version_num') AS v")).rows;
  return {
    name: `PostgreSQL ${Math.floor(Number(v) / 10000)}`,
    major: Math.floor(Number(v) / 10000),
    exec: (s) => client.query(s),
    query: (s) => client.query(s) as any,
    close: async () => {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.end();
    },
  };
}

export async function openDatabases(): Promise<TestDb[]> {
  const out = [await pglite()];
  const url = process.env.PGSAFE_PG_URL;
  if (url) {
    try {
      out.push(await server(url));
    } catch (e: any) {
      if (process.env.PGSAFE_PG_REQUIRED === '1') throw new Error(`PGSAFE_PG_URL is set but the server is not usable: ${e?.message ?? e}`);
    }
  } else if (process.env.PGSAFE_PG_REQUIRED === '1') {
    throw new Error('PGSAFE_PG_REQUIRED=1 but PGSAFE_PG_URL is not set');
  }
  return out;
}

/** Open the databases before the test file's tests and close them after; call the result for them. */
export function useDatabases(): () => TestDb[] {
  let dbs: TestDb[] = [];
  before(async () => {
    dbs = await openDatabases();
  });
  after(async () => {
    for (const d of dbs) await d.close();
  });
  return () => dbs;
}

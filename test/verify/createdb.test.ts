// The real-server path for a role without CREATEDB: pgsafe verify cannot make a throwaway
// database, so it uses the database the URL names — only when that one is empty, and empties it
// again at the end — and refuses a non-empty one with a message that says why. Runs on the
// server of PGSAFE_PG_URL with a role, and databases, of its own (unique names, dropped at the end).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openServer, DatabaseError } from '../../shared/src/verify/db';

const url = process.env.PGSAFE_PG_URL;
const root = join(__dirname, '..', '..', '..');

function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(root, 'bin', 'pgsafe.js'), ...args], { cwd });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a role without CREATEDB: verify uses an empty database and empties it again; refuses a non-empty one', { skip: !url && 'PGSAFE_PG_URL is not set' }, async () => {
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const role = `pgsafe_nocreatedb_${tag}`;
  const empty = `pgsafe_nocdb_empty_${tag}`;
  const full = `pgsafe_nocdb_full_${tag}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const as = (db: string) => {
    const u = new URL(url!);
    u.username = role;
    u.password = 'pgsafe-nocreatedb';
    u.pathname = `/${db}`;
    return u.toString();
  };
  // Databases the role owns: it cannot create any, so these stay its two (other sessions share the server).
  const databases = async () => (await admin.query(`select datname from pg_database where datdba = (select oid from pg_roles where rolname = '${role}') order by 1`)).rows.map((r: any) => r.datname as string);
  try {
    await admin.query(`create role ${role} login password 'pgsafe-nocreatedb' nocreatedb nocreaterole`);
    await admin.query(`create database ${empty} owner ${role}`);
    await admin.query(`create database ${full} owner ${role}`);
    const f = new Client({ connectionString: as(full) });
    await f.connect();
    await f.query('create table precious (id int); insert into precious values (1), (2);');
    await f.end();
    // The empty database and the public schema belong to the role (PostgreSQL 15 gives public to pg_database_owner).
    const e = new Client({ connectionString: url!.replace(/\/[^/?]*(\?|$)/, `/${empty}$1`) });
    await e.connect();
    await e.query(`alter schema public owner to ${role}`);
    await e.end();
    const before = await databases();
    assert.deepEqual(before, [empty, full].sort());

    // Empty database: used as it is, the migrations run there, and it is empty again afterwards.
    const db = await openServer(as(empty));
    assert.match(db.name, /^PostgreSQL \d+\.\d+ at 127\.0\.0\.1:5432$/);
    await db.exec('create table t (id bigint primary key); create schema extra; create table extra.x (id int);');
    assert.deepEqual((await db.query(`select count(*)::int as n from pg_class where relname = 't'`)).rows[0].n, 1);
    await db.close();
    assert.deepEqual(await databases(), before, 'no database created or dropped');
    const check = new Client({ connectionString: as(empty) });
    await check.connect();
    const left = (await check.query(`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%'`)).rows[0].n;
    const schemas = (await check.query(`select nspname from pg_namespace where nspname = 'extra'`)).rows;
    await check.end();
    assert.equal(left, 0, 'the database is empty again');
    assert.deepEqual(schemas, []);

    // A non-empty database: refused, untouched.
    await assert.rejects(openServer(as(full)), (err: any) => {
      assert.ok(err instanceof DatabaseError);
      assert.equal(err.message, `the role may not create databases on 127.0.0.1:5432 (CREATEDB), and database "${full}" is not empty: pgsafe verify never touches an existing non-empty database`);
      return true;
    });
    const g = new Client({ connectionString: as(full) });
    await g.connect();
    assert.equal((await g.query('select count(*)::int as n from precious')).rows[0].n, 2);
    await g.end();

    // The CLI: the same refusal is a usage-level error (exit 2) on stderr; the empty database verifies.
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-nocreatedb-'));
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', '001_init.sql'), '-- +goose Up\ncreate table users (id bigint primary key);\n-- +goose Down\ndrop table users;\n');
    const refused = await cli(['verify', 'm', '--database-url', as(full)], dir);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /may not create databases .*\(CREATEDB\), and database ".*" is not empty: pgsafe verify never touches an existing non-empty database/);
    const ok = await cli(['verify', 'm', '--database-url', as(empty), '--format', 'json'], dir);
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.equal(JSON.parse(ok.stdout).sets[0].files[0].down.equal, true);
    assert.deepEqual(await databases(), before);
  } finally {
    await admin.query(`drop database if exists ${empty} with (force)`).catch(() => undefined);
    await admin.query(`drop database if exists ${full} with (force)`).catch(() => undefined);
    await admin.query(`drop role if exists ${role}`).catch(() => undefined);
    await admin.end();
  }
});

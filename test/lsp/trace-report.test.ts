// The lock report "run on PGlite" (pgsafe.server.lockReport with { trace: true }) over stdio: the
// file's unsaved text and the migrations before it run on PGlite in a worker thread; the report
// shows what the database did; the server keeps answering while it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lsp';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-lsp-trace-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const FIRST = "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 50) g;\n-- +goose Down\nDROP TABLE users;\n";
const ON_DISK = '-- +goose Up\nALTER TABLE users ADD COLUMN note text;\n';
const BUFFER = '-- +goose Up\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\nCREATE INDEX users_email_idx ON users (email);\n';

test('lock report run on PGlite: earlier migrations applied, the unsaved buffer traced, later files not run; the server answers meanwhile', async () => {
  const dir = workspace({ 'db/00001_users.sql': FIRST, 'db/00002_change.sql': ON_DISK, 'db/00003_later.sql': '-- +goose Up\nDROP TABLE users;\n' });
  const uri = pathToFileURL(join(dir, 'db/00002_change.sql')).href;
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    await client.open(uri, BUFFER);
    await client.diagnostics(uri, 1);
    let traced = false;
    const report = client.request('workspace/executeCommand', { command: 'pgsafe.server.lockReport', arguments: [uri, { trace: true }] }).then((r: any) => {
      traced = true;
      return r;
    });
    // The trace runs in a worker thread: hover (and diagnostics) are answered while it runs.
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 3 } });
    assert.match(JSON.stringify(hover), /ACCESS EXCLUSIVE/);
    assert.equal(traced, false, 'the hover was answered before the trace finished');
    const r = await report;
    assert.equal(r.traced, true, r.markdown);
    const md: string = r.markdown;
    assert.match(md, /^# Lock report \(run on PGlite\)/);
    assert.match(md, /The 1 migration\(s\) before this file were applied/);
    // The buffer's statements, not the file on disk.
    assert.match(md, /Line 2: `ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid\(\)`/);
    assert.doesNotMatch(md, /ADD COLUMN note/);
    assert.match(md, /\| `public\.users` \| ACCESS EXCLUSIVE \| blocks all reads and writes \|/);
    assert.match(md, /Rewrites: `public\.users`/);
    assert.match(md, /Rules: .*`add-column-volatile-default`/);
    // The index build scans the table; its SHARE lock is not new (the transaction holds ACCESS EXCLUSIVE already).
    assert.match(md, /Line 3: `CREATE INDEX users_email_idx ON users \(email\)` \([^)]*\)\n\nFull scans: `public\.users`\./);
    // Static and observed agree here; the later migration (DROP TABLE users) was not run.
    assert.doesNotMatch(md, /disagree \(/);
    assert.doesNotMatch(md, /00003_later/);
  } finally {
    await client.stop();
  }
});

test('lock report run on PGlite: an earlier migration that fails is named, and the file is not traced', async () => {
  const dir = workspace({ 'db/00001_bad.sql': '-- +goose Up\nALTER TABLE missing ADD COLUMN x int;\n', 'db/00002_next.sql': '-- +goose Up\nCREATE TABLE t (id int);\n' });
  const uri = pathToFileURL(join(dir, 'db/00002_next.sql')).href;
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    await client.open(uri, '-- +goose Up\nCREATE TABLE t (id int);\n');
    const r: any = await client.request('workspace/executeCommand', { command: 'pgsafe.server.lockReport', arguments: [uri, { trace: true }] });
    assert.match(r.markdown, /did not all apply on PGlite, so this file was not traced: 00001_bad\.sql line 2: relation "missing" does not exist/);
  } finally {
    await client.stop();
  }
});

test('the packaged extension\'s server runs the traced report with the PGlite it ships (no node_modules in reach)', async () => {
  const root = join(__dirname, '..', '..', '..');
  // What the .vsix holds under dist/: built by the packaging script (without vsce), then copied
  // outside the repository so that no node_modules folder is reachable from it.
  execFileSync(process.execPath, [join(root, 'scripts/package-extension.mjs'), '--no-vsix', '--no-typecheck'], { cwd: root, stdio: 'pipe' });
  const ext = mkdtempSync(join(tmpdir(), 'pgsafe-vsix-dist-'));
  cpSync(join(root, 'client', 'dist'), ext, { recursive: true });
  const dir = workspace({ 'db/00001_users.sql': FIRST, 'db/00002_change.sql': ON_DISK });
  const uri = pathToFileURL(join(dir, 'db/00002_change.sql')).href;
  const { client } = await LspClient.start({ rootPath: dir, server: join(ext, 'server.js') });
  try {
    await client.open(uri, ON_DISK);
    const r: any = await client.request('workspace/executeCommand', { command: 'pgsafe.server.lockReport', arguments: [uri, { trace: true }] });
    assert.equal(r.traced, true, r.markdown);
    assert.match(r.markdown, /\| `public\.users` \| ACCESS EXCLUSIVE \| blocks all reads and writes \|/);
  } finally {
    await client.stop();
  }
});

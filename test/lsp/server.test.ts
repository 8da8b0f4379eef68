// The language server over stdio, as an editor drives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { LspClient, ROOT, applyEdits, editsFor } from '../helpers/lsp';
import { lintText } from '../../shared/src/index';

const HAZARDS = [
  'ALTER TABLE orders ADD COLUMN status text NOT NULL;',
  'CREATE INDEX orders_status_idx ON orders (status);',
  'ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);',
  'ALTER TABLE orders ADD CONSTRAINT orders_code_uniq UNIQUE (code);',
  'DROP INDEX orders_old_idx;',
  'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
  'ALTER TABLE users RENAME COLUMN login TO username;',
  'ALTER TABLE users DROP COLUMN legacy;',
  '',
].join('\n');

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-lsp-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const uriOf = (dir: string, name: string) => pathToFileURL(join(dir, name)).href;

test('diagnostics: every hazard of the file, as the engine reports it, with code, docs link, help and version', async () => {
  const dir = workspace({ 'migrations/0001_hazards.sql': HAZARDS });
  const { client, init } = await LspClient.start({ rootPath: dir });
  try {
    assert.equal(init.capabilities.positionEncoding, 'utf-16');
    assert.equal(init.capabilities.textDocumentSync.change, 2, 'incremental sync');
    const uri = uriOf(dir, 'migrations/0001_hazards.sql');
    await client.open(uri, HAZARDS, 3);
    const p = await client.diagnostics(uri, 3);
    assert.equal(p.version, 3);
    const engine = await lintText(HAZARDS, { path: join(dir, 'migrations/0001_hazards.sql') });
    assert.deepEqual(p.diagnostics.map((d) => d.code), engine.findings.map((f) => f.rule));
    for (const rule of ['add-column-not-null-without-default', 'require-concurrent-index-creation', 'foreign-key-not-valid', 'unique-constraint-without-index', 'require-concurrent-index-deletion', 'set-not-null', 'rename-column', 'drop-column']) {
      const d = p.diagnostics.find((x) => x.code === rule);
      assert.ok(d, `${rule} reported`);
      assert.equal(d.source, 'pgsafe');
      assert.match(d.codeDescription.href, new RegExp(`docs/rules/${rule}\\.md$`));
      const f = engine.findings.find((x) => x.rule === rule)!;
      assert.equal(d.message, `${f.message}\n${f.help}`);
    }
    const idx = p.diagnostics.find((d) => d.code === 'require-concurrent-index-creation');
    assert.deepEqual(idx.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 49 } });
    assert.equal(idx.severity, engine.findings.find((f) => f.rule === 'require-concurrent-index-creation')!.severity === 'error' ? 1 : 2);
  } finally {
    await client.stop();
  }
});

test('positionEncoding: a client that prefers UTF-8 gets byte columns; UTF-16 stays the default', async () => {
  const text = "SELECT 'ü😀';   CREATE INDEX i ON t (c);\n";
  const dir = workspace({ 'm/0001_x.sql': text });
  const uri = uriOf(dir, 'm/0001_x.sql');
  const col = async (encodings: string[]) => {
    const { client, init } = await LspClient.start({ rootPath: dir, capabilities: { general: { positionEncodings: encodings } } });
    try {
      await client.open(uri, text);
      const p = await client.diagnostics(uri, 1);
      return { enc: init.capabilities.positionEncoding, start: p.diagnostics.find((d) => d.code === 'require-concurrent-index-creation').range.start.character };
    } finally {
      await client.stop();
    }
  };
  // "SELECT 'ü😀';   " is 16 UTF-16 units, 18 UTF-8 bytes (ü=2, 😀=4), 15 code points.
  assert.deepEqual(await col(['utf-8', 'utf-16']), { enc: 'utf-8', start: 19 });
  assert.deepEqual(await col(['utf-32']), { enc: 'utf-32', start: 15 });
  assert.deepEqual(await col(['utf-16']), { enc: 'utf-16', start: 16 });
});

test('code actions: ignore for this statement / file, resolved lazily; the edited file is clean of that rule', async () => {
  const text = 'ALTER TABLE t ADD COLUMN a int;\n  CREATE INDEX i ON t (a);\nCREATE INDEX j ON t (a);\n';
  const dir = workspace({ 'm/0001_x.sql': text });
  const uri = uriOf(dir, 'm/0001_x.sql');
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    await client.open(uri, text);
    const p = await client.diagnostics(uri, 1);
    const d = p.diagnostics.find((x) => x.code === 'require-concurrent-index-creation' && x.range.start.line === 1);
    const actions = await client.request<any[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Ignore require-concurrent-index-creation for this statement'), titles.join(' | '));
    assert.ok(titles.includes('Ignore require-concurrent-index-creation for this file'));
    assert.ok(actions.every((a) => a.edit === undefined), 'edits are computed on resolve, not up front');
    const stmt = await client.request('codeAction/resolve', actions.find((a) => a.title.endsWith('this statement')));
    const afterStmt = applyEdits(text, editsFor(stmt.edit, uri));
    assert.equal(afterStmt, 'ALTER TABLE t ADD COLUMN a int;\n  -- pgsafe-ignore require-concurrent-index-creation\n  CREATE INDEX i ON t (a);\nCREATE INDEX j ON t (a);\n');
    assert.equal(stmt.edit.documentChanges[0].textDocument.version, 1);
    const file = await client.request('codeAction/resolve', actions.find((a) => a.title.endsWith('this file')));
    const afterFile = applyEdits(text, editsFor(file.edit, uri));
    assert.equal(afterFile, `-- pgsafe-ignore-file require-concurrent-index-creation\n${text}`);
    // Apply the statement edit as the editor would: the next diagnostics drop that one finding only.
    await client.change(uri, 2, [{ text: afterStmt }]);
    const p2 = await client.diagnostics(uri, 2);
    assert.deepEqual(p2.diagnostics.filter((x) => x.code === 'require-concurrent-index-creation').map((x) => x.range.start.line), [3]);
  } finally {
    await client.stop();
  }
});

test('code actions: an unused suppression offers its removal (preferred), and source.fixAll.pgsafe applies it', async () => {
  const text = '-- pgsafe-ignore drop-column\nCREATE TABLE t (id int);\n';
  const dir = workspace({ 'm/0001_x.sql': text });
  const uri = uriOf(dir, 'm/0001_x.sql');
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    await client.open(uri, text);
    const p = await client.diagnostics(uri, 1);
    const d = p.diagnostics.find((x) => x.code === 'unused-suppression');
    assert.ok(d);
    const actions = await client.request<any[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const remove = actions.find((a) => a.title === 'Remove this unused pgsafe-ignore comment');
    assert.ok(remove?.isPreferred, JSON.stringify(actions));
    assert.ok(!actions.some((a) => a.title.startsWith('Ignore unused-suppression')), 'an unused suppression is not itself suppressed');
    const resolved = await client.request('codeAction/resolve', remove);
    assert.equal(applyEdits(text, editsFor(resolved.edit, uri)), 'CREATE TABLE t (id int);\n');
    const all = await client.request<any[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } });
    assert.equal(all.length, 1);
    assert.equal(all[0].kind, 'source.fixAll.pgsafe');
    const fixAll = await client.request('codeAction/resolve', all[0]);
    assert.equal(applyEdits(text, editsFor(fixAll.edit, uri)), 'CREATE TABLE t (id int);\n');
  } finally {
    await client.stop();
  }
});

test('a client without resolve support gets the edits with the actions', async () => {
  const text = 'CREATE INDEX i ON t (a);\n';
  const dir = workspace({ 'm/0001_x.sql': text });
  const uri = uriOf(dir, 'm/0001_x.sql');
  const { client } = await LspClient.start({ rootPath: dir, capabilities: { textDocument: { codeAction: {} }, workspace: {} } });
  try {
    await client.open(uri, text);
    const d = (await client.diagnostics(uri, 1)).diagnostics[0];
    const actions = await client.request<any[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const a = actions.find((x) => x.title.endsWith('for this statement'));
    assert.equal(applyEdits(text, a.edit.changes[uri]), '-- pgsafe-ignore require-concurrent-index-creation\nCREATE INDEX i ON t (a);\n');
  } finally {
    await client.stop();
  }
});

test('hover: the locks a statement takes, what they block, its transaction and the safe recipe', async () => {
  const text = "BEGIN;\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (account_id) REFERENCES accounts (id);\nCOMMIT;\n";
  const dir = workspace({ 'm/0001_x.sql': text });
  const uri = uriOf(dir, 'm/0001_x.sql');
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    const h = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 20 } });
    const md: string = h.contents.value;
    assert.equal(h.contents.kind, 'markdown');
    assert.match(md, /\*\*SHARE ROW EXCLUSIVE\*\* on `orders` by ADD CONSTRAINT … FOREIGN KEY|\*\*SHARE ROW EXCLUSIVE\*\* on `orders`/);
    assert.match(md, /`accounts` \(referenced by the foreign key\)/);
    assert.match(md, /blocks INSERT, UPDATE and DELETE/);
    assert.match(md, /Runs inside a transaction/);
    assert.match(md, /No `lock_timeout` is set/);
    assert.match(md, /\*\*Safe recipe\*\*[\s\S]*foreign-key-not-valid[\s\S]*NOT VALID/);
    assert.deepEqual(h.range.start, { line: 1, character: 0 });
    const none = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 0 } });
    assert.equal(none, null);
  } finally {
    await client.stop();
  }
});

test('workspace: earlier migrations give context, and editing one re-checks the later open file', async () => {
  const dir = workspace({
    'db/migrations/20240101000000_create.sql': '-- migrate:up\nCREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(50));\n-- migrate:down\nDROP TABLE accounts;\n',
    'db/migrations/20240102000000_alter.sql': '-- migrate:up\nSET lock_timeout = \'2s\';\nALTER TABLE accounts ALTER COLUMN email TYPE varchar(100);\n-- migrate:down\n',
  });
  const first = uriOf(dir, 'db/migrations/20240101000000_create.sql');
  const second = uriOf(dir, 'db/migrations/20240102000000_alter.sql');
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    // The workspace's migration folders are replayed at start, in the background.
    await client.until(() => client.notifications.some((n) => n.method === 'pgsafe/contextChanged'), 'the start-up replay to finish');
    await client.open(second, '-- migrate:up\nSET lock_timeout = \'2s\';\nALTER TABLE accounts ALTER COLUMN email TYPE varchar(100);\n-- migrate:down\n');
    const p = await client.diagnostics(second, 1);
    assert.deepEqual(p.diagnostics.map((d) => d.code), [], 'varchar(50) → varchar(100) is known to be free from the earlier file');
    const ctx = await client.request('pgsafe/context', { uri: second });
    assert.equal(ctx.framework, 'dbmate');
    assert.equal(ctx.pgVersion, 18);
    // Edit the first migration in the editor (unsaved): email becomes text, so the later change now rewrites.
    const firstText = '-- migrate:up\nCREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n-- migrate:down\nDROP TABLE accounts;\n';
    await client.open(first, '-- migrate:up\nCREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(50));\n-- migrate:down\nDROP TABLE accounts;\n');
    await client.change(first, 2, [{ text: firstText }]);
    await client.until(() => {
      const last = [...client.published].reverse().find((x) => x.uri === second);
      return last?.diagnostics.some((d) => d.code === 'alter-column-type-rewrite');
    }, 'the later file re-checked against the edited earlier one');
  } finally {
    await client.stop();
  }
});

test('workspace: typing a framework marker into a plain folder\'s file re-detects the folder without a restart', async () => {
  const dir = workspace({ 'm/0001_a.sql': 'CREATE TABLE t (a int);\n', 'm/0002_b.sql': 'ALTER TABLE t ADD COLUMN b int;\n' });
  const first = uriOf(dir, 'm/0001_a.sql');
  const second = uriOf(dir, 'm/0002_b.sql');
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    await client.open(first, 'CREATE TABLE t (a int);\n');
    await client.open(second, 'ALTER TABLE t ADD COLUMN b int;\n');
    await client.diagnostics(second, 1);
    assert.equal((await client.request('pgsafe/context', { uri: second })).framework, 'plain');
    const n = client.notifications.filter((x) => x.method === 'pgsafe/contextChanged').length;
    // Typed one edit at a time: the marker is complete only with the last character.
    await client.change(first, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '-- +goose U' }]);
    await client.change(first, 3, [{ range: { start: { line: 0, character: 11 }, end: { line: 0, character: 11 } }, text: 'p\n' }]);
    await client.diagnostics(first, 3);
    await client.until(() => client.notifications.filter((x) => x.method === 'pgsafe/contextChanged').length > n, 'a context change for the status bar');
    assert.equal((await client.request('pgsafe/context', { uri: second })).framework, 'goose', 'the other file of the folder follows');
    assert.equal((await client.request('pgsafe/context', { uri: first })).framework, 'goose');
    // Removing the marker again goes back to plain.
    await client.change(first, 4, [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' }]);
    await client.diagnostics(first, 4);
    assert.equal((await client.request('pgsafe/context', { uri: second })).framework, 'plain');
    // Typed again, then the file is closed without saving: the disk has no marker, so plain again.
    await client.change(first, 5, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '-- +goose Up\n' }]);
    await client.diagnostics(first, 5);
    assert.equal((await client.request('pgsafe/context', { uri: second })).framework, 'goose');
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: first } });
    assert.equal((await client.request('pgsafe/context', { uri: second })).framework, 'plain', 'the unsaved marker went with the closed editor');
  } finally {
    await client.stop();
  }
});

test('workspace: a file opened while the start-up replay runs gets diagnostics without waiting for a large folder to finish', async () => {
  const { hazardFile } = require('../../../bench/generate.js') as { hazardFile(n: number): string };
  const files: Record<string, string> = { 'other/0001_a.sql': 'CREATE INDEX i ON t (a);\n' };
  for (let i = 0; i < 150; i++) files[`big/${String(i + 1).padStart(4, '0')}_step.sql`] = hazardFile(40).replace(/_(\d+)\b/g, `_${i}_$1`);
  const dir = workspace(files);
  const uri = uriOf(dir, 'other/0001_a.sql');
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    await client.open(uri, 'CREATE INDEX i ON t (a);\n');
    const p = await client.diagnostics(uri, 1);
    assert.ok(p.diagnostics.some((d) => d.code === 'require-concurrent-index-creation'));
    // The replay of the 150-file folder goes on after the diagnostics: it yields between files.
    assert.ok(!client.notifications.some((n) => n.method === 'pgsafe/contextChanged'), 'the diagnostics waited for the whole replay');
    await client.until(() => client.notifications.some((n) => n.method === 'pgsafe/contextChanged'), 'the start-up replay to finish', 60000);
  } finally {
    await client.stop();
  }
});

test('configuration: settings and pgsafe.config.json apply live, and the config file wins', async () => {
  const text = 'CREATE INDEX i ON t (a);\nALTER TABLE t DROP COLUMN b;\n';
  const dir = workspace({ 'm/0001_x.sql': text });
  const uri = uriOf(dir, 'm/0001_x.sql');
  const { client } = await LspClient.start({ rootPath: dir, initializationOptions: { settings: { rules: { 'drop-column': 'off', 'require-lock-timeout': 'off' } } } });
  try {
    await client.open(uri, text);
    assert.deepEqual((await client.diagnostics(uri, 1)).diagnostics.map((d) => d.code), ['require-concurrent-index-creation']);
    // Settings change: the index rule becomes an error.
    const n = client.published.length;
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { pgsafe: { rules: { 'require-concurrent-index-creation': 'error', 'require-lock-timeout': 'off' } } } });
    const p = await client.until(() => client.published.slice(n).find((x) => x.uri === uri), 'republish after settings');
    assert.deepEqual(p.diagnostics.map((d) => [d.code, d.severity]), [['require-concurrent-index-creation', 1], ['drop-column', 2]]);
    // A config file appears next to the migrations: it wins over the settings.
    writeFileSync(join(dir, 'pgsafe.config.json'), JSON.stringify({ rules: { 'require-concurrent-index-creation': 'off' } }));
    const m = client.published.length;
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, 'pgsafe.config.json')).href, type: 1 }] });
    const q = await client.until(() => client.published.slice(m).find((x) => x.uri === uri), 'republish after config file');
    assert.deepEqual(q.diagnostics.map((d) => d.code), ['drop-column']);
    // A broken config file: a clear message naming the file and key, and checking goes on with settings.
    writeFileSync(join(dir, 'pgsafe.config.json'), JSON.stringify({ rulez: {} }));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, 'pgsafe.config.json')).href, type: 2 }] });
    const msg = await client.until(() => client.messages.find((x) => /rulez/.test(x.message)), 'config error message');
    assert.match(msg.message, /pgsafe\.config\.json/);
    assert.match(msg.message, /unknown key "rulez"/);
    // Bad settings are reported, not thrown.
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { pgsafe: { pgVersion: 99 } } });
    const bad = await client.until(() => client.messages.find((x) => /pgsafe\.pgVersion/.test(x.message)), 'settings warning');
    assert.match(bad.message, /from 9 to 18/);
  } finally {
    await client.stop();
  }
});

test('1,000 rapid edits end with diagnostics for the last version, never older ones after newer', async () => {
  const dir = workspace({ 'm/0001_x.sql': '' });
  const uri = uriOf(dir, 'm/0001_x.sql');
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    await client.open(uri, '', 1);
    let text = '';
    for (let v = 2; v <= 1001; v++) {
      const line = v % 2 ? `CREATE INDEX i${v} ON t (a);\n` : `SELECT ${v};\n`;
      const lines = text.split('\n').length - 1;
      void client.change(uri, v, [{ range: { start: { line: lines, character: 0 }, end: { line: lines, character: 0 } }, text: line }]);
      text += line;
    }
    const last = await client.diagnostics(uri, 1001);
    assert.equal(last.diagnostics.filter((d) => d.code === 'require-concurrent-index-creation').length, 500);
    const versions = client.published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'versions never go backwards');
    assert.ok(versions.length < 200, `edits are coalesced (${versions.length} publishes)`);
  } finally {
    await client.stop();
  }
});

test('malformed JSON-RPC and a 10 MB file do not kill the server', async () => {
  const dir = workspace({});
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    client.proc.stdin.write('Content-Length: 12\r\n\r\n{"jsonrpc":x');
    client.proc.stdin.write('Content-Length: 5\r\n\r\nnull\n');
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///nope.sql', version: 1 }, contentChanges: [{ text: 'x' }] });
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///bad.sql' } });
    const big = 'CREATE INDEX i ON t (a);\n'.repeat(420_000); // 10.5 MB
    const uri = uriOf(dir, 'big.sql');
    await client.open(uri, big);
    const p = await client.diagnostics(uri, 1);
    assert.equal(p.diagnostics.length, 1);
    assert.match(p.diagnostics[0].message, /does not check files over 4 million characters/);
    // Still alive and answering.
    const small = uriOf(dir, 'small.sql');
    await client.open(small, 'DROP INDEX i;\n');
    assert.equal((await client.diagnostics(small, 1)).diagnostics[0].code, 'require-concurrent-index-deletion');
    assert.equal(client.proc.exitCode, null);
  } finally {
    await client.stop();
  }
});

test('pull diagnostics: a client that pulls gets textDocument/diagnostic reports and no pushes', async () => {
  const text = 'CREATE INDEX i ON t (a);\n';
  const dir = workspace({ 'm/0001_x.sql': text });
  const uri = uriOf(dir, 'm/0001_x.sql');
  const { client, init } = await LspClient.start({ rootPath: dir, capabilities: { textDocument: { diagnostic: { dynamicRegistration: false }, codeAction: { resolveSupport: { properties: ['edit'] } } }, workspace: { diagnostics: { refreshSupport: true } } } });
  try {
    assert.equal(init.capabilities.diagnosticProvider.identifier, 'pgsafe');
    await client.open(uri, text);
    const r = await client.request('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(r.kind, 'full');
    assert.deepEqual(r.items.map((d: any) => d.code), ['require-concurrent-index-creation', 'require-lock-timeout']);
    const again = await client.request('textDocument/diagnostic', { textDocument: { uri }, previousResultId: r.resultId });
    assert.equal(again.kind, 'unchanged');
    await client.change(uri, 2, [{ text: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n' }]);
    const after = await client.request('textDocument/diagnostic', { textDocument: { uri }, previousResultId: r.resultId });
    assert.equal(after.kind, 'full');
    assert.deepEqual(after.items, []);
    assert.equal(client.published.length, 0);
  } finally {
    await client.stop();
  }
});

test('the lock report command returns markdown for the file', async () => {
  const text = 'CREATE TABLE fresh (id int);\nCREATE INDEX fresh_idx ON fresh (id);\nALTER TABLE users ADD COLUMN flag boolean DEFAULT random() > 0.5;\n';
  const dir = workspace({ 'm/0001_x.sql': text });
  const uri = uriOf(dir, 'm/0001_x.sql');
  const { client, init } = await LspClient.start({ rootPath: dir });
  try {
    assert.deepEqual(init.capabilities.executeCommandProvider.commands, ['pgsafe.server.lockReport', 'pgsafe.server.generateRollback']);
    await client.open(uri, text);
    const r = await client.request('workspace/executeCommand', { command: 'pgsafe.server.lockReport', arguments: [uri] });
    assert.match(r.markdown, /^# Lock report: /);
    assert.match(r.markdown, /\| 2 \| `CREATE INDEX fresh_idx ON fresh \(id\)` \| `fresh` \(new\) \| SHARE \|/);
    assert.match(r.markdown, /\| 3 \| .* \| `users` \| ACCESS EXCLUSIVE \| blocks all reads and writes \| rewrite/);
    assert.match(r.markdown, /1 blocks application traffic on an existing table/);
  } finally {
    await client.stop();
  }
});

test('`pgsafe lsp --stdio` runs the same server', async () => {
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'pgsafe.js'), 'lsp', '--stdio'], { stdio: 'pipe' });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  conn.listen();
  try {
    const init: any = await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    assert.equal(init.serverInfo.name, 'pgsafe');
    assert.equal(init.capabilities.hoverProvider, true);
  } finally {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    conn.dispose();
    await new Promise((r) => proc.on('exit', r));
  }
});

test('generate rollback: the command writes the down section through workspace/applyEdit; a source action offers it', async () => {
  const up = "-- +goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;\n";
  const dir = workspace({ 'db/00001_users.sql': '-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE users;\n', 'db/00002_nick.sql': up });
  const uri = uriOf(dir, 'db/00002_nick.sql');
  const { client, init } = await LspClient.start({ rootPath: dir });
  const edits: any[] = [];
  client.conn.onRequest('workspace/applyEdit', (p: any) => {
    edits.push(p);
    return { applied: true };
  });
  try {
    assert.ok(init.capabilities.executeCommandProvider.commands.includes('pgsafe.server.generateRollback'));
    await client.open(uri, up);
    await client.diagnostics(uri, 1);
    const actions = await client.request<any[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source'] } });
    const gen = actions.find((a) => a.kind === 'source.pgsafe.generateRollback');
    assert.equal(gen?.command?.command, 'pgsafe.server.generateRollback');
    const r = await client.request('workspace/executeCommand', { command: gen.command.command, arguments: gen.command.arguments });
    assert.equal(r.applied, true, JSON.stringify(r));
    assert.equal(r.kind, 'section');
    assert.equal(r.partial, false);
    assert.equal(edits.length, 1);
    const after = applyEdits(up, editsFor(edits[0].edit, uri));
    assert.match(after, /^-- \+goose Up\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;\n[\s\S]*-- \+goose Down\n[\s\S]*ALTER TABLE users DROP COLUMN IF EXISTS nickname;/);
    // An existing down part is never overwritten: a diff comes back instead and nothing is applied.
    await client.change(uri, 2, [{ text: `${up}-- +goose Down\nSELECT 1;\n` }]);
    const again = await client.request('workspace/executeCommand', { command: 'pgsafe.server.generateRollback', arguments: [uri] });
    assert.equal(again.applied, false);
    assert.match(again.diff, /SELECT 1/);
    assert.equal(edits.length, 1);
  } finally {
    await client.stop();
  }
});

test('the server exits when its client goes away: code 1 without shutdown, 0 after it', async () => {
  const server = join(ROOT, 'dist', 'server.js');
  // Without shutdown: the client's end of stdin closes (an editor that crashed).
  const crashed = spawn(process.execPath, [server, '--stdio'], { stdio: 'pipe' });
  const c1 = createMessageConnection(new StreamMessageReader(crashed.stdout), new StreamMessageWriter(crashed.stdin));
  c1.listen();
  await c1.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  const code1 = new Promise((r) => crashed.on('exit', r));
  c1.dispose();
  crashed.stdin.end();
  assert.equal(await code1, 1);
  // After shutdown: stdin closing ends it cleanly.
  const polite = spawn(process.execPath, [server, '--stdio'], { stdio: 'pipe' });
  const c2 = createMessageConnection(new StreamMessageReader(polite.stdout), new StreamMessageWriter(polite.stdin));
  c2.listen();
  await c2.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  await c2.sendRequest('shutdown');
  const code2 = new Promise((r) => polite.on('exit', r));
  c2.dispose();
  polite.stdin.end();
  assert.equal(await code2, 0);
});

test('a code action deep in a large file (fixes of just that statement, resumed from a checkpoint) gives the same edit as the CLI\'s whole-file fixes', async () => {
  const { hazardFile } = require('../../../bench/generate.js') as { hazardFile(n: number): string };
  const text = hazardFile(1500);
  const dir = workspace({ 'm/0001_x.sql': text });
  const file = join(dir, 'm/0001_x.sql');
  const uri = pathToFileURL(file).href;
  const cli = spawnSync(process.execPath, [join(ROOT, 'bin', 'pgsafe.js'), 'check', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const cliFindings: any[] = JSON.parse(cli.stdout);
  const lines = text.split('\n');
  const offset = (line: number, col: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
  const applyCli = (edits: any[]) => [...edits].sort((a, b) => offset(b.line, b.column) - offset(a.line, a.column)).reduce((t, e) => t.slice(0, offset(e.line, e.column)) + e.newText + t.slice(offset(e.endLine, e.endColumn)), text);
  const { client } = await LspClient.start({ rootPath: dir });
  try {
    await client.open(uri, text);
    const p = await client.diagnostics(uri, 1);
    let compared = 0;
    for (const line of [1203, 1207, 1291, 1499]) {
      for (const d of p.diagnostics.filter((x) => x.range.start.line === line)) {
        const expected = cliFindings.find((f) => f.rule === d.code && f.line === line + 1 && f.column === d.range.start.character + 1);
        assert.ok(expected, `the CLI reports ${d.code} at line ${line + 1}`);
        const actions = await client.request<any[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
        const titles = actions.map((a) => a.title);
        assert.deepEqual(titles.slice(0, expected.fixes.length), expected.fixes.map((f: any) => f.title), `${d.code} at line ${line + 1}`);
        for (const [i, fix] of expected.fixes.entries()) {
          const resolved = await client.request('codeAction/resolve', actions[i]);
          assert.equal(applyEdits(text, editsFor(resolved.edit, uri)), applyCli(fix.edits), `${fix.title} at line ${line + 1}`);
          compared++;
        }
      }
    }
    assert.ok(compared >= 4, `fixes compared: ${compared}`);
  } finally {
    await client.stop();
  }
});

// The V8 code caches of the CLI and the language server (read by server/src/loader/cached-bundle.ts),
// written by scripts/build.mjs after each bundle has run a sample of its real work: a check of
// the benchmark's hazard template and clean statements, and an editor session on the same file
// (open, diagnostics, code action and its resolve, hover). A cache that cannot be written only
// makes start-up slower: the build warns and goes on.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

function sampleFolder(root) {
  const { hazardFile, cleanFile } = require(join(root, 'bench/generate.js'));
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-code-cache-'));
  writeFileSync(join(dir, '0001_hazards.sql'), hazardFile(300));
  writeFileSync(join(dir, '0002_clean.sql'), cleanFile(100));
  return dir;
}

export function writeCliCache(root) {
  const cache = join(root, 'dist/pgsafe.js.cache');
  rmSync(cache, { force: true });
  const dir = sampleFolder(root);
  try {
    const r = spawnSync(process.execPath, [join(root, 'bin/pgsafe.js'), 'check', '--format', 'json', dir], { env: { ...process.env, PGSAFE_WRITE_CODE_CACHE: cache }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 1) console.warn(`pgsafe build: no CLI code cache (sample check exited ${r.status}): ${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function writeServerCache(root) {
  const cache = join(root, 'dist/server-main.js.cache');
  rmSync(cache, { force: true });
  const rpc = require('vscode-jsonrpc/node');
  const dir = sampleFolder(root);
  const file = join(dir, '0001_hazards.sql');
  const uri = pathToFileURL(file).href;
  const proc = spawn(process.execPath, [join(root, 'dist/server.js'), '--stdio'], { env: { ...process.env, PGSAFE_WRITE_CODE_CACHE: cache }, stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  try {
    const published = new Promise((resolve) => conn.onNotification('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length && resolve(p.diagnostics)));
    conn.onRequest(() => null);
    conn.listen();
    await conn.sendRequest('initialize', {
      processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'sample' }],
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true }, codeAction: { resolveSupport: { properties: ['edit'] } }, hover: { contentFormat: ['markdown'] } }, general: { positionEncodings: ['utf-16'] } },
    });
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text: readFileSync(file, 'utf8') } });
    const diagnostics = await published;
    const d = diagnostics.find((x) => x.code === 'require-concurrent-index-creation') ?? diagnostics[0];
    const actions = await conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    if (actions?.[0]) await conn.sendRequest('codeAction/resolve', actions[0]);
    await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start });
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    let timer;
    const done = await Promise.race([exited.then(() => true), new Promise((resolve) => (timer = setTimeout(() => resolve(false), 10_000)))]);
    clearTimeout(timer);
    if (!done) {
      console.warn('pgsafe build: the sample language server session did not exit; no server code cache');
      proc.kill();
    }
  } catch (e) {
    console.warn(`pgsafe build: no language server code cache (sample session failed): ${e?.message ?? e}`);
    proc.kill();
  } finally {
    conn.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

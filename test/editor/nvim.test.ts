// Neovim 0.7 headless as a real, independent LSP client of `node dist/server.js --stdio`:
// pushed diagnostics, a code action resolved by hand and applied, the diagnostic clearing, and
// settings through workspace/didChangeConfiguration. The steps are in nvim-lsp.lua.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SERVER_JS, editorTest, paths, spawnGroup, tail, tempDir, xdgEnv } from './hosts';

const MIGRATION = ['ALTER TABLE users ADD COLUMN x int NOT NULL;', 'CREATE INDEX users_x_idx ON users (x);', ''].join('\n');

editorTest('neovim 0.7: diagnostics, ignore quick fix via codeAction/resolve, didChangeConfiguration', ['nvim', 'server'], 60_000, async () => {
  const dir = tempDir('nvim');
  const ws = join(dir, 'ws');
  mkdirSync(ws, { recursive: true });
  const file = join(ws, '001_add_x.sql');
  writeFileSync(file, MIGRATION);
  const results = join(dir, 'results.json');
  const env = xdgEnv(dir);
  const started = Date.now();
  const proc = spawnGroup(paths.nvim!, ['--headless', '--clean', '-u', 'NONE', '-c', `luafile ${join(ROOT, 'test', 'editor', 'nvim-lsp.lua')}`], {
    cwd: ws,
    env: { ...env, PGSAFE_NODE: process.execPath, PGSAFE_SERVER: SERVER_JS, PGSAFE_FILE: file, PGSAFE_RESULTS: results },
  });
  const code = await new Promise<number | null>((res) => {
    const timer = setTimeout(() => { void proc.kill(); }, 50_000);
    proc.child.once('exit', (c) => { clearTimeout(timer); res(c); });
  });
  const lspLog = join(env.XDG_CACHE_HOME, 'nvim', 'lsp.log');
  const context = () => [
    `nvim exit code ${code}, ${Date.now() - started} ms; files kept in ${dir}`,
    `nvim output:\n${tail(proc.output(), 3000)}`,
    existsSync(lspLog) ? `lsp.log (server stderr and client errors):\n${tail(readFileSync(lspLog, 'utf8'), 6000)}` : 'no lsp.log',
  ].join('\n');
  try {
    assert.ok(existsSync(results), `nvim wrote no results\n${context()}`);
    const r = JSON.parse(readFileSync(results, 'utf8'));
    const stepLines = (r.steps ?? []).map((s: any) => `  ${String(s.ms).padStart(5)} ms  ${s.name}: ${s.detail}`).join('\n');
    assert.ok(r.ok, `nvim check failed: ${r.error}\nsteps:\n${stepLines}\ndiagnostics: ${JSON.stringify(r.diagnostics, null, 1)}\n${context()}`);
    assert.equal(code, 0, context());
    console.log(`neovim: ${r.steps.length} steps passed in ${r.ms} ms (process ${Date.now() - started} ms)\n${stepLines}`);
    rmSync(dir, { recursive: true, force: true });
  } finally {
    await proc.kill();
  }
});

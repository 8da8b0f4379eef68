// Shared plumbing of the editor tests (not a test file): where the editor hosts are, skipping or
// failing when they are missing, packaging the extension once, process-group cleanup, waiting.
//
// The hosts are installed by `bash scripts/editor-hosts.sh` (apt: chromium, neovim; .hosts/:
// code-server 4.100.3 and playwright-core). Without them the suites skip, unless
// PGSAFE_EDITOR_TESTS=required (CI), where a missing host is a failure.
import { test } from 'node:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const HOSTS = join(ROOT, '.hosts');
export const ARTIFACTS = join(ROOT, 'test', 'artifacts');
/** The bundled language server (PGSAFE_SERVER_JS overrides it, e.g. to try another build). */
export const SERVER_JS = process.env.PGSAFE_SERVER_JS || join(ROOT, 'dist', 'server.js');
export const CLIENT_DIR = join(ROOT, 'client');
export const REQUIRED = process.env.PGSAFE_EDITOR_TESTS === 'required';

/** The migration the code-server suites open: goose (framework detection), two findings. */
export const GOOSE_MIGRATION = [
  '-- +goose Up',
  '-- Add a required column and index it.',
  'ALTER TABLE users ADD COLUMN x int NOT NULL;',
  'CREATE INDEX users_x_idx ON users (x);',
  '',
].join('\n');

export type Host = 'nvim' | 'chromium' | 'code-server' | 'playwright-core' | 'server';

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export const paths = {
  nvim: which('nvim'),
  chromium: ['/usr/bin/chromium', which('chromium')].find((p) => p && existsSync(p)),
  codeServer: existsSync(join(HOSTS, 'node_modules/code-server/out/node/entry.js')) ? join(HOSTS, 'node_modules/.bin/code-server') : undefined,
  playwright: existsSync(join(HOSTS, 'node_modules/playwright-core/package.json')) ? join(HOSTS, 'node_modules/playwright-core') : undefined,
};

function missing(needs: Host[]): string[] {
  const out: string[] = [];
  for (const n of needs) {
    if (n === 'nvim' && !paths.nvim) out.push('nvim (apt neovim)');
    if (n === 'chromium' && !paths.chromium) out.push('chromium (apt)');
    if (n === 'code-server' && !paths.codeServer) out.push('code-server (.hosts/)');
    if (n === 'playwright-core' && !paths.playwright) out.push('playwright-core (.hosts/)');
    if (n === 'server' && !existsSync(SERVER_JS)) out.push('dist/server.js (npm run build)');
  }
  return out;
}

/**
 * A test that needs editor hosts: skipped with the reason when one is missing, or failing when
 * PGSAFE_EDITOR_TESTS=required.
 */
export function editorTest(name: string, needs: Host[], timeoutMs: number, fn: () => Promise<void>): void {
  const gone = missing(needs);
  if (gone.length && !REQUIRED) {
    test(name, { skip: `not installed: ${gone.join(', ')} — run \`bash scripts/editor-hosts.sh\` (set PGSAFE_EDITOR_TESTS=required to fail instead)` }, () => {});
    return;
  }
  test(name, { timeout: timeoutMs }, async () => {
    if (gone.length) throw new Error(`PGSAFE_EDITOR_TESTS=required but not installed: ${gone.join(', ')} — run \`bash scripts/editor-hosts.sh\``);
    await fn();
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pgsafe-${prefix}-`));
}

/** XDG dirs inside `dir`, so hosts write nothing into $HOME. */
export function xdgEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['CONFIG', 'DATA', 'CACHE', 'STATE']) {
    const p = join(dir, 'xdg', k.toLowerCase());
    mkdirSync(p, { recursive: true });
    env[`XDG_${k}_HOME`] = p;
  }
  return env;
}

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const name of readdirSync(p)) m = Math.max(m, newestMtime(join(p, name)));
  return m;
}

/**
 * Runs scripts/package-extension.mjs unless the .vsix and client/dist are newer than everything
 * they are made of. A lock directory serialises concurrent test files. Returns the .vsix path.
 */
export async function ensurePackaged(): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(CLIENT_DIR, 'package.json'), 'utf8'));
  const vsix = join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const lock = join(ARTIFACTS, '.package.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try { mkdirSync(lock); break; } catch {
      // A lock older than two minutes belongs to a process that died.
      try { if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true }); } catch {}
      if (Date.now() > deadline) throw new Error('timed out waiting for another test to package the extension');
      await sleep(200);
    }
  }
  try {
    const inputs = Math.max(
      newestMtime(join(CLIENT_DIR, 'src')), newestMtime(join(CLIENT_DIR, 'package.json')), newestMtime(join(CLIENT_DIR, 'README.md')),
      newestMtime(join(CLIENT_DIR, '.vscodeignore')), newestMtime(SERVER_JS), newestMtime(join(ROOT, 'dist', 'libpg-query.wasm')),
      newestMtime(join(ROOT, 'syntaxes')), newestMtime(join(ROOT, 'scripts', 'package-extension.mjs')),
    );
    const outputs = Math.min(newestMtime(vsix) || 0, newestMtime(join(CLIENT_DIR, 'dist', 'extension.js')) || 0, newestMtime(join(CLIENT_DIR, 'dist', 'server.js')) || 0);
    if (outputs > inputs) return vsix;
    const serverArgs = SERVER_JS === join(ROOT, 'dist', 'server.js') ? [] : ['--server-dir', dirname(SERVER_JS)];
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package-extension.mjs'), ...serverArgs], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`scripts/package-extension.mjs failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    return vsix;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws `what` (plus the last error) at the deadline. */
export async function waitFor<T>(what: string, timeoutMs: number, fn: () => T | Promise<T>, intervalMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(intervalMs);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** A child in its own process group, with its output collected (the tail is kept for failures). */
export interface Spawned {
  child: ChildProcess;
  output(): string;
  kill(): Promise<void>;
}

export function spawnGroup(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> }): Spawned {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  const onData = (d: Buffer) => { buf += d.toString('utf8'); if (buf.length > 200_000) buf = buf.slice(-100_000); };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    output: () => buf,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try { process.kill(-child.pid!, 'SIGTERM'); } catch {}
      await Promise.race([exited, sleep(3000)]);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch {}
      await Promise.race([exited, sleep(2000)]);
    },
  };
}

/** Loads playwright-core from .hosts/ (it is not a dependency of the project). */
export function loadPlaywright(): any {
  return createRequire(join(HOSTS, 'package.json'))('playwright-core');
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** code-server's user settings for a quiet, trusted, offline workbench. */
export const CODE_SERVER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
};

/** Fresh user-data and extensions dirs (with quiet settings) and XDG dirs for a code-server under `dir`. */
export function codeServerDirs(dir: string): { userData: string; extensions: string; env: Record<string, string> } {
  const userData = join(dir, 'user-data');
  const extensions = join(dir, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  const settings = join(userData, 'User', 'settings.json');
  if (!existsSync(settings)) writeFileSync(settings, JSON.stringify(CODE_SERVER_SETTINGS, null, 2));
  return { userData, extensions, env: xdgEnv(dir) };
}

/** Starts code-server on a free loopback port and waits for /healthz. */
export async function startCodeServer(dir: string, extraArgs: string[] = []): Promise<{ proc: Spawned; port: number; userData: string; extensions: string; env: Record<string, string> }> {
  const { userData, extensions, env } = codeServerDirs(dir);
  const port = await freePort();
  const proc = spawnGroup(paths.codeServer!, ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', userData, '--extensions-dir', extensions, ...extraArgs], { env });
  try {
    let exited = false;
    await waitFor('code-server /healthz', 30_000, async () => {
      if (proc.child.exitCode !== null) return (exited = true);
      const r = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      return r?.ok;
    }, 150);
    if (exited) throw new Error(`code-server exited ${proc.child.exitCode}:\n${tail(proc.output())}`);
  } catch (e) {
    await proc.kill();
    throw e;
  }
  return { proc, port, userData, extensions, env };
}

export async function launchChromium(profileDir: string): Promise<{ context: any; page: any; console: string[] }> {
  const { chromium } = loadPlaywright();
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: paths.chromium, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
  const page = context.pages()[0] ?? (await context.newPage());
  const lines: string[] = [];
  page.on('console', (m: any) => { if (m.type() === 'error' || m.type() === 'warning') lines.push(`[${m.type()}] ${m.text()}`); });
  page.on('pageerror', (e: any) => lines.push(`[pageerror] ${String(e)}`));
  return { context, page, console: lines };
}

/** The last `n` characters of a text, for failure messages. */
export function tail(s: string, n = 6000): string {
  return s.length > n ? `…${s.slice(-n)}` : s;
}

/** Log files under `dir` (code-server's exthost and server logs), concatenated tails. */
export function logTails(dir: string, match: RegExp, n = 4000): string {
  const out: string[] = [];
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    for (const name of readdirSync(p)) {
      const q = join(p, name);
      if (statSync(q).isDirectory()) walk(q);
      else if (match.test(q)) out.push(`--- ${q}\n${tail(readFileSync(q, 'utf8'), n)}`);
    }
  };
  walk(dir);
  return out.join('\n');
}

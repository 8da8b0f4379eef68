// An LSP client over stdio for tests: spawns dist/server.js, speaks JSON-RPC with vscode-jsonrpc,
// and records what the server publishes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const ROOT = join(__dirname, '..', '..', '..');
export const SERVER = join(ROOT, 'dist', 'server.js');

export interface Published {
  uri: string;
  version?: number;
  diagnostics: any[];
}

export interface ClientOptions {
  /** Extra client capabilities (merged over push-only, utf-16, resolve-capable defaults). */
  capabilities?: Record<string, any>;
  initializationOptions?: unknown;
  rootPath?: string;
  /** Answer workspace/configuration requests with this (section 'pgsafe'). */
  configuration?: () => unknown;
  /** Run this server script instead of dist/server.js (e.g. the copy the packaged extension ships). */
  server?: string;
}

export class LspClient {
  readonly published: Published[] = [];
  readonly messages: { type: number; message: string }[] = [];
  readonly logs: string[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  stderr = '';
  private waiters: (() => void)[] = [];

  constructor(readonly proc: ChildProcessWithoutNullStreams, readonly conn: MessageConnection) {}

  static async start(opts: ClientOptions = {}): Promise<{ client: LspClient; init: any }> {
    const proc = spawn(process.execPath, [opts.server ?? SERVER, '--stdio'], { stdio: 'pipe' });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const client = new LspClient(proc, conn);
    proc.stderr.on('data', (d) => { client.stderr += d; });
    conn.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      client.published.push(p);
      client.wake();
    });
    conn.onNotification('window/showMessage', (p: any) => { client.messages.push(p); client.wake(); });
    conn.onNotification('window/logMessage', (p: any) => { client.logs.push(p.message); });
    conn.onNotification((method: string, params: unknown) => { client.notifications.push({ method, params }); client.wake(); });
    conn.onRequest('workspace/configuration', () => [opts.configuration?.() ?? null]);
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/diagnostic/refresh', () => { client.notifications.push({ method: 'refresh', params: null }); client.wake(); return null; });
    conn.listen();
    const capabilities = {
      general: { positionEncodings: ['utf-16'] },
      textDocument: {
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        codeAction: { resolveSupport: { properties: ['edit'] }, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
        hover: { contentFormat: ['markdown'] },
      },
      workspace: { workspaceEdit: { documentChanges: true }, configuration: !!opts.configuration },
      ...opts.capabilities,
    };
    const init = await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: opts.rootPath ? pathToFileURL(opts.rootPath).href : null,
      workspaceFolders: opts.rootPath ? [{ uri: pathToFileURL(opts.rootPath).href, name: 'ws' }] : null,
      capabilities,
      initializationOptions: opts.initializationOptions,
    });
    await conn.sendNotification('initialized', {});
    return { client, init };
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Wait until `pred` holds (re-checked on every message), or fail after `ms`. */
  async until<T>(pred: () => T | undefined | false, what: string, ms = 15000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = pred();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-2000)}; logs: ${this.logs.slice(-5).join(' | ')}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 200));
        this.waiters.push(() => { clearTimeout(t); res(); });
      });
    }
  }

  /** The latest diagnostics published for `uri` with at least `version`. */
  async diagnostics(uri: string, version?: number): Promise<Published> {
    return this.until(() => {
      for (let i = this.published.length - 1; i >= 0; i--) {
        const p = this.published[i];
        if (p.uri === uri) return version === undefined || (p.version ?? -1) >= version ? p : undefined;
      }
      return undefined;
    }, `diagnostics for ${uri}${version !== undefined ? ` version ${version}` : ''}`);
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version, text } });
  }

  change(uri: string, version: number, changes: any[]): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  request<T = any>(method: string, params: unknown): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    this.conn.dispose();
    await new Promise<void>((res) => {
      if (this.proc.exitCode !== null) return res();
      const t = setTimeout(() => { this.proc.kill('SIGKILL'); res(); }, 2000);
      this.proc.on('exit', () => { clearTimeout(t); res(); });
    });
  }
}

/** Apply LSP text edits (UTF-16 positions) to a text. */
export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const off = (p: { line: number; character: number }) => (p.line >= starts.length ? text.length : starts[p.line] + p.character);
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

/** The text edits of a WorkspaceEdit for one document. */
export function editsFor(edit: any, uri: string): any[] {
  if (edit?.changes?.[uri]) return edit.changes[uri];
  return (edit?.documentChanges ?? []).filter((c: any) => c.textDocument?.uri === uri).flatMap((c: any) => c.edits);
}

// The pgsafe language server: a thin layer over the engine. Documents → Workspace (engine) →
// diagnostics, code actions, hover and the lock report, in the position encoding the client chose.
import {
  CodeActionKind, DidChangeConfigurationNotification, MessageType, ShowMessageNotification, DidChangeWatchedFilesNotification, FileChangeType, TextDocumentSyncKind,
  type CodeAction, type CodeActionParams, type Connection, type Diagnostic, type DocumentDiagnosticReport, type Hover,
  type InitializeParams, type InitializeResult,
} from 'vscode-languageserver';
import { ensureParser, fileLockReport, statementLockMarkdown, type Finding, type LintResult } from '../../../shared/src/index';
import { LspDocument, negotiateEncoding, type PositionEncoding } from './document';
import { FIX_ALL_KIND, toDiagnostic } from './convert';
import { codeActions, resolveCodeAction, ROLLBACK_COMMAND, ROLLBACK_KIND, type CodeActionHost } from './code-actions';
import { MAX_LIVE_CHARS, uriToPath, Workspace } from './workspace';
import { generateRollback, tracedLockReport } from './commands';

export const LOCK_REPORT_COMMAND = 'pgsafe.server.lockReport';

export function startServer(connection: Connection): void {
  let encoding: PositionEncoding = 'utf-16';
  let workspace = new Workspace([]);
  let pullDiagnostics = false;
  let refreshSupport = false;
  let resolveEdits = false;
  let documentChanges = false;
  let configurationRequests = false;
  let createFiles = false;
  let showDocument = false;
  let watchRegistration = false;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const published = new Map<string, number>();
  const reportedConfigErrors = new Set<string>();

  const guard = <A extends unknown[], R>(name: string, fallback: R, fn: (...a: A) => R) => (...a: A): R => {
    try {
      return fn(...a);
    } catch (e: any) {
      connection.console.error(`pgsafe: ${name} failed: ${e?.stack ?? e}`);
      return fallback;
    }
  };

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    await ensureParser();
    const caps = params.capabilities;
    encoding = negotiateEncoding(caps.general?.positionEncodings);
    pullDiagnostics = !!caps.textDocument?.diagnostic;
    refreshSupport = !!caps.workspace?.diagnostics?.refreshSupport;
    resolveEdits = !!caps.textDocument?.codeAction?.resolveSupport?.properties?.includes('edit');
    documentChanges = !!caps.workspace?.workspaceEdit?.documentChanges;
    showDocument = !!caps.window?.showDocument?.support;
    createFiles = documentChanges && !!caps.workspace?.workspaceEdit?.resourceOperations?.includes('create');
    configurationRequests = !!caps.workspace?.configuration;
    watchRegistration = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    if (!roots.length && params.rootUri) {
      const p = uriToPath(params.rootUri);
      if (p) roots.push(p);
    }
    workspace = new Workspace(roots);
    const init = params.initializationOptions as { settings?: unknown } | undefined;
    if (init?.settings !== undefined) reportSettingsProblems(workspace.setSettings(init.settings));
    return {
      capabilities: {
        positionEncoding: encoding,
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        diagnosticProvider: pullDiagnostics ? { identifier: 'pgsafe', interFileDependencies: true, workspaceDiagnostics: false } : undefined,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, ROLLBACK_KIND], resolveProvider: true },
        hoverProvider: true,
        executeCommandProvider: { commands: [LOCK_REPORT_COMMAND, ROLLBACK_COMMAND] },
      },
      serverInfo: { name: 'pgsafe', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (configurationRequests) {
      connection.client.register(DidChangeConfigurationNotification.type, { section: 'pgsafe' }).catch(() => undefined);
      await pullSettings();
    }
    if (watchRegistration) {
      connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: ['**/*.sql', '**/pgsafe.config.json', '**/sqitch.plan', '**/atlas.sum', '**/migration_lock.toml', '**/*.sql.conf', '**/meta/_journal.json', '**/metadata.toml', '**/package.json']
          .map((globPattern) => ({ globPattern })),
      }).catch(() => undefined);
    }
    refreshAll();
    warmUp();
  });

  /** Replay the workspace's migration folders in the background, one folder per turn of the event loop. */
  function warmUp(): void {
    const steps = workspace.project.warmUp(workspace.rootPaths);
    const project = workspace.project;
    const step = guard('replaying the workspace', undefined, () => {
      if (workspace.project !== project) return; // settings changed meanwhile: sets are rebuilt on demand
      const t = Date.now();
      let r = steps.next();
      while (!r.done && Date.now() - t < 20) r = steps.next();
      if (!r.done) setImmediate(step);
      else connection.sendNotification('pgsafe/contextChanged');
    });
    setImmediate(step);
  }

  async function pullSettings(): Promise<void> {
    try {
      const s = await connection.workspace.getConfiguration('pgsafe');
      if (s !== undefined && s !== null) reportSettingsProblems(workspace.setSettings(s));
    } catch {
      // the client does not answer: keep the settings we have
    }
  }

  const notify = (type: MessageType, message: string) => void connection.sendNotification(ShowMessageNotification.type, { type, message });

  function reportSettingsProblems(problems: readonly { key: string; message: string }[]): void {
    if (problems.length) notify(MessageType.Warning, `pgsafe settings: ${problems.map((p) => `pgsafe.${p.key} ${p.message}`).join('; ')}`);
  }

  function reportConfigErrors(): void {
    for (const [file, err] of workspace.config.errors) {
      const msg = err.message;
      if (reportedConfigErrors.has(msg)) continue;
      reportedConfigErrors.add(msg);
      notify(MessageType.Error, `pgsafe: ${file} is invalid, using defaults and settings until it is fixed: ${msg}`);
    }
  }

  function lint(doc: LspDocument): LintResult | undefined {
    if (doc.text.length > MAX_LIVE_CHARS) return undefined;
    const r = workspace.lint(doc);
    reportConfigErrors();
    return r;
  }

  function lintWithFixes(doc: LspDocument): LintResult | undefined {
    if (doc.text.length > MAX_LIVE_CHARS) return undefined;
    return workspace.lintWithFixes(doc);
  }

  /** After diagnostics are out, compute the fixes while the user is idle (code actions are then instant). */
  let fixTimer: NodeJS.Timeout | undefined;
  function prepareFixes(uri: string, version: number): void {
    if (fixTimer) clearTimeout(fixTimer);
    fixTimer = setTimeout(guard('preparing fixes', undefined, () => {
      fixTimer = undefined;
      const doc = workspace.docs.get(uri);
      // Large files: computed on the code action instead, so the next keystroke never waits behind them.
      const statements = workspace.cached(uri)?.result.split.statements.length ?? 0;
      if (doc && doc.version === version && pending.size === 0 && statements <= 1000) lintWithFixes(doc);
    }), 400);
  }

  const diagnosticCache = new Map<string, WeakMap<Finding, Diagnostic>>();
  function diagnosticsFor(doc: LspDocument): Diagnostic[] {
    const result = lint(doc);
    if (!result) {
      return [{
        range: doc.range(0, 0), severity: 3, source: 'pgsafe', code: 'file-too-large',
        message: `pgsafe does not check files over ${MAX_LIVE_CHARS / 1e6} million characters while you type (this one has ${(doc.text.length / 1e6).toFixed(1)} million). Run \`pgsafe check\` on it instead.`,
      }];
    }
    // Findings the incremental lint reused are the same objects, at the same offsets in the same
    // text before them: their diagnostics are too (large files re-publish thousands unchanged).
    let cache = diagnosticCache.get(doc.uri);
    if (!cache) diagnosticCache.set(doc.uri, (cache = new WeakMap()));
    const known = cache;
    return result.findings.map((f) => {
      let d = known.get(f);
      if (!d) known.set(f, (d = toDiagnostic(doc, f)));
      return d;
    });
  }

  function publish(uri: string): void {
    const doc = workspace.docs.get(uri);
    if (!doc || pullDiagnostics) return;
    const version = doc.version;
    const diagnostics = diagnosticsFor(doc);
    // Never publish over a newer version's diagnostics.
    if ((published.get(uri) ?? -Infinity) > version) return;
    published.set(uri, version);
    connection.sendDiagnostics({ uri, version, diagnostics });
    prepareFixes(uri, version);
  }

  function schedule(uri: string, delay = 2): void {
    pending.add(uri);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }

  const publishOne = guard('publishing diagnostics', undefined, publish);
  function flush(): void {
    timer = undefined;
    const uris = [...pending];
    pending.clear();
    for (const uri of uris) publishOne(uri);
  }

  /** Something outside the documents changed: every open document's findings may have. */
  function refreshAll(): void {
    if (pullDiagnostics) {
      if (refreshSupport) connection.languages.diagnostics.refresh().catch(() => undefined);
      return;
    }
    for (const uri of workspace.docs.keys()) pending.add(uri);
    schedule('', 8);
    pending.delete('');
  }

  connection.onDidOpenTextDocument(guard('didOpen', undefined, (p) => {
    const d = p.textDocument;
    if (typeof d?.uri !== 'string' || typeof d.text !== 'string') throw new Error('didOpen without a uri and text');
    const doc = new LspDocument(d.uri, d.version, d.text, d.languageId, encoding);
    workspace.open(doc);
    schedule(d.uri, 0);
  }));

  connection.onDidChangeTextDocument(guard('didChange', undefined, (p) => {
    const doc = workspace.docs.get(p.textDocument.uri);
    if (!doc) return;
    const before = workspace.generation;
    doc.update(p.contentChanges, p.textDocument.version ?? doc.version + 1);
    const redetected = workspace.changed(doc);
    schedule(doc.uri);
    if (workspace.generation !== before) refreshOthers(doc.uri);
    if (redetected) connection.sendNotification('pgsafe/contextChanged');
  }));

  function refreshOthers(except: string): void {
    if (pullDiagnostics) {
      if (refreshSupport) connection.languages.diagnostics.refresh().catch(() => undefined);
      return;
    }
    for (const uri of workspace.docs.keys()) if (uri !== except) pending.add(uri);
  }

  connection.onDidCloseTextDocument(guard('didClose', undefined, (p) => {
    const redetected = workspace.close(p.textDocument.uri);
    diagnosticCache.delete(p.textDocument.uri);
    published.delete(p.textDocument.uri);
    if (!pullDiagnostics) connection.sendDiagnostics({ uri: p.textDocument.uri, diagnostics: [] });
    refreshAll();
    if (redetected) connection.sendNotification('pgsafe/contextChanged');
  }));

  connection.onDidChangeConfiguration(guard('didChangeConfiguration', undefined, (p) => {
    const s = (p.settings as { pgsafe?: unknown } | null | undefined)?.pgsafe;
    if (s !== undefined) {
      reportSettingsProblems(workspace.setSettings(s));
      reportedConfigErrors.clear();
      refreshAll();
      connection.sendNotification('pgsafe/contextChanged');
    } else if (configurationRequests) {
      void pullSettings().then(() => {
        reportedConfigErrors.clear();
        refreshAll();
        connection.sendNotification('pgsafe/contextChanged');
      });
    }
  }));

  connection.onDidChangeWatchedFiles(guard('didChangeWatchedFiles', undefined, (p) => {
    let touched = false;
    for (const c of p.changes) {
      const path = uriToPath(c.uri);
      if (!path) continue;
      // An open document's editor text wins over the disk.
      if ([...workspace.docs.keys()].includes(c.uri) && c.type === FileChangeType.Changed) continue;
      workspace.diskChanged(path, c.type === FileChangeType.Created ? 'created' : c.type === FileChangeType.Deleted ? 'deleted' : 'changed');
      if (path.endsWith('pgsafe.config.json')) reportedConfigErrors.clear();
      touched = true;
    }
    if (touched) {
      refreshAll();
      connection.sendNotification('pgsafe/contextChanged');
    }
  }));

  connection.languages.diagnostics.on(guard('textDocument/diagnostic', { kind: 'full', items: [] } as DocumentDiagnosticReport, (p) => {
    const doc = workspace.docs.get(p.textDocument.uri);
    if (!doc) return { kind: 'full', items: [] };
    const resultId = `${doc.version}:${workspace.generation}`;
    if (p.previousResultId === resultId && workspace.cached(doc.uri)) return { kind: 'unchanged', resultId };
    const items = diagnosticsFor(doc);
    prepareFixes(doc.uri, doc.version);
    return { kind: 'full', resultId, items };
  }));

  const actionHost: CodeActionHost = {
    document: (uri) => workspace.docs.get(uri),
    lint,
    lintWithFixes,
    fixesIn: (doc, from, to) => workspace.fixesIn(doc, from, to),
    resolveEdits: () => resolveEdits,
    documentChanges: () => documentChanges,
  };
  connection.onCodeAction(guard('codeAction', [] as CodeAction[], (p: CodeActionParams) => codeActions(actionHost, p)));
  connection.onCodeActionResolve(guard('codeAction/resolve', undefined as unknown as CodeAction, (a: CodeAction) => resolveCodeAction(actionHost, a)));

  connection.onHover(guard('hover', null as Hover | null, (p) => {
    const doc = workspace.docs.get(p.textDocument.uri);
    if (!doc) return null;
    const result = lint(doc);
    if (!result) return null;
    const at = doc.offsetAt(p.position);
    const stmt = result.split.statements.find((s) => at >= s.start && at <= (s.terminator ?? s.end));
    if (!stmt) return null;
    const value = statementLockMarkdown(stmt, result.statementInfo?.[stmt.index], result.findings);
    return { contents: { kind: 'markdown', value }, range: doc.range(stmt.start, stmt.terminator !== undefined ? stmt.terminator + 1 : stmt.end) };
  }));

  connection.onExecuteCommand(guard('executeCommand', undefined as unknown, (p) => {
    const commandHost = { connection, workspace, edits: { documentChanges, createFiles, showDocument }, notify };
    if (p.command === ROLLBACK_COMMAND) return generateRollback(commandHost, String(p.arguments?.[0] ?? ''));
    if (p.command !== LOCK_REPORT_COMMAND) return undefined;
    const uri = String(p.arguments?.[0] ?? '');
    // Only this explicit variant runs SQL (on PGlite, in a worker thread).
    if ((p.arguments?.[1] as { trace?: unknown } | undefined)?.trace === true) return tracedLockReport(commandHost, uri);
    const doc = workspace.docs.get(uri);
    if (!doc) return { markdown: `# Lock report\n\n${uri || 'No document'} is not open in the editor.\n` };
    const result = lint(doc);
    if (!result) return { markdown: `# Lock report\n\nThe file is too large to analyse in the editor; run \`pgsafe check\` on it.\n` };
    const name = uriToPath(uri) ?? uri;
    return { markdown: fileLockReport(name, doc.text, result.split.statements, result.statementInfo ?? [], result.findings) };
  }));

  connection.onRequest('pgsafe/context', guard('pgsafe/context', null as unknown, (p: { uri: string }) => {
    const doc = workspace.docs.get(p?.uri);
    const path = uriToPath(p?.uri ?? '');
    if (!path) return { framework: 'plain', pgVersion: workspace.config.configFor('untitled.sql').pgVersion, transaction: 'not a file on disk' };
    const ctx = workspace.project.context(path, doc?.text);
    return { framework: ctx.framework, pgVersion: ctx.pgVersion, transaction: ctx.transaction, evidence: ctx.evidence, setRoot: ctx.set?.root, configFile: ctx.config.source };
  }));

  connection.listen();
}

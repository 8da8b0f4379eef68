// The pgsafe VS Code extension: a thin vscode-languageclient over the bundled language server
// (dist/server.js beside this file after packaging). Everything the user sees — diagnostics, quick
// fixes, fix-all — comes from the server; the client adds the settings, three commands and the
// status bar item that shows the framework and PostgreSQL version of the active migration.
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** What `pgsafe/context` returns for a file. */
export interface MigrationContext {
  framework: string;
  pgVersion: number;
  transaction: string;
  setRoot?: string;
  /** Why this framework was detected (when the server says). */
  evidence?: string;
  /** The pgsafe.config.json that applies, if any. */
  configFile?: string;
}

/** The extension's exports (used by the editor tests; stable enough for other extensions). */
export interface PgsafeApi {
  readonly client: LanguageClient | undefined;
  /** The status bar item's current text and tooltip (empty while it is hidden). */
  statusBar(): { text: string; tooltip: string; visible: boolean };
  /** Resolves once the status bar reflects the active editor (the latest context query settled). */
  contextSettled(): Promise<void>;
}

const REPORT_SCHEME = 'pgsafe-report';
let client: LanguageClient | undefined;

/** The `pgsafe.*` settings the server understands, without unset values. */
function readSettings(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('pgsafe');
  const settings: Record<string, unknown> = {};
  const pgVersion = cfg.get<number | null>('pgVersion');
  if (typeof pgVersion === 'number') settings.pgVersion = pgVersion;
  const framework = cfg.get<string>('framework');
  if (framework) settings.framework = framework;
  const rules = cfg.get<Record<string, string>>('rules');
  if (rules && Object.keys(rules).length) settings.rules = { ...rules };
  const configPath = cfg.get<string>('configPath');
  if (configPath) settings.configPath = configPath;
  return settings;
}

function isSqlDocument(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  if (!doc) return false;
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return false;
  return doc.languageId === 'sql' || doc.uri.path.toLowerCase().endsWith('.sql');
}

export async function activate(context: vscode.ExtensionContext): Promise<PgsafeApi> {
  const output = vscode.window.createOutputChannel('pgsafe', { log: true });
  context.subscriptions.push(output);

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sql' },
      { scheme: 'untitled', language: 'sql' },
      { scheme: 'file', pattern: '**/*.sql' },
    ],
    initializationOptions: { settings: readSettings() },
    synchronize: {
      // Sends workspace/didChangeConfiguration { settings: { pgsafe: {...} } } on every change.
      configurationSection: 'pgsafe',
      // No fileEvents: the server registers the file watchers it needs (migrations, pgsafe.config.json,
      // runner manifests) through client/registerCapability.
    },
    outputChannel: output,
    diagnosticCollectionName: 'pgsafe',
    middleware: {
      workspace: {
        // Re-query the status bar context once the server has the new settings (messages are
        // handled in order, so the context request sees them).
        didChangeConfiguration: async (sections, next) => {
          await next(sections);
          void refreshStatus();
        },
      },
    },
  };
  client = new LanguageClient('pgsafe', 'pgsafe', serverOptions, clientOptions);

  // ---- status bar: "pgsafe: goose · PG 18" for the active SQL editor --------------------------
  const status = vscode.window.createStatusBarItem('pgsafe.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'pgsafe';
  status.command = 'pgsafe.showLockReport';
  context.subscriptions.push(status);
  let statusVisible = false;
  let generation = 0;
  let pending: Promise<void> = Promise.resolve();

  const refreshStatus = (): Promise<void> => {
    const gen = ++generation;
    const doc = vscode.window.activeTextEditor?.document;
    if (!isSqlDocument(doc) || !client) {
      status.hide();
      statusVisible = false;
      return (pending = Promise.resolve());
    }
    const c = client;
    const uri = doc.uri.toString();
    pending = (async () => {
      try {
        if (c.state !== State.Running) await c.start();
        const ctx = await c.sendRequest<MigrationContext | null>('pgsafe/context', { uri });
        output.debug(`pgsafe/context ${uri}: ${JSON.stringify(ctx)}`);
        if (gen !== generation) return;
        if (!ctx) {
          status.hide();
          statusVisible = false;
          return;
        }
        status.text = `pgsafe: ${ctx.framework} · PG ${ctx.pgVersion}`;
        const tip = new vscode.MarkdownString(undefined, true);
        tip.appendMarkdown(`**pgsafe** — framework \`${ctx.framework}\`${ctx.evidence ? ` (${ctx.evidence})` : ''}, PostgreSQL ${ctx.pgVersion}`);
        tip.appendMarkdown(`\n\nTransaction: ${ctx.transaction}`);
        if (ctx.setRoot) tip.appendMarkdown(`\n\nMigration folder: \`${ctx.setRoot}\``);
        if (ctx.configFile) tip.appendMarkdown(`\n\nConfiguration: \`${ctx.configFile}\` (wins over the pgsafe.* settings)`);
        tip.appendMarkdown('\n\nClick for the lock report of this file.');
        status.tooltip = tip;
        status.backgroundColor = undefined;
      } catch (e) {
        if (gen !== generation) return;
        status.text = 'pgsafe: $(warning) server unavailable';
        status.tooltip = `pgsafe: ${e instanceof Error ? e.message : String(e)}`;
        status.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      }
      status.show();
      statusVisible = true;
    })();
    return pending;
  };

  // ---- lock report: virtual read-only markdown documents ---------------------------------------
  const reports = new Map<string, string>();
  const reportChanged = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    reportChanged,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, {
      onDidChange: reportChanged.event,
      provideTextDocumentContent: (uri) => reports.get(uri.toString()) ?? '',
    }),
  );

  /**
   * The lock report: static (the catalogue and the rules), or with `trace` observed on PGlite —
   * the file and its earlier migrations run by the verify engine in the server (seconds; the
   * only path on which the extension makes the server run SQL, and only on this command).
   */
  const showLockReport = async (target?: vscode.Uri, trace = false): Promise<vscode.TextDocument | undefined> => {
    const doc = target ? await vscode.workspace.openTextDocument(target) : vscode.window.activeTextEditor?.document;
    if (!isSqlDocument(doc)) {
      void vscode.window.showInformationMessage('pgsafe: open a SQL migration to see its lock report.');
      return undefined;
    }
    if (!client) return undefined;
    if (client.state !== State.Running) await client.start();
    const request = () => client!.sendRequest(ExecuteCommandRequest.type, {
      command: 'pgsafe.server.lockReport',
      arguments: trace ? [doc.uri.toString(), { trace: true }] : [doc.uri.toString()],
    }) as Promise<{ markdown?: string } | null>;
    const result = trace
      ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'pgsafe: running the migrations on PGlite…' }, request)
      : await request();
    if (!result || typeof result.markdown !== 'string') {
      void vscode.window.showWarningMessage('pgsafe: the server returned no lock report for this file.');
      return undefined;
    }
    const base = doc.uri.path.split('/').pop() || 'untitled';
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/Lock report ${base}${trace ? ' (PGlite)' : ''}.md`, query: doc.uri.toString() });
    reports.set(uri.toString(), result.markdown);
    reportChanged.fire(uri);
    const report = await vscode.workspace.openTextDocument(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
    return report;
  };

  /** The server writes the rollback where the framework expects it (and opens it); an existing down part comes back as a diff. */
  const generateRollback = async (target?: vscode.Uri): Promise<unknown> => {
    const doc = target ? await vscode.workspace.openTextDocument(target) : vscode.window.activeTextEditor?.document;
    if (!isSqlDocument(doc)) {
      void vscode.window.showInformationMessage('pgsafe: open a SQL migration to generate its rollback.');
      return undefined;
    }
    if (!client) return undefined;
    if (client.state !== State.Running) await client.start();
    const result = await client.sendRequest(ExecuteCommandRequest.type, { command: 'pgsafe.server.generateRollback', arguments: [doc.uri.toString()] }) as
      { error?: string; applied?: boolean; diff?: string; content?: string; target?: string; partial?: boolean } | null;
    if (!result) return undefined;
    if (result.error) {
      void vscode.window.showWarningMessage(`pgsafe: ${result.error}`);
    } else if (!result.applied && (result.diff || result.content)) {
      const base = doc.uri.path.split('/').pop() || 'migration';
      const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/Rollback ${base}${result.diff ? '.diff' : '.sql'}`, query: doc.uri.toString() });
      reports.set(uri.toString(), result.diff ?? result.content ?? '');
      reportChanged.fire(uri);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { viewColumn: vscode.ViewColumn.Beside, preview: true });
      if (result.diff) void vscode.window.showInformationMessage('pgsafe: this migration already has a down part; it was not replaced. The generated rollback is shown as a diff.');
    }
    return result;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('pgsafe.generateRollback', (uri?: vscode.Uri) => generateRollback(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('pgsafe.restartServer', async () => {
      if (!client) return;
      output.info('Restarting the pgsafe server');
      if (client.state === State.Running) await client.restart();
      else await client.start();
      await refreshStatus();
    }),
    vscode.commands.registerCommand('pgsafe.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('pgsafe.showLockReport', (uri?: vscode.Uri) => showLockReport(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('pgsafe.showLockReportTraced', (uri?: vscode.Uri) => showLockReport(uri instanceof vscode.Uri ? uri : undefined, true)),
    vscode.window.onDidChangeActiveTextEditor(() => void refreshStatus()),
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) void refreshStatus();
    }),
    client.onNotification('pgsafe/contextChanged', () => void refreshStatus()),
  );

  try {
    await client.start();
  } catch (e) {
    output.error(`pgsafe: the language server did not start: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    void vscode.window.showErrorMessage('pgsafe: the language server did not start. See "pgsafe: Show Output".');
  }
  void refreshStatus();

  return {
    get client() { return client; },
    statusBar: () => ({
      text: statusVisible ? status.text : '',
      tooltip: !statusVisible ? '' : typeof status.tooltip === 'string' ? status.tooltip : status.tooltip?.value ?? '',
      visible: statusVisible,
    }),
    contextSettled: async () => {
      let p: Promise<void>;
      do { p = pending; await p; } while (p !== pending);
    },
  };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}

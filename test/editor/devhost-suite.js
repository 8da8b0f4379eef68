// The extension's test suite, run INSIDE VS Code's extension host (code-server's dev-host `payload`
// mode, see devhost.test.ts) with the full `vscode` API. Not a node:test file: the driver copies it
// into a temp folder as index.js next to a config.json ({ workspace, migration, results }), and VS
// Code calls run(). Results go to config.results after every test (so a hang still shows which
// test hung); the driver polls that file.
'use strict';
const vscode = require('vscode');
const assert = require('assert');
const fs = require('fs');
const path = require('path');

const cfg = JSON.parse(fs.readFileSync(path.join(__dirname, 'config.json'), 'utf8'));
const INDEX_RULE = 'require-concurrent-index-creation';
const COLUMN_RULE = 'add-column-not-null-without-default';
const EXTENSION_ID = 'pgsafe.pgsafe-vscode';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Polls fn until truthy; `what` (a string, or a function for a message computed at the deadline) names it. */
async function waitFor(what, timeoutMs, fn) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${typeof what === 'function' ? what() : what}${last ? ` (last error: ${last && last.message || last})` : ''}`);
    await sleep(100);
  }
}
const codeOf = (d) => (d.code && typeof d.code === 'object' ? d.code.value : d.code);
const pgsafeDiags = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'pgsafe');
/** The file's pgsafe diagnostics as "line:col code" (full: with the message). */
const describe = (uri, full) => pgsafeDiags(uri).map((d) => `${d.range.start.line}:${d.range.start.character} ${codeOf(d)}${full ? ` ${d.message}` : ''}`).join(' | ');

exports.run = async function run() {
  const started = Date.now();
  const results = [];
  const notes = [];
  const flush = (done) => fs.writeFileSync(cfg.results, JSON.stringify({ done, ms: Date.now() - started, results, notes, vscode: vscode.version }, null, 2));
  const test = async (name, fn) => {
    const t = Date.now();
    try {
      const note = await fn();
      results.push({ name, ok: true, ms: Date.now() - t, note: note || undefined });
    } catch (e) {
      results.push({ name, ok: false, ms: Date.now() - t, error: String((e && e.stack) || e), diagnostics: uri ? describe(uri, true) : undefined });
    }
    flush(false);
  };

  const uri = vscode.Uri.file(cfg.migration);
  let api;
  let doc;

  await test('extension activates and the server starts', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded (extensionDevelopmentPath)`);
    api = await ext.activate();
    assert.ok(api && api.client, 'activate() returned no client');
    await waitFor('language client running', 15000, () => api.client.state === 2 /* State.Running */);
    return `${ext.extensionPath}, server ${JSON.stringify(api.client.initializeResult && api.client.initializeResult.serverInfo)}`;
  });

  await test('diagnostics from the server on the migration', async () => {
    doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitFor(() => `${COLUMN_RULE} and ${INDEX_RULE} diagnostics (have: ${describe(uri)})`, 20000,
      () => pgsafeDiags(uri).some((d) => codeOf(d) === INDEX_RULE) && pgsafeDiags(uri).some((d) => codeOf(d) === COLUMN_RULE));
    const idx = pgsafeDiags(uri).find((d) => codeOf(d) === INDEX_RULE);
    const col = pgsafeDiags(uri).find((d) => codeOf(d) === COLUMN_RULE);
    assert.equal(col.range.start.line, 2, `${COLUMN_RULE} line`);
    assert.equal(idx.range.start.line, 3, `${INDEX_RULE} line`);
    assert.ok(idx.code && typeof idx.code === 'object' && String(idx.code.target).includes(INDEX_RULE), `code.target (docs link) ${JSON.stringify(idx.code)}`);
    return describe(uri);
  });

  await test('hover on CREATE INDEX shows its lock', async () => {
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(3, 2));
    const text = (hovers || []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\bSHARE\b/, `hover text: ${text || '(none)'}`);
    return text.split('\n')[0];
  });

  await test('status bar shows framework and PG version from settings', async () => {
    await waitFor(() => `status bar "pgsafe: goose · PG 16" (have ${JSON.stringify(api && api.statusBar())})`, 10000, async () => {
      await api.contextSettled();
      return api.statusBar().text === 'pgsafe: goose · PG 16';
    });
    return api.statusBar().tooltip;
  });

  await test('ignore quick fix (resolved through executeCodeActionProvider) clears the diagnostic', async () => {
    const idx = pgsafeDiags(uri).find((d) => codeOf(d) === INDEX_RULE);
    assert.ok(idx, 'no index diagnostic to fix');
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, idx.range, undefined, 10);
    const titles = (actions || []).map((a) => `${a.title} (${a.kind && a.kind.value})`);
    const action = (actions || []).find((a) => a.title === `Ignore ${INDEX_RULE} for this statement`);
    assert.ok(action, `no "Ignore ${INDEX_RULE} for this statement" among: ${titles.join(' | ')}`);
    assert.equal(action.kind && action.kind.value, 'quickfix');
    assert.ok(action.edit, 'the action has no edit after resolve');
    assert.ok(await vscode.workspace.applyEdit(action.edit), 'applyEdit returned false');
    if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments || []));
    const lines = doc.getText().split(/\r?\n/);
    const at = lines.findIndex((l) => l.startsWith('CREATE INDEX users_x_idx'));
    assert.ok(at > 0 && lines[at - 1].startsWith(`-- pgsafe-ignore ${INDEX_RULE}`), `no ignore comment above the statement:\n${lines.join('\n')}`);
    await waitFor(() => `${INDEX_RULE} cleared (have: ${describe(uri)})`, 10000, () => !pgsafeDiags(uri).some((d) => codeOf(d) === INDEX_RULE));
    assert.ok(pgsafeDiags(uri).some((d) => codeOf(d) === COLUMN_RULE), `${COLUMN_RULE} should remain`);
    return titles.join(' | ');
  });

  await test('pgsafe: Show Lock Report opens a markdown report', async () => {
    await vscode.window.showTextDocument(doc);
    const report = await vscode.commands.executeCommand('pgsafe.showLockReport');
    assert.ok(report && typeof report.getText === 'function', 'the command returned no document');
    assert.equal(report.languageId, 'markdown');
    const text = report.getText();
    assert.match(text, /users/, `report does not mention the table:\n${text}`);
    assert.match(text, /ACCESS EXCLUSIVE/i, `report does not mention the ALTER TABLE lock:\n${text}`);
    assert.match(text, /\bSHARE\b/i, `report does not mention CREATE INDEX's SHARE lock:\n${text}`);
    await waitFor('a markdown preview tab', 10000, () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && /markdown/i.test(t.input.viewType))));
    return `${report.uri.toString()} (${text.length} chars)`;
  });

  await test('commands are registered; Restart Server brings diagnostics back', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['pgsafe.restartServer', 'pgsafe.showOutput', 'pgsafe.showLockReport', 'pgsafe.showLockReportTraced']) assert.ok(all.includes(c), `${c} not registered`);
    await vscode.commands.executeCommand('pgsafe.showOutput');
    await vscode.commands.executeCommand('pgsafe.restartServer');
    await waitFor('client running after restart', 15000, () => api.client.state === 2);
    await waitFor(() => `${COLUMN_RULE} after restart (have: ${describe(uri)})`, 15000, () => pgsafeDiags(uri).some((d) => codeOf(d) === COLUMN_RULE));
  });

  await test('settings changes reach the server (pgVersion, rules)', async () => {
    await vscode.window.showTextDocument(doc);
    const conf = vscode.workspace.getConfiguration('pgsafe');
    await conf.update('pgVersion', 15, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => `status bar "pgsafe: goose · PG 15" (have ${JSON.stringify(api.statusBar())})`, 10000, async () => {
      await api.contextSettled();
      return api.statusBar().text === 'pgsafe: goose · PG 15';
    });
    await conf.update('rules', { [COLUMN_RULE]: 'off' }, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => `${COLUMN_RULE} gone after turning it off (have: ${describe(uri)})`, 10000, () => !pgsafeDiags(uri).some((d) => codeOf(d) === COLUMN_RULE));
  });

  await test('a pgsafe.config.json wins over the settings (picked up by the file watcher)', async () => {
    await vscode.window.showTextDocument(doc);
    fs.writeFileSync(path.join(path.dirname(cfg.migration), 'pgsafe.config.json'), JSON.stringify({ pgVersion: 14 }) + '\n');
    await waitFor(() => `status bar "pgsafe: goose · PG 14" (have ${JSON.stringify(api.statusBar())})`, 15000, async () => {
      await api.contextSettled();
      return api.statusBar().text === 'pgsafe: goose · PG 14';
    });
    return api.statusBar().tooltip.split('\n').filter((l) => /Configuration/.test(l)).join(' ');
  });

  await test('pgsafe: Generate Rollback Migration writes the goose Down section into the open migration', async () => {
    await vscode.window.showTextDocument(doc);
    const r = await vscode.commands.executeCommand('pgsafe.generateRollback');
    assert.ok(r && r.applied, `not applied: ${JSON.stringify(r)}`);
    await waitFor(() => `a -- +goose Down section in the document (have:\n${doc.getText()})`, 10000, () => /-- \+goose Down/.test(doc.getText()));
    assert.match(doc.getText(), /DROP INDEX[\s\S]*DROP COLUMN/i);
    return r.target;
  });

  flush(true);
  if (results.some((r) => !r.ok)) throw new Error(`${results.filter((r) => !r.ok).length} test(s) failed`);
};

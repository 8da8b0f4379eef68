// The language server's commands that do more than read the lint result: generate a rollback
// (placed through workspace/applyEdit) and the lock report observed on PGlite (in a worker).
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageType, type Connection, type WorkspaceEdit } from 'vscode-languageserver';
import { DownError, generateDown, type DownResult } from '../../../shared/src/index';
import { workspaceEdit } from './convert';
import { TRACE_WORKER_ENTRY, traceReportInWorker } from './trace-report';
import { uriToPath, type Workspace } from './workspace';

/** What the commands need from the server: its connection, workspace and the client's edit support. */
export interface CommandHost {
  connection: Connection;
  workspace: Workspace;
  edits: { documentChanges: boolean; createFiles: boolean; showDocument: boolean };
  notify(type: MessageType, message: string): void;
}

/**
 * Generate the file's rollback and put it where its framework expects it (the down section of
 * the same file, or a file of its own), through workspace/applyEdit so the editor can undo it.
 * An existing down part is never replaced: the result carries a diff instead.
 */
export async function generateRollback(host: CommandHost, uri: string): Promise<unknown> {
  const { connection, workspace, edits, notify } = host;
  const { documentChanges, createFiles, showDocument } = edits;
  const path = uriToPath(uri);
  if (!path) return { error: 'Only files on disk have a migration folder to place a rollback in.' };
  let result: DownResult;
  try {
    result = generateDown(path, workspace.fs, (f) => workspace.config.configFor(f));
  } catch (e) {
    if (e instanceof DownError) return { error: e.message };
    throw e;
  }
  const p = result.placement;
  const summary = {
    target: pathToFileURL(p.target).href, kind: p.kind, sql: result.sql, partial: result.partial, notes: p.notes, diff: p.diff,
    notReverted: result.notReverted.map((i) => ({ line: i.line, status: i.status, reason: i.reason })),
  };
  if (p.content === undefined) return { ...summary, applied: false };
  const targetUri = pathToFileURL(p.target).href;
  const open = workspace.docs.get(targetUri);
  let edit: WorkspaceEdit;
  if (open) {
    edit = workspaceEdit(open, [{ title: 'rollback', edits: [{ start: 0, end: open.text.length, newText: p.content }] }], { documentChanges });
  } else if (createFiles && !existsSync(p.target)) {
    edit = { documentChanges: [{ kind: 'create', uri: targetUri, options: { overwrite: false, ignoreIfExists: false } }, { textDocument: { uri: targetUri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: p.content }] }] };
  } else {
    return { ...summary, applied: false, content: p.content };
  }
  const applied = await connection.workspace.applyEdit({ label: 'Generate rollback migration', edit });
  if (applied.applied && showDocument) await connection.window.showDocument({ uri: targetUri, takeFocus: true }).catch(() => undefined);
  if (applied.applied && result.partial) notify(MessageType.Warning, `pgsafe: the rollback of ${basename(path)} is partial: ${result.notReverted.length} statement${result.notReverted.length === 1 ? '' : 's'} cannot be reverted exactly (see the header comments).`);
  return { ...summary, applied: applied.applied };
}

/** The lock report observed on PGlite: the file and its earlier migrations run by the verify engine. */
export async function tracedLockReport(host: CommandHost, uri: string): Promise<{ markdown: string; traced: boolean }> {
  const { connection, workspace } = host;
  const doc = workspace.docs.get(uri);
  const path = uriToPath(uri);
  if (!doc || !path) return { markdown: `# Lock report (run on PGlite)\n\n${uri || 'No document'} is not a file open in the editor.\n`, traced: false };
  const ctx = workspace.project.context(path, doc.text);
  // A file outside any migration set runs alone, as a plain migration.
  const set = ctx.set ?? { root: dirname(path), framework: 'plain' as const, evidence: 'a single file', files: [{ path, order: 0, role: 'up' as const }] };
  const texts: [string, string][] = [];
  for (const d of workspace.docs.values()) {
    const p = uriToPath(d.uri);
    if (p) texts.push([p, d.text]);
  }
  try {
    const markdown = await traceReportInWorker({ path, set, config: ctx.config, texts }, TRACE_WORKER_ENTRY);
    return { markdown, traced: true };
  } catch (e: any) {
    const why = String(e?.message ?? e).split('\n')[0];
    connection.console.error(`pgsafe: lock report on PGlite failed for ${path}: ${e?.stack ?? e}`);
    return { markdown: `# Lock report (run on PGlite)\n\nThe migrations could not be run on PGlite: ${why}\n`, traced: false };
  }
}

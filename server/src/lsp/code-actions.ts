// Code actions: the quick fixes of the findings under the cursor, "ignore" comments, fix-all and
// the rollback source action. Edits are computed lazily through codeAction/resolve when the client
// can resolve them, and only the fixes of the statements under the cursor are computed.
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import { compatibleFixes, ignoreForFile, ignoreForStatement, ENGINE_DIAGNOSTICS, type Finding, type LintResult } from '../../../shared/src/index';
import type { LspDocument } from './document';
import { FIX_ALL_KIND, quickFix, toDiagnostic, workspaceEdit, type FindingKey } from './convert';
import { uriToPath } from './workspace';

export const ROLLBACK_COMMAND = 'pgsafe.server.generateRollback';
export const ROLLBACK_KIND = `${CodeActionKind.Source}.pgsafe.generateRollback`;
const NOT_SUPPRESSIBLE = new Set([ENGINE_DIAGNOSTICS.syntaxError.id, ENGINE_DIAGNOSTICS.unusedSuppression.id, ENGINE_DIAGNOSTICS.unreadableFile.id]);

interface ActionData {
  uri: string;
  version: number;
  key: FindingKey;
  /** Index into the finding's fixes, or an ignore action. */
  action: number | 'ignore-statement' | 'ignore-file' | 'fix-all';
}

/** What code actions need from the server (its state changes with initialize and settings). */
export interface CodeActionHost {
  document(uri: string): LspDocument | undefined;
  /** The published lint (without fixes); undefined for files too large to check live. */
  lint(doc: LspDocument): LintResult | undefined;
  /** Every finding of the file with its fixes (fix-all). */
  lintWithFixes(doc: LspDocument): LintResult | undefined;
  /** Findings with fixes of the statements at offsets [from, to] (Workspace.fixesIn). */
  fixesIn(doc: LspDocument, from: number, to: number): { result: LintResult; wholeFile: boolean };
  /** The client resolves edits lazily (codeAction/resolve). */
  resolveEdits(): boolean;
  documentChanges(): boolean;
}

const kindWanted = (only: readonly string[] | undefined, kind: string) => !!only?.some((o) => kind === o || kind.startsWith(o + '.'));

/**
 * The findings at offsets [from, to] with their fixes: the statements' own from a walk of just
 * them, file-wide ones (unused suppressions) from the lint already published.
 */
function fixesAround(host: CodeActionHost, doc: LspDocument, from: number, to: number): LintResult | undefined {
  const all = host.lint(doc);
  if (!all) return undefined;
  const { result, wholeFile } = host.fixesIn(doc, from, to);
  if (wholeFile) return result;
  return { ...result, findings: [...result.findings, ...all.findings.filter((f) => f.statementIndex === undefined)] };
}

function findingAt(result: LintResult, key: FindingKey): Finding | undefined {
  return result.findings.find((f) => f.rule === key.rule && f.start === key.start && f.end === key.end);
}

export function codeActions(host: CodeActionHost, p: CodeActionParams): CodeAction[] {
  const doc = host.document(p.textDocument.uri);
  if (!doc) return [];
  const only = p.context.only;
  const fixAll = kindWanted(only, FIX_ALL_KIND);
  const from = doc.offsetAt(p.range.start);
  const to = doc.offsetAt(p.range.end);
  // Fix-all needs every fix of the file; a lightbulb only those of the statements under the cursor.
  const result = fixAll ? host.lintWithFixes(doc) : fixesAround(host, doc, from, to);
  if (!result) return [];
  const actions: CodeAction[] = [];
  const finish = (a: CodeAction) => (host.resolveEdits() ? a : resolveCodeAction(host, a, result));
  const make = (title: string, f: Finding, action: ActionData['action'], preferred = false): CodeAction => {
    const key: FindingKey = { rule: f.rule, start: f.start, end: f.end };
    return finish(quickFix(title, toDiagnostic(doc, f), { uri: doc.uri, version: doc.version, key, action } satisfies ActionData, preferred));
  };
  if (!only || kindWanted(only, CodeActionKind.QuickFix)) {
    for (const f of result.findings) {
      if (f.end < from || f.start > to) continue;
      f.fixes.forEach((fix, i) => actions.push(make(fix.title, f, i, fix.preferred ?? i === 0)));
      if (NOT_SUPPRESSIBLE.has(f.rule)) continue;
      if (f.statementIndex !== undefined) actions.push(make(`Ignore ${f.rule} for this statement`, f, 'ignore-statement'));
      actions.push(make(`Ignore ${f.rule} for this file`, f, 'ignore-file'));
    }
  }
  if (kindWanted(only, ROLLBACK_KIND) && uriToPath(doc.uri)) {
    actions.push({ title: 'Generate rollback migration', kind: ROLLBACK_KIND, command: { title: 'Generate rollback migration', command: ROLLBACK_COMMAND, arguments: [doc.uri] } });
  }
  if (fixAll) {
    const first = result.findings.find((f) => f.fixes.some((x) => x.preferred));
    if (first) {
      const data: ActionData = { uri: doc.uri, version: doc.version, key: { rule: first.rule, start: first.start, end: first.end }, action: 'fix-all' };
      actions.push(finish({ title: 'Fix all pgsafe findings that have a preferred fix', kind: FIX_ALL_KIND, data }));
    }
  }
  return actions;
}

/** The action with its edit; `known`: the findings with fixes its code action request computed. */
export function resolveCodeAction(host: CodeActionHost, action: CodeAction, known?: LintResult): CodeAction {
  const data = action.data as ActionData | undefined;
  if (!data) return action;
  const doc = host.document(data.uri);
  if (!doc || doc.version !== data.version) return action; // stale: no edit rather than a wrong one
  const result = known ?? (data.action === 'fix-all' ? host.lintWithFixes(doc) : fixesAround(host, doc, data.key.start, data.key.end));
  if (!result) return action;
  const support = { documentChanges: host.documentChanges() };
  if (data.action === 'fix-all') {
    const preferred = result.findings.flatMap((f) => f.fixes.filter((x) => x.preferred));
    return { ...action, edit: workspaceEdit(doc, compatibleFixes(preferred), support) };
  }
  const f = findingAt(result, data.key);
  if (!f) return action;
  if (typeof data.action === 'number') {
    const fix = f.fixes[data.action];
    return fix ? { ...action, edit: workspaceEdit(doc, [fix], support) } : action;
  }
  if (data.action === 'ignore-file') return { ...action, edit: workspaceEdit(doc, [ignoreForFile(doc.text, result.split, f.rule)], support) };
  const stmt = f.statementIndex !== undefined ? result.split.statements[f.statementIndex] : undefined;
  return stmt ? { ...action, edit: workspaceEdit(doc, [ignoreForStatement(doc.text, stmt, f.rule)], support) } : action;
}

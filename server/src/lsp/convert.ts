// Engine results → LSP values. The engine knows nothing of LSP; this is the only translation.
import {
  CodeActionKind, DiagnosticSeverity, type CodeAction, type Diagnostic, type TextDocumentEdit, type TextEdit as LspTextEdit, type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Finding, Fix } from '../../../shared/src/index';
import type { LspDocument } from './document';

export const SOURCE = 'pgsafe';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.pgsafe`;

/** Identifies a finding across requests (code action → resolve) for one document version. */
export interface FindingKey {
  rule: string;
  start: number;
  end: number;
}

export function toDiagnostic(doc: LspDocument, f: Finding): Diagnostic {
  return {
    range: doc.range(f.start, Math.max(f.end, f.start)),
    severity: f.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: f.rule,
    codeDescription: { href: f.docs },
    source: SOURCE,
    message: f.help ? `${f.message}\n${f.help}` : f.message,
    relatedInformation: f.related.length
      ? f.related.map((r) => ({ location: { uri: doc.uri, range: doc.range(r.start, r.end) }, message: r.message }))
      : undefined,
  };
}

export interface EditSupport {
  documentChanges: boolean;
}

/** A WorkspaceEdit for engine edits of one document (versioned when the client supports it). */
export function workspaceEdit(doc: LspDocument, fixes: readonly Fix[], support: EditSupport): WorkspaceEdit {
  const edits: LspTextEdit[] = [];
  for (const fix of fixes) for (const e of fix.edits) edits.push({ range: doc.range(e.start, e.end), newText: e.newText });
  if (support.documentChanges) {
    const change: TextDocumentEdit = { textDocument: { uri: doc.uri, version: doc.version }, edits };
    return { documentChanges: [change] };
  }
  return { changes: { [doc.uri]: edits } };
}

export function quickFix(title: string, diagnostic: Diagnostic | undefined, data: unknown, preferred = false): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: diagnostic ? [diagnostic] : undefined, isPreferred: preferred || undefined, data };
}

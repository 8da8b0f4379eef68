// The language-server floor: a bare vscode-languageserver server that parses each document with
// libpg-query on open and on every change (full re-parse) and publishes one diagnostic per
// statement. Nothing pgsafe could skip.
'use strict';
const { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } = require('vscode-languageserver/node');
const { TextDocument } = require('vscode-languageserver-textdocument');
const pg = require('libpg-query');

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
connection.onInitialize(async () => {
  await pg.loadModule();
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } };
});
function check(doc) {
  let stmts = [];
  try {
    stmts = pg.parseSync(doc.getText()).stmts;
  } catch {}
  const diagnostics = stmts.map((s) => {
    const at = doc.positionAt(s.stmt_location ?? 0);
    return { range: { start: at, end: at }, severity: 2, source: 'floor', message: 'statement' };
  });
  connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}
documents.onDidChangeContent((e) => check(e.document));
documents.listen(connection);
connection.listen();

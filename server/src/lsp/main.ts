// Entry point of the bundled language server (dist/server.js): `node dist/server.js --stdio`
// (also `--node-ipc` or `--socket=<port>`, which vscode-languageserver reads from argv).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { runTraceWorkerIfAsked } from './trace-report';

export function main(): void {
  if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) process.argv.push('--stdio');
  const connection = createConnection(ProposedFeatures.all);
  // A bug must cost one request, never the server: log and go on.
  process.on('uncaughtException', (e) => connection.console.error(`pgsafe: unexpected error: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e: any) => connection.console.error(`pgsafe: unexpected rejection: ${e?.stack ?? e}`));
  startServer(connection);
}

// The same file is the entry of the lock-report trace worker (trace-report.ts).
if (require.main === module && !runTraceWorkerIfAsked()) main();

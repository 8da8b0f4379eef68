// The language server bundle (dist/server-main.js), started by dist/server.js (start.ts):
// `node dist/server.js --stdio` (also `--node-ipc` or `--socket=<port>`, which
// vscode-languageserver reads from argv).
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { format } from 'node:util';
import { startServer } from './server';
import { cachingJsonEncoder } from './encode';
import { runTraceWorkerIfAsked } from './trace-report';

/**
 * Over stdio the server builds its own reader and writer, to give the writer the encoder that
 * keeps each diagnostic's bytes (encode.ts). vscode-languageserver does two more things for a
 * stdio connection it builds itself, done here too: it exits when stdin ends, and it sends
 * console output to the client's log instead of stdout (where it would corrupt the protocol).
 */
function stdioConnection(): Connection {
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: cachingJsonEncoder }));
  let shutdown = false;
  connection.onShutdown(() => {
    shutdown = true;
  });
  const exit = () => process.exit(shutdown ? 0 : 1);
  process.stdin.on('end', exit);
  process.stdin.on('close', exit);
  console.log = console.info = (...args: unknown[]) => connection.console.log(format(...args));
  console.debug = (...args: unknown[]) => connection.console.debug(format(...args));
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = console.trace = (...args: unknown[]) => connection.console.error(format(...args));
  return connection;
}

export function main(): void {
  const transport = process.argv.some((a) => a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'));
  const connection = transport ? createConnection(ProposedFeatures.all) : stdioConnection();
  // A bug must cost one request, never the server: log and go on.
  process.on('uncaughtException', (e) => connection.console.error(`pgsafe: unexpected error: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e: any) => connection.console.error(`pgsafe: unexpected rejection: ${e?.stack ?? e}`));
  startServer(connection);
}

// The same file is the entry of the lock-report trace worker (trace-report.ts).
if (require.main === module && !runTraceWorkerIfAsked()) main();

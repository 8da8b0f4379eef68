// The lock report "run on PGlite": the file and the migrations before it applied to a fresh
// PGlite database with `pgsafe verify`'s engine, the file traced statement by statement (observed
// locks, rewrites, scans, and where the static catalogue disagrees). SQL runs only when the user
// asks for it (the command's `{ trace: true }` argument, "pgsafe: Show Lock Report (run on
// PGlite)"); never on its own.
//
// It runs in a worker thread: creating a PGlite database (initdb in WASM) and running the
// migrations take seconds of CPU, and the server's thread must keep answering diagnostics.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { PgsafeConfig } from '../../../shared/src/config/types';
import { ensureParser } from '../../../shared/src/parse/pgquery';
import { cachedFs, nodeFs, overlayFs } from '../../../shared/src/project/fs';
import type { MigrationSet } from '../../../shared/src/project/types';
import { formatVerifyMarkdown } from '../../../shared/src/verify/format';
import { openPglite, requestedExtensions } from '../../../shared/src/verify/db';
import { verifySet } from '../../../shared/src/verify/verify';

export interface TraceRequest {
  /** The file to trace. */
  path: string;
  /** Its set: the earlier files are applied first (later ones are not). */
  set: MigrationSet;
  config: PgsafeConfig;
  /** Unsaved editor texts by path (the file's own buffer among them). */
  texts: [string, string][];
}

const MARK = 'pgsafeTraceReport';

/** The set cut after `path`: its earlier up files, the file itself, and their down files. */
export function setUpTo(set: MigrationSet, path: string): MigrationSet | undefined {
  const ups = set.files.filter((f) => f.role === 'up' || f.role === 'repeatable');
  const at = ups.findIndex((f) => f.path === path);
  if (at === -1) return undefined;
  const keep = new Set(ups.slice(0, at + 1).map((f) => f.path));
  return { ...set, files: set.files.filter((f) => keep.has(f.path) || (f.role === 'down' && !!f.pair && keep.has(f.pair))) };
}

/** Trace in this thread (the worker's body; tests may call it directly). */
export async function traceReport(req: TraceRequest): Promise<string> {
  await ensureParser();
  const set = setUpTo(req.set, req.path);
  if (!set) return `# Lock report (run on PGlite)\n\n${req.path} is not an up migration of its migration set, so there is nothing to run.\n`;
  const fs = overlayFs(cachedFs(nodeFs), new Map(req.texts));
  const texts = set.files.map((f) => fs.readText(f.path) ?? '');
  const db = await openPglite(requestedExtensions(texts));
  try {
    const verdict = await verifySet(db, set, { fs, configFor: () => req.config, review: (f) => f.path === req.path, traceOnly: true });
    const note = verdict.stopped && !verdict.files.some((f) => f.reviewed)
      ? `\n\n> The migrations before this file did not all apply on PGlite, so this file was not traced: ${verdict.stopped.file}${verdict.stopped.line ? ` line ${verdict.stopped.line}` : ''}: ${verdict.stopped.message}\n`
      : '';
    const earlier = verdict.files.filter((f) => !f.reviewed).length;
    return `# Lock report (run on PGlite)\n\nThe ${earlier} migration(s) before this file were applied to a fresh PGlite database, then this file was run statement by statement the way its runner runs it, with every lock, rewrite and scan observed. Static findings that the database contradicts are marked.\n\n${formatVerifyMarkdown([verdict]).replace(/^## /, '## Result: ')}${note}`;
  } finally {
    await db.close();
  }
}

/** Run traceReport in a worker thread started from `entry` (the bundled server, or this module). */
export function traceReportInWorker(req: TraceRequest, entry: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const w = new Worker(entry, { workerData: { [MARK]: req } });
    let done = false;
    w.once('message', (m: { markdown?: string; error?: string }) => {
      done = true;
      if (typeof m?.markdown === 'string') resolve(m.markdown);
      else reject(new Error(m?.error ?? 'the trace worker returned nothing'));
    });
    w.once('error', (e) => {
      done = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!done) reject(new Error(`the trace worker stopped (exit code ${code})`));
    });
  });
}

/** The file a trace worker starts from: the bundle (dist/server-main.js) or, unbundled, this module. */
export const TRACE_WORKER_ENTRY = __filename;

let started = false;

/** In a trace worker: run the request, post the markdown, and return true. Elsewhere: false. */
export function runTraceWorkerIfAsked(): boolean {
  if (isMainThread || !workerData?.[MARK]) return false;
  if (started) return true;
  started = true;
  traceReport(workerData[MARK] as TraceRequest).then(
    (markdown) => parentPort?.postMessage({ markdown }),
    (e: any) => parentPort?.postMessage({ error: String(e?.message ?? e).split('\n')[0] }),
  );
  return true;
}

// Started as the worker's entry file when running from out/ (the bundle goes through main.ts).
if (require.main === module) runTraceWorkerIfAsked();

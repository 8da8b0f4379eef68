// npm run bench:lsp — the language server as an editor sees it, against a bare
// vscode-languageserver + libpg-query floor and squawk's server, in one run (medians):
// didOpen → diagnostics, an edit (append a line) → fresh diagnostics, typing (the median of 9 more appended
// lines, one after another), the first code action (and the median of 4 more), peak RSS.
// Prints figures and ratios; asserts nothing.
import { spawn } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');
const { hazardFile, cleanFile } = require('./generate.js');
const root = new URL('..', import.meta.url).pathname;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TYPING = 9;
const squawkBin = (() => {
  try {
    return join(require.resolve('@squawk-cli/linux-x64/package.json'), '..', 'bin', 'squawk');
  } catch {
    return undefined;
  }
})();

const servers = [
  { name: 'pgsafe', cmd: process.execPath, args: [join(root, 'dist', 'server.js'), '--stdio'] },
  { name: 'floor', cmd: process.execPath, args: [join(root, 'bench', 'lsp-floor.js'), '--stdio'] },
  ...(squawkBin ? [{ name: 'squawk', cmd: squawkBin, args: ['server'] }] : []),
];

function peakRssMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function session(server, uri, text) {
  const proc = spawn(server.cmd, server.args, { stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const waiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    for (const w of [...waiters]) if (w.test(p)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(p); }
  });
  conn.onRequest(() => null);
  conn.listen();
  const init = await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: null, workspaceFolders: null,
    capabilities: { textDocument: { publishDiagnostics: { versionSupport: true }, codeAction: { resolveSupport: { properties: ['edit'] } } }, general: { positionEncodings: ['utf-16'] } },
  });
  await conn.sendNotification('initialized', {});
  const pull = !!init.capabilities.diagnosticProvider && server.name === 'squawk';
  // Push servers: wait for the publish of that version. Pull-only servers (squawk): ask after sending.
  const diagnosticsFor = (version) => {
    const pushed = pull ? undefined : new Promise((resolve) => waiters.push({ test: (p) => p.uri === uri && (p.version === undefined || p.version >= version), resolve }));
    return () => pushed ?? conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } }).then((r) => ({ diagnostics: r.items ?? [] }));
  };

  let t0 = performance.now();
  const opened = diagnosticsFor(1);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
  const first = await opened();
  const open = performance.now() - t0;

  const lines = text.split('\n').length - 1;
  t0 = performance.now();
  const changed = diagnosticsFor(2);
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: lines, character: 0 }, end: { line: lines, character: 0 } }, text: 'ALTER TABLE extra ADD COLUMN n int;\n' }] });
  await changed();
  const edit = performance.now() - t0;
  // Typing: more appended lines, one after another (squawk: skipped, one edit takes seconds).
  const typing = [];
  for (let v = 3; server.name !== 'squawk' && v < 3 + TYPING; v++) {
    t0 = performance.now();
    const next = diagnosticsFor(v);
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range: { start: { line: lines + v - 2, character: 0 }, end: { line: lines + v - 2, character: 0 } }, text: `ALTER TABLE extra_${v} ADD COLUMN n int;\n` }] });
    await next();
    typing.push(performance.now() - t0);
  }

  // The first code action after the edits (what a lightbulb waits for), on a diagnostic in the
  // middle of the file, then the median of 4 more.
  let action = NaN;
  let actionAgain = NaN;
  const hazards = first.diagnostics.filter((x) => x.code === 'require-concurrent-index-creation');
  const d = hazards[Math.floor(hazards.length / 2)] ?? first.diagnostics[Math.floor(first.diagnostics.length / 2)];
  if (d && init.capabilities.codeActionProvider) {
    const samples = [];
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      await conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
      samples.push(performance.now() - t0);
    }
    action = samples[0];
    actionAgain = median(samples.slice(1));
  }
  const rss = peakRssMb(proc.pid);
  proc.kill('SIGKILL');
  conn.dispose();
  return { open, edit, typing: typing.length ? median(typing) : NaN, action, actionAgain, rss, count: first.diagnostics.length };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 1 : 0)} ms` : '–');
const work = join(root, 'bench', '.work', 'lsp');
mkdirSync(work, { recursive: true });

console.log(`LSP benchmark — ${RUNS} sessions per server and size, medians; node ${process.version}`);
for (const [size, clean] of [[1000, false], [5000, false], [5000, true]]) {
  const text = clean ? cleanFile(size) : hazardFile(size);
  const file = join(work, `${size}${clean ? '-clean' : ''}`, '0001_bench.sql');
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  const rows = {};
  for (const s of servers) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await session(s, uri, text));
    rows[s.name] = { open: median(runs.map((r) => r.open)), edit: median(runs.map((r) => r.edit)), typing: median(runs.map((r) => r.typing)), actionAgain: median(runs.map((r) => r.actionAgain)), action: median(runs.map((r) => r.action)), rss: Math.max(...runs.map((r) => r.rss)), count: runs[0].count };
  }
  console.log(`\n${size} statements${clean ? ', clean (safe statements only)' : ', hazard template'}`);
  console.log('server  | didOpen→diagnostics | edit→diagnostics | typing (next 9 edits) | code action: first, then | peak RSS | diagnostics');
  for (const [name, r] of Object.entries(rows)) console.log(`${name.padEnd(7)} | ${ms(r.open).padStart(19)} | ${ms(r.edit).padStart(16)} | ${ms(r.typing).padStart(21)} | ${`${ms(r.action)}, ${ms(r.actionAgain)}`.padStart(25)} | ${r.rss.toFixed(0).padStart(5)} MB | ${r.count}`);
  const p = rows.pgsafe;
  console.log(`pgsafe/floor: open ${(p.open / rows.floor.open).toFixed(2)}× (target ≤ 1.5×), edit ${(p.edit / rows.floor.edit).toFixed(2)}×` +
    (rows.squawk ? `; squawk/pgsafe: open ${(rows.squawk.open / p.open).toFixed(1)}× (target ≥ 5×), edit ${(rows.squawk.edit / p.edit).toFixed(1)}×` : '; squawk not installed'));
  if (size === 5000) console.log((clean ? 'clean ' : 'hazards ') + `5k edit → fresh diagnostics: first ${ms(p.edit)}, typing ${ms(p.typing)} (target < 50 ms); first code action ${ms(p.action)}, then ${ms(p.actionAgain)} (target ≤ 10 ms); RSS ${p.rss.toFixed(0)} MB (target ≤ 200 MB)`);
}

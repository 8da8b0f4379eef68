// npm run bench: whole-process timings (median of 5) of pgsafe, squawk and the parse floor on the
// same inputs, in one run, plus pgsafe's peak RSS and the whole corpus in one invocation.
// The commands of one input run interleaved. Prints figures and ratios; asserts nothing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { hazardFile, cleanFile } = require('./generate.js');
const root = new URL('..', import.meta.url).pathname;
const work = join(root, 'bench', '.work');
mkdirSync(work, { recursive: true });
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const squawkBin = (() => {
  try {
    return join(require.resolve('@squawk-cli/linux-x64/package.json'), '..', 'bin', 'squawk');
  } catch {
    return undefined;
  }
})();
const pgsafeBin = join(root, 'bin', 'pgsafe.js');
const floor = join(root, 'bench', 'floor.js');
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');

/**
 * Whole-process timings of several commands, interleaved (one run of each, RUNS times), so that a
 * change in the machine's load during the benchmark weighs on every command alike.
 */
function timeAll(commands) {
  const samples = commands.map(() => []);
  const last = [];
  for (let i = 0; i < RUNS; i++) {
    commands.forEach(([cmd, args], k) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
      samples[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.error) throw r.error;
      if (r.status !== null && r.status > 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      last[k] = r;
    });
  }
  return samples.map((xs, k) => {
    xs.sort((a, b) => a - b);
    return { median: xs[Math.floor(xs.length / 2)], min: xs[0], max: xs[xs.length - 1], stdout: last[k].stdout };
  });
}

/** Peak RSS of a pgsafe run, measured inside the same process. */
function pgsafeRss(args) {
  const probe = `require(${JSON.stringify(pgsafeBin.replace(/bin\/pgsafe\.js$/, 'dist/pgsafe.js'))}).main(${JSON.stringify(args)}).then(()=>{process.stderr.write('RSS '+process.resourceUsage().maxRSS+'\\n')})`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const m = /RSS (\d+)/.exec(r.stderr);
  return m ? Number(m[1]) / 1024 : NaN;
}

const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
const inputs = [
  ['1k', hazardFile(1000)],
  ['5k', hazardFile(5000)],
  ['10k', hazardFile(10000)],
  ['10k clean', cleanFile(10000)],
];
const rows = [];
for (const [name, text] of inputs) {
  // Each input in a folder of its own: pgsafe treats a folder as one migration set and replays it.
  const dir = join(work, name.replace(' ', '-'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'V1__bench.sql'.replace('V1__bench', '0001_bench'));
  writeFileSync(file, text);
  const [p, f, s] = timeAll([[process.execPath, [pgsafeBin, 'check', '--format', 'json', file]], [process.execPath, [floor, file]], ...(squawkBin ? [[squawkBin, ['--reporter', 'json', file]]] : [])]);
  const findings = JSON.parse(p.stdout).length;
  rows.push({ name, pgsafe: p, floor: f, squawk: s, findings, rss: name === '10k' ? pgsafeRss(['check', '--format', 'json', file]) : undefined });
}

console.log(`pgsafe benchmark — ${RUNS} runs each, interleaved, whole process, median (min–max); node ${process.version}`);
console.log('');
console.log('input      | pgsafe                     | floor (node+libpg-query parse) | squawk 2.66 (native)       | pgsafe/floor | pgsafe/squawk | findings');
for (const r of rows) {
  const s = r.squawk ? `${fmt(r.squawk.median)} (${fmt(r.squawk.min)}–${fmt(r.squawk.max)})` : 'not installed';
  console.log(`${r.name.padEnd(10)} | ${fmt(r.pgsafe.median)} (${fmt(r.pgsafe.min)}–${fmt(r.pgsafe.max)}) | ${fmt(r.floor.median)} (${fmt(r.floor.min)}–${fmt(r.floor.max)})     | ${s} | ${(r.pgsafe.median / r.floor.median).toFixed(2)}×        | ${r.squawk ? (r.pgsafe.median / r.squawk.median).toFixed(2) + '×' : '–'}         | ${r.findings}`);
}
const k5 = rows.find((r) => r.name === '5k');
const k10 = rows.find((r) => r.name === '10k');
console.log('');
console.log(`linearity: 10k / 5k = ${(k10.pgsafe.median / k5.pgsafe.median).toFixed(2)}× (target ≤ 2.2×)`);
console.log(`peak RSS at 10k: ${k10.rss.toFixed(0)} MB (target < 250 MB)`);
console.log(`targets: pgsafe ≤ 1.5× floor at every size; at 10k no slower than squawk`);

if (existsSync(corpus)) {
  const [p, f] = timeAll([[process.execPath, [pgsafeBin, 'check', '--format', 'json', corpus]], [process.execPath, [floor, corpus]]]);
  console.log('');
  console.log(`corpus (${corpus}), one invocation: pgsafe ${fmt(p.median)}, floor ${fmt(f.median)}, pgsafe − floor = ${fmt(p.median - f.median)} (target < 3 s), ${JSON.parse(p.stdout).length} findings`);
} else {
  console.log(`\ncorpus not found at ${corpus}: set PGSAFE_CORPUS to include it`);
}

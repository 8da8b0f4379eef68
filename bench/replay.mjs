// npm run bench:replay — the language server's model of a migrations folder (IncrementalSet, as
// ProjectIndex keeps it): replaying a whole folder at start, then the two edits that cost the
// most and the least: the first migration changed (every later file's schema changes; the last
// file is asked for) and the last one changed. Corpus repositories when ../shared/corpus is there,
// else a generated 200-file folder. Medians of 5, in process; prints figures, asserts nothing.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
const { ProjectIndex, ensureParser, defaultConfig, nodeFs, overlayFs } = require(join(root, 'out/shared/src/index.js'));
const { hazardFile } = require('./generate.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');

function sqlFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) sqlFiles(join(dir, e.name), out);
    else if (e.name.endsWith('.sql')) out.push(join(dir, e.name));
  }
  return out;
}

/** The biggest set under `dir` (by up files), through a fresh index over `fs`. */
function biggestSet(dir, fs) {
  const index = new ProjectIndex(fs, () => defaultConfig());
  let best;
  for (const f of sqlFiles(dir)) {
    const inc = index.setOf(f);
    if (inc && (!best || inc.set.files.length > best.set.files.length)) best = inc;
  }
  return best;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

function measure(name, dir) {
  const texts = new Map();
  const fs = overlayFs(nodeFs, texts);
  const samples = { replay: [], first: [], last: [] };
  let files = 0;
  for (let r = 0; r < RUNS; r++) {
    texts.clear();
    let inc;
    samples.replay.push(time(() => {
      inc = biggestSet(dir, fs);
      inc.run();
    }));
    const ups = inc.set.files.filter((f) => f.role === 'up');
    files = ups.length;
    const first = ups[0].path;
    const last = ups[ups.length - 1].path;
    // An edit that changes no schema still re-lints every file after it (their snapshots are gone).
    texts.set(first, `${nodeFs.readText(first)}\n-- edited\n`);
    inc.changed(first);
    samples.first.push(time(() => inc.result(last)));
    texts.set(last, `${nodeFs.readText(last)}\n-- edited\n`);
    inc.changed(last);
    samples.last.push(time(() => inc.result(last)));
  }
  const ms = (x) => `${median(x).toFixed(0)} ms`;
  console.log(`${name.padEnd(44)} | ${String(files).padStart(5)} | ${ms(samples.replay).padStart(10)} | ${ms(samples.first).padStart(16)} | ${ms(samples.last).padStart(15)}`);
}

await ensureParser();
console.log(`Migration-set replay (language server model) — medians of ${RUNS}, in process; node ${process.version}`);
console.log(`${'folder'.padEnd(44)} | files | replay all | first file edited | last file edited`);
if (existsSync(corpus)) {
  for (const repo of readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) measure(repo, join(corpus, repo));
} else {
  const dir = join(root, 'bench', '.work', 'replay');
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 200; i++) writeFileSync(join(dir, `${String(i + 1).padStart(4, '0')}_step.sql`), hazardFile(20).replace(/_(\d+)\b/g, `_${i}_$1`));
  measure('generated (200 files × 20 statements)', dir);
}

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { manifest, repoSets, root } from './corpus-runner.mjs';
const require = createRequire(import.meta.url);
const lib = (p) => require(join(root, 'out', p));
const { ensureParser } = lib('shared/src/parse/pgquery.js');
const { defaultConfig } = lib('shared/src/config/types.js');
const { openPglite, requestedExtensions, verifySet } = lib('shared/src/verify/index.js');
await ensureParser();
for (const repo of process.argv.slice(2)) {
  const m = manifest().find((x) => x.repo === repo);
  const { runner, fs, sets } = repoSets(m);
  const texts = sets.flatMap((s) => s.files.map((f) => fs.readText(f.path) ?? ''));
  const db = await openPglite([...requestedExtensions(texts), ...(runner.extensions ?? [])]);
  if (runner.before) await db.exec(runner.before);
  const groups = new Map();
  for (const set of sets) {
    const v = await verifySet(db, set, { fs, configFor: () => defaultConfig(), traceOnly: true });
    for (const f of v.files) for (const s of f.statements) for (const d of s.disagreements) {
      const k = `${s.kind} ${d.aspect}: catalogue ${d.catalogue} / db ${d.database}`;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(`${f.name}:${s.line} ${s.title.slice(0, 90)} [${d.relation}]`);
    }
    if (v.stopped) { console.log('stopped', v.stopped.file); break; }
  }
  await db.close();
  console.log('==', repo);
  for (const [k, v] of [...groups].sort((a, b) => b[1].length - a[1].length)) console.log(v.length, k, '\n   ', v.slice(0, 3).join('\n    '));
}

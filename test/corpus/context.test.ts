// Migration context on the corpus: every repository's framework is detected as its MANIFEST says,
// every file belongs to a set, and replaying each set in order lints without a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { defaultConfig } from '../../shared/src/config/types';
import { cachedFs, nodeFs } from '../../shared/src/project/fs';
import { setsFor } from '../../shared/src/project/discover';
import { lintSet } from '../../shared/src/project/lint';
import { explainSets } from '../../shared/src/project/explain';
import { selectFiles } from '../../server/src/cli/files';

const root = join(__dirname, '..', '..', '..');
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');
const NAMES: Record<string, string> = { 'plain-numbered': 'plain' };

test('corpus: detected framework matches MANIFEST.json; every file is placed; replay lints every set', { skip: existsSync(corpus) ? false : `corpus not found at ${corpus}` }, async () => {
  await ensureParser();
  const manifest: { repo: string; framework: string; migrations_dir: string }[] = JSON.parse(readFileSync(join(corpus, 'MANIFEST.json'), 'utf8'));
  let linted = 0;
  const notApplied: string[] = [];
  for (const m of manifest) {
    const dir = join(corpus, m.repo.replace('/', '__'), m.migrations_dir);
    const { files } = selectFiles([dir], '/');
    const fs = cachedFs(nodeFs);
    const sets = setsFor(files, fs);
    for (const set of sets) assert.equal(set.framework, NAMES[m.framework] ?? m.framework, `${m.repo}: ${set.root} detected as ${set.framework} (${set.evidence})`);
    const placed = new Set(sets.flatMap((s) => s.files.map((f) => f.path)));
    assert.deepEqual(files.filter((f) => !placed.has(f)), [], `${m.repo}: files outside any set`);
    const text = explainSets(sets, fs, () => defaultConfig(), dir);
    assert.match(text, new RegExp(`: ${NAMES[m.framework] ?? m.framework} \\(`));
    for (const set of sets) linted += lintSet(set, { fs, configFor: () => defaultConfig() }).filter((r) => r.result).length;
    notApplied.push(...sets.flatMap((s) => s.files.filter((f) => f.role === 'ignored').map((f) => f.path.slice(dir.length + 1))));
  }
  // Two chef-server scripts are in no sqitch plan, so sqitch never runs them (the CLI still checks them on their own).
  assert.deepEqual(notApplied.sort(), ['baseline/revert/delete_migrated_couch_data.sql', 'deploy/purge_sequel.sql']);
  assert.equal(linted, 1464 - notApplied.length);
});

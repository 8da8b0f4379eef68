// The replayed schema against a real database: two corpus repositories applied to PGlite by the
// agreement script, whose model must agree with PGlite's catalog on at least 99% of the facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');

test('replayed model vs PGlite catalog: Permify and hoppscotch agree on ≥ 99% of facts', { skip: existsSync(corpus) ? false : `corpus not found at ${corpus}`, timeout: 300_000 }, () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'pglite-agreement.mjs'), 'Permify/permify', 'hoppscotch/hoppscotch'], { encoding: 'utf8', env: { ...process.env, PGSAFE_CORPUS: corpus } });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.includes('agreement'));
  assert.equal(lines.length, 2, r.stdout);
  for (const line of lines) {
    const m = /(\d+)\/(\d+) files applied; (\d+) catalog facts; agreement ([\d.]+)%/.exec(line);
    assert.ok(m, line);
    assert.equal(m[1], m[2], `not every file applied: ${line}`);
    assert.ok(Number(m[3]) > 100, line);
    assert.ok(Number(m[4]) >= 99, line);
  }
});

// The build writes the CLI's V8 code cache beside the bundle (scripts/build.mjs) and bin/pgsafe.js
// compiles the bundle with it. A cache V8 rejects (stale, or written for other source) would only
// make every run compile again, silently: this test makes that visible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { wrap } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { spawnSync } from 'node:child_process';

const root = join(__dirname, '..', '..', '..');
const bundle = join(root, 'dist', 'pgsafe.js');

test('the CLI bundle\'s code cache exists, is accepted by V8 for this bundle, and holds compiled functions', () => {
  const cachedData = readFileSync(`${bundle}.cache`);
  const script = new Script(wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  assert.equal(script.cachedDataRejected, false);
  // More than the top-level script: the functions a check ran were compiled when it was written.
  assert.ok(cachedData.length > 200_000, `cache of ${cachedData.length} bytes`);
  // Another source must not accept it (the cache is tied to this exact bundle).
  const other = new Script(wrap(`${readFileSync(bundle, 'utf8')}\n// changed`), { filename: bundle, cachedData });
  assert.equal(other.cachedDataRejected, true);
});

test('bin/pgsafe.js runs the bundle with the cache: same JSON as the bundle required directly', () => {
  const { hazardFile } = require(join(root, 'bench', 'generate.js'));
  const text = hazardFile(40);
  const viaBin = spawnSync(process.execPath, [join(root, 'bin', 'pgsafe.js'), 'check', '--format', 'json', '--stdin-filename', 'x.sql'], { input: text, encoding: 'utf8' });
  const direct = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(bundle)}).main(['check','--format','json','--stdin-filename','x.sql']).then((c)=>{process.exitCode=c})`], { input: text, encoding: 'utf8' });
  assert.equal(viaBin.status, 1);
  assert.equal(viaBin.status, direct.status);
  assert.ok(JSON.parse(viaBin.stdout).length > 20);
  assert.equal(viaBin.stdout, direct.stdout);
});

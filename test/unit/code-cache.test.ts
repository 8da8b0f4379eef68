// The build writes the V8 code caches of the CLI and server bundles beside them (scripts/build.mjs,
// code-cache.mjs); bin/pgsafe.js and dist/server.js compile the bundles with them. A cache V8 rejects (stale, or written for other source) would only
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

for (const name of ['pgsafe.js', 'server-main.js']) {
  test(`the ${name} bundle's code cache exists, is accepted by V8 for this bundle, and holds compiled functions`, () => {
    const file = join(root, 'dist', name);
    const cachedData = readFileSync(`${file}.cache`);
    const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
    assert.equal(script.cachedDataRejected, false);
    // More than the top-level script: the functions the sample run ran were compiled when it was written.
    assert.ok(cachedData.length > 200_000, `cache of ${cachedData.length} bytes`);
    // Another source must not accept it (the cache is tied to this exact bundle).
    const other = new Script(wrap(`${readFileSync(file, 'utf8')}\n// changed`), { filename: file, cachedData });
    assert.equal(other.cachedDataRejected, true);
  });
}

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

// The corpus rollback command on two repositories that ship their own downs: every reversible
// generated down round-trips on PGlite, and the comparison with theirs lists the broken downs the
// corpus baseline names (corpus-squawk-baseline.md: two ente down files and a thunderdome down
// section that do not parse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');

test('corpus rollback: ente and thunderdome round-trip every reversible file; their broken downs are listed', { skip: existsSync(corpus) ? false : `corpus not found at ${corpus}`, timeout: 600_000 }, () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'corpus-rollback.mjs'), 'ente-io/ente', 'StevenWeathers/thunderdome-planning-poker'], { encoding: 'utf8', env: { ...process.env, PGSAFE_CORPUS: corpus }, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  for (const repo of ['ente-io/ente', 'StevenWeathers/thunderdome-planning-poker']) {
    const line = r.stdout.split('\n').find((l) => l.startsWith(`${repo}:`));
    assert.ok(line, r.stdout);
    const m = /(\d+) files, (\d+) downs, (\d+)\/(\d+) reversible round-trip equal, (\d+) flagged, (\d+) failed, (\d+) crashes; their downs: (\d+)\/(\d+) restore/.exec(line!);
    assert.ok(m, line);
    assert.equal(m[1], m[2], `a down for every file: ${line}`);
    assert.equal(m[3], m[4], `every reversible file round-trips: ${line}`);
    assert.equal(Number(m[4]) + Number(m[5]), Number(m[1]), `every file is reversible or flagged: ${line}`);
    assert.deepEqual([m[6], m[7]], ['0', '0'], line);
    assert.ok(Number(m[9]) > 0, line);
  }
  const wrong = (file: string) => r.stdout.split('\n').find((l) => l.startsWith('| ') && l.includes(file));
  for (const file of ['3_add_encypted_collection_name.up.sql', '44_trash_add_index.up.sql', '20250814000737_create_project_item_table.sql']) {
    assert.match(wrong(file) ?? '', /does not parse: syntax error/, `${file} is listed as a broken down`);
  }
  assert.match(wrong('29_drop_unencrypted_email.up.sql') ?? '', /users_email_index[^|]*\| Its down file/, 'a down the engine and PGlite both find wrong');
});

// The re-run proof on files that open their own transaction: chef-server's sqitch deploy scripts
// (psql, statement by statement, no runner transaction) wrap their work in BEGIN … COMMIT, so a
// failed re-run is rolled back by the file's own COMMIT exactly like by a runner's transaction.
// Real scripts, verified with verifySet on PGlite and (when PGSAFE_PG_URL is set) on a throwaway
// database of a real server: only statements inside the block become harmless.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../shared/src/config/types';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { loadSet } from '../../shared/src/project/discover';
import { nodeFs } from '../../shared/src/project/fs';
import { openPglite, openServer, type VerifyDb } from '../../shared/src/verify/db';
import { verifySet, type FileVerdict } from '../../shared/src/verify/verify';

const url = process.env.PGSAFE_PG_URL;

// chef/chef-server src/oc_erchef/schema/baseline/deploy/nodes.sql, verbatim.
const NODES = `-- Deploy nodes

BEGIN;

CREATE TABLE IF NOT EXISTS nodes(
  id CHAR(32) PRIMARY KEY,
  authz_id CHAR(32) NOT NULL UNIQUE,
  org_id CHAR(32) NOT NULL,
  name TEXT NOT NULL,
  UNIQUE(org_id, name),
  environment TEXT NOT NULL,
  last_updated_by CHAR(32) NOT NULL,
  created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
  serialized_object bytea
);

CREATE INDEX nodes_org_id_environment_index ON nodes(org_id, environment);

ALTER TABLE ONLY nodes ALTER COLUMN serialized_object SET STORAGE EXTERNAL;

COMMIT;
`;

// chef/chef-server src/oc_erchef/schema/deploy/node_policy_name_policy_group.sql, verbatim.
const POLICY = `-- Deploy node_policy_name_policy_group

BEGIN;

ALTER TABLE nodes ADD COLUMN policy_group VARCHAR(255);
ALTER TABLE nodes ADD COLUMN policy_name VARCHAR(255);

CREATE INDEX nodes_policy_group ON nodes(org_id, policy_group);
CREATE INDEX nodes_policy_name ON nodes(org_id, policy_name);

COMMIT;
`;

const withoutBlock = (sql: string) => sql.replace(/^(BEGIN|COMMIT);\n/gm, '');

/** A sqitch project (psql runs each script statement by statement, in autocommit). */
function sqitchProject(deploy: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-rerun-'));
  mkdirSync(join(dir, 'deploy'));
  const plan = Object.keys(deploy).map((name, i) => `${name} 2015-09-0${i + 1}T00:00:00Z A <a@b> # ${name}`);
  writeFileSync(join(dir, 'sqitch.plan'), `%syntax-version=1.0.0-b2\n%project=chef\n\n${plan.join('\n')}\n`);
  for (const [name, sql] of Object.entries(deploy)) writeFileSync(join(dir, 'deploy', `${name}.sql`), sql);
  return dir;
}

const engines: [string, () => Promise<VerifyDb>][] = [['PGlite', () => openPglite([])]];
if (url) engines.push(['PostgreSQL', () => openServer(url)]);

async function verify(open: () => Promise<VerifyDb>, deploy: Record<string, string>): Promise<FileVerdict[]> {
  await ensureParser();
  const set = loadSet(sqitchProject(deploy), nodeFs);
  assert.equal(set.framework, 'sqitch');
  const db = await open();
  try {
    const v = await verifySet(db, set, { fs: nodeFs, configFor: () => defaultConfig() });
    assert.equal(v.stopped, undefined, JSON.stringify(v.stopped));
    assert.equal(v.applied, Object.keys(deploy).length);
    return v.files;
  } finally {
    await db.close();
  }
}

const byLine = (f: FileVerdict) => f.idempotency!.failures.map((x) => [x.line, x.kind, x.severity]);

for (const [engine, open] of engines) {
  test(`${engine}: failed re-runs inside the file's own BEGIN … COMMIT are harmless (chef-server's deploy scripts)`, async () => {
    const [nodes, policy] = await verify(open, { nodes: NODES, node_policy_name_policy_group: POLICY });
    assert.equal(policy.mode, 'statement by statement (autocommit)');
    // Each statement fails on the second run, inside the block: the COMMIT rolls the block back.
    assert.deepEqual(byLine(policy), [[5, 'fails-in-transaction', 'harmless'], [6, 'fails-in-transaction', 'harmless'], [8, 'fails-in-transaction', 'harmless'], [9, 'fails-in-transaction', 'harmless']]);
    assert.match(policy.idempotency!.failures[0].message, /column "policy_group" of relation "nodes" already exists/);
    assert.equal(policy.idempotency!.rerunnable, true);
    // CREATE TABLE IF NOT EXISTS re-runs; its unguarded CREATE INDEX fails, harmlessly.
    assert.deepEqual(byLine(nodes), [[18, 'fails-in-transaction', 'harmless']]);
    assert.equal(nodes.idempotency!.rerunnable, true);
  });

  test(`${engine}: the same statements without BEGIN / COMMIT still fail on re-run (autocommit)`, async () => {
    const [nodes, policy] = await verify(open, { nodes: withoutBlock(NODES), node_policy_name_policy_group: withoutBlock(POLICY) });
    assert.deepEqual(byLine(policy), [[4, 'fails', 'warning'], [5, 'fails', 'warning'], [7, 'fails', 'warning'], [8, 'fails', 'warning']]);
    assert.equal(policy.idempotency!.rerunnable, false);
    assert.deepEqual(byLine(nodes), [[17, 'fails', 'warning']]);
  });

  test(`${engine}: statements before BEGIN and after COMMIT keep their kind`, async () => {
    // chef's script with its first statement moved before the block and its last after it.
    const split = POLICY
      .replace('BEGIN;\n\nALTER TABLE nodes ADD COLUMN policy_group VARCHAR(255);\n', 'ALTER TABLE nodes ADD COLUMN policy_group VARCHAR(255);\nBEGIN;\n\n')
      .replace('CREATE INDEX nodes_policy_name ON nodes(org_id, policy_name);\n\nCOMMIT;\n', 'COMMIT;\nCREATE INDEX nodes_policy_name ON nodes(org_id, policy_name);\n');
    assert.notEqual(split, POLICY);
    const [, policy] = await verify(open, { nodes: NODES, node_policy_name_policy_group: split });
    assert.deepEqual(byLine(policy), [[3, 'fails', 'warning'], [6, 'fails-in-transaction', 'harmless'], [8, 'fails-in-transaction', 'harmless'], [10, 'fails', 'warning']]);
    assert.equal(policy.idempotency!.rerunnable, false);
  });
}

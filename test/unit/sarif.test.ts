// SARIF output validates against the SARIF 2.1.0 JSON schema (OASIS, as shipped by Microsoft's
// @microsoft/jest-sarif package) and carries the findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// ajv 6 is the draft-04 validator the SARIF schema needs.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const Ajv = require('ajv');

const root = join(__dirname, '..', '..', '..');

test('pgsafe check --format sarif validates against the SARIF 2.1.0 schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-sarif-'));
  writeFileSync(join(dir, '001.sql'), "BEGIN;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\nCOMMIT;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nSELEC 1;\n");
  const r = spawnSync(process.execPath, [join(root, 'bin', 'pgsafe.js'), 'check', '--format', 'sarif', '001.sql'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout);
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const ajv = new Ajv({ schemaId: 'id', allErrors: true, jsonPointers: true });
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
  const validate = ajv.compile(schema);
  const ok = validate(log);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  const results = log.runs[0].results;
  assert.deepEqual(results.map((x: any) => x.ruleId).sort(), ['concurrently-in-transaction', 'require-lock-timeout', 'set-not-null', 'syntax-error'].sort());
  const cic = results.find((x: any) => x.ruleId === 'concurrently-in-transaction');
  assert.equal(cic.locations[0].physicalLocation.region.startLine, 2);
  assert.equal(cic.relatedLocations[0].physicalLocation.region.startLine, 1);
  const rules = log.runs[0].tool.driver.rules;
  assert.equal(rules[cic.ruleIndex].id, 'concurrently-in-transaction');
});

// pgsafe.config.json: the published JSON schema and the validator accept and reject the same files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRuleMetas, knownRuleIds } from '../../shared/src/engine';
import { configJsonSchema } from '../../shared/src/config/schema';
import { ConfigError, validateConfig } from '../../shared/src/config/load';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const Ajv = require('ajv');

const root = join(__dirname, '..', '..', '..');
const committed = JSON.parse(readFileSync(join(root, 'schema', 'pgsafe.config.schema.json'), 'utf8'));

test('the committed schema is the one generated from the rule registry', () => {
  assert.deepEqual(committed, configJsonSchema(allRuleMetas().map((m) => m.id)));
});

const samples: { config: unknown; valid: boolean; problem?: RegExp }[] = [
  { config: {}, valid: true },
  { config: { $schema: './schema/pgsafe.config.schema.json', pgVersion: 12, framework: 'goose', transaction: 'always', rules: { 'set-not-null': 'off', 'require-lock-timeout': 'error' }, include: ['db/**/*.sql'], exclude: ['db/legacy/**'] }, valid: true },
  { config: { pgVersion: 19 }, valid: false, problem: /"pgVersion" must be a PostgreSQL major version/ },
  { config: { pgVersion: '15' }, valid: false, problem: /"pgVersion"/ },
  { config: { pgVersion: 15.5 }, valid: false, problem: /"pgVersion"/ },
  { config: { framework: 'rails' }, valid: false, problem: /"framework" must be one of/ },
  { config: { transaction: true }, valid: false, problem: /"transaction"/ },
  { config: { rules: { 'set-not-null': 'on' } }, valid: false, problem: /"rules\.set-not-null"/ },
  { config: { rules: { 'setnotnull': 'off' } }, valid: false, problem: /unknown rule id "setnotnull"/ },
  { config: { rules: [] }, valid: false, problem: /"rules" must be an object/ },
  { config: { include: 'db/*.sql' }, valid: false, problem: /"include" must be an array/ },
  { config: { exclude: [''] }, valid: false, problem: /"exclude" must be an array of non-empty glob strings/ },
  { config: { pgversion: 12 }, valid: false, problem: /unknown key "pgversion" \(did you mean "pgVersion"\?\)/ },
  { config: [], valid: false, problem: /must contain a JSON object/ },
];

test('schema and validator agree on valid and invalid configurations', () => {
  const validate = new Ajv({ allErrors: true }).compile(committed);
  for (const s of samples) {
    assert.equal(validate(s.config), s.valid, `schema on ${JSON.stringify(s.config)}`);
    if (s.valid) {
      assert.doesNotThrow(() => validateConfig(s.config, 'pgsafe.config.json', knownRuleIds()));
    } else {
      assert.throws(() => validateConfig(s.config, 'x/pgsafe.config.json', knownRuleIds()), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /^x\/pgsafe\.config\.json: /);
        assert.match(e.message, s.problem!);
        return true;
      });
    }
  }
});

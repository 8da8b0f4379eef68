// JSON schema of pgsafe.config.json, generated from the rule registry (scripts/build.mjs writes
// it to schema/pgsafe.config.schema.json; a test keeps the file and the validator in agreement).
import { FRAMEWORKS, LOCK_TIMEOUT_PATTERN, MAX_PG, MIN_PG } from './types';

export function configJsonSchema(ruleIds: readonly string[]): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/pgsafe/pgsafe/blob/main/schema/pgsafe.config.schema.json',
    title: 'pgsafe configuration',
    description: 'pgsafe.config.json: found by walking up from each linted file.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      pgVersion: { type: 'integer', minimum: MIN_PG, maximum: MAX_PG, description: 'Target PostgreSQL major version (default: 18, the newest the parser knows).' },
      framework: { type: 'string', enum: [...FRAMEWORKS], description: 'Migration framework; "auto" detects it from in-file markers.' },
      transaction: { type: 'string', enum: ['auto', 'always', 'never'], description: 'Does the runner wrap each migration in a transaction? "auto" follows framework markers and BEGIN/COMMIT in the file.' },
      rules: {
        type: 'object',
        description: 'Rule levels by id.',
        propertyNames: { enum: [...ruleIds].sort() },
        additionalProperties: { type: 'string', enum: ['off', 'warn', 'error'] },
      },
      include: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Globs (relative to this file) of migrations to check when walking directories.' },
      exclude: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Globs (relative to this file) of files to skip.' },
      lockTimeout: { type: 'string', pattern: LOCK_TIMEOUT_PATTERN, default: '5s', description: 'The lock_timeout the lock-timeout fix writes (e.g. "5s", "500ms", "2min").' },
      deployedBefore: { type: 'string', minLength: 1, description: 'Migrations whose file name sorts before this are deployed; the rest are new, and objects they create are not hazards for the migrations after them.' },
    },
  };
}

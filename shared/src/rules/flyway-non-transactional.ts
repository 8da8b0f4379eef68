import { defineRule, docsUrl } from './types';
import { FLYWAY_NON_TRANSACTIONAL } from '../project/transactions';

export default defineRule({
  meta: {
    id: 'flyway-non-transactional',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'Flyway: a migration mixing CREATE INDEX CONCURRENTLY (or similar) with other statements is refused; alone, it can hang on Flyway\'s own advisory lock.',
    docs: docsUrl('flyway-non-transactional'),
    fixable: false,
  },
  // The first statement of the migration that Flyway runs outside a transaction: any statement matters.
  lookAhead: () => true,
  check(stmt, ctx) {
    if (ctx.tx.runner !== 'flyway' || 'parent' in stmt || !stmt.node || !FLYWAY_NON_TRANSACTIONAL.test(stmt.text)) return undefined;
    if (ctx.tx.runnerRefuses) {
      // Reported once, at the first such statement.
      const first = ctx.statements.find((s) => s.section.direction === stmt.section.direction && FLYWAY_NON_TRANSACTIONAL.test(s.text));
      if (first !== stmt) return undefined;
      return {
        message: `Flyway will refuse this migration: ${ctx.tx.runnerRefuses}. This is a Flyway check, not a PostgreSQL error: nothing in the migration runs.`,
        help: 'Move this statement to a migration of its own (Flyway then runs it outside a transaction), or set `executeInTransaction=false` in a `.sql.conf` file next to the migration (the other statements then lose their transaction), or enable `mixed=true`.',
      };
    }
    if (ctx.tx.inTransaction || !/CONCURRENTLY/i.test(stmt.text)) return undefined;
    return {
      message: 'Flyway runs this migration outside a transaction, but since Flyway 9.1.2 it holds its schema-history advisory lock inside an open transaction (flyway.postgresql.transactional.lock=true, the default). A CONCURRENTLY build waits for every older transaction to finish — including Flyway\'s own — so the migration hangs (flyway#3497).',
      help: 'Set `flyway.postgresql.transactional.lock=false` (or FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK=false) for the deployments that run this migration.',
    };
  },
});

import { missingGuards } from '../fixes/idempotent';
import { defineRule, docsUrl } from './types';

export default defineRule({
  meta: {
    id: 'require-idempotent-ddl',
    category: 'style',
    defaultLevel: 'off',
    description: 'DDL that fails when the migration is run again (CREATE without IF NOT EXISTS, DROP without IF EXISTS, ADD CONSTRAINT without a guard).',
    docs: docsUrl('require-idempotent-ddl'),
    fixable: true,
  },
  statementKinds: ['CreateStmt', 'IndexStmt', 'CreateSeqStmt', 'CreateSchemaStmt', 'CreateExtensionStmt', 'CreateTableAsStmt', 'DropStmt', 'AlterTableStmt'],
  check(stmt, ctx) {
    const guards = missingGuards(stmt, ctx);
    if (!guards.length) return undefined;
    const what = [...new Set(guards.map((g) => g.what))].join('; ');
    return {
      message: `${what}: if this migration fails part-way and is run again (or a runner that lost its bookkeeping re-runs it), the statement fails with "already exists" or "does not exist" and the migration cannot proceed.`,
      help: 'Make it re-runnable: `CREATE … IF NOT EXISTS`, `DROP … IF EXISTS`, `ADD COLUMN IF NOT EXISTS`, `DROP COLUMN / CONSTRAINT IF EXISTS`; ADD CONSTRAINT has no IF NOT EXISTS, so wrap it in a DO block that checks pg_constraint. This rule is off by default: runners that record applied migrations never re-run a migration that succeeded.',
    };
  },
  fix(stmt, _report, ctx) {
    const guards = missingGuards(stmt, ctx);
    if (!guards.length || guards.some((g) => !g.edits)) return [];
    return [{ title: 'Add the re-run guards (IF [NOT] EXISTS, or a DO block for ADD CONSTRAINT)', edits: guards.flatMap((g) => g.edits!), preferred: true }];
  },
});

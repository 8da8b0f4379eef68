import { defineRule, docsUrl } from './types';
import { nonTransactionalForm } from './concurrently-in-transaction';

export default defineRule({
  meta: {
    id: 'concurrently-may-run-in-transaction',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'CONCURRENTLY in a file with other statements, when the runner is not known: it fails if the runner sends the file as one query.',
    docs: docsUrl('concurrently-may-run-in-transaction'),
    fixable: false,
  },
  statementKinds: ['IndexStmt', 'DropStmt', 'ReindexStmt', 'VacuumStmt', 'ClusterStmt', 'AlterTableStmt', 'CreatedbStmt', 'AlterSystemStmt', 'CreateTableSpaceStmt'],
  // Counts the statements of the file's part: any other statement matters.
  lookAhead: () => true,
  check(stmt, ctx) {
    if (ctx.tx.inTransaction || !ctx.tx.assumption || 'parent' in stmt) return undefined;
    const form = nonTransactionalForm(stmt);
    if (!form) return undefined;
    const mine = ctx.statements.filter((s) => s.section.direction === stmt.section.direction);
    const forms = mine.filter((s) => nonTransactionalForm(s));
    if (forms[0] !== stmt) return undefined; // once per file, at the first such statement
    const others = mine.length - 1;
    if (others === 0) return undefined;
    const more = forms.length > 1 ? ` (and ${forms.length - 1} more like it in this file)` : '';
    return {
      message: `${form}${more} shares this file with ${others} other statement${others === 1 ? '' : 's'}. pgsafe does not know this folder's migration runner: if it sends the file as one query (as golang-migrate, Prisma and many hand-written runners do), PostgreSQL runs the file as one implicit transaction and ${form} fails with "cannot run inside a transaction block".`,
      help: 'Move it to a migration file of its own (that works with every runner), or set "framework" in pgsafe.config.json so pgsafe knows how your runner sends files (psql -f and goose send statements one at a time).',
    };
  },
});

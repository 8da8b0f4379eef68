import { defineRule, docsUrl } from './types';
import { related } from './_helpers';
import { endsTransaction, isBegin, isEmbedded, leadingWords, nextInSection, transactionKind } from './_flow';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';

/** The next COMMIT/ROLLBACK in the same section after `stmt`. */
function nextEnd(stmt: Statement, ctx: RuleContext): Statement | undefined {
  return nextInSection(ctx.statements, stmt, endsTransaction);
}

/** The walker's reason, without its own parentheses (it is quoted inside parentheses here). */
function runnerWhy(ctx: RuleContext): string {
  return ctx.tx.reason.replace(/ \(config "transaction": "always"\)$/, ', per config "transaction": "always"');
}

function optOut(ctx: RuleContext): string {
  const runner = ctx.tx.runner;
  if (runner === 'config') return 'Remove the BEGIN/COMMIT: the runner already wraps the migration in a transaction. If this runner does not, set "transaction" to "auto" or "never" in the pgsafe config.';
  if (runner && ctx.tx.optOut) return `Remove the BEGIN/COMMIT and let ${runner} wrap the migration; if a statement must run outside a transaction, move it to ${ctx.tx.optOut}.`;
  return 'Remove the BEGIN/COMMIT and let the runner manage the transaction; move statements that must run outside a transaction to their own migration that opts out of it.';
}

export default defineRule({
  meta: {
    id: 'nested-transaction',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'BEGIN while a transaction is already open (explicit or the migration runner\'s), or COMMIT/ROLLBACK inside the runner\'s transaction.',
    docs: docsUrl('nested-transaction'),
    fixable: false,
  },
  statementKinds: ['TransactionStmt'],
  // The COMMIT / ROLLBACK that ends the transaction, later in the section.
  lookAhead: (later) => later.kind === 'TransactionStmt',
  check(stmt, ctx) {
    // A BEGIN inside an implicit (multi-statement query) transaction just makes it explicit.
    if (stmt.kind !== 'TransactionStmt' || isEmbedded(stmt) || !ctx.tx.inTransaction || ctx.tx.source === 'implicit') return undefined;
    const word = leadingWords(stmt);
    if (isBegin(stmt)) {
      const end = nextEnd(stmt, ctx);
      const after = end
        ? `so the ${leadingWords(end)} that follows ends the ${ctx.tx.source === 'runner' ? 'runner\'s' : 'outer'} transaction early, and the statements after it run without a transaction (each one commits on its own; a failure leaves the earlier ones applied)`
        : 'so it is redundant — and a COMMIT added later to match it would end the transaction early';
      if (ctx.tx.source === 'runner') {
        return {
          message: `${word} inside the migration runner's transaction (${runnerWhy(ctx)}): PostgreSQL only warns "there is already a transaction in progress" and ignores it, ${after}.`,
          help: optOut(ctx),
          related: related(end, `this ${end ? leadingWords(end) : ''} ends the runner's transaction`),
        };
      }
      return {
        message: `${word} while the transaction opened by an earlier BEGIN is still open: PostgreSQL does not nest transactions — it warns "there is already a transaction in progress" and ignores this one, ${after}.`,
        help: 'Remove the inner BEGIN (and its COMMIT), or COMMIT the first transaction before starting the next one. Use SAVEPOINT for a nested unit that can be rolled back on its own.',
        related: [...related(ctx.tx.begin, 'the open transaction starts here'), ...related(end, 'this ends the outer transaction')],
      };
    }
    const kind = transactionKind(stmt);
    if (ctx.tx.source !== 'runner' || !endsTransaction(stmt)) return undefined;
    // A BEGIN earlier in this runner transaction was already reported, together with this end.
    if (ctx.statements.some((s) => s.index < stmt.index && s.section === stmt.section && isBegin(s))) return undefined;
    const rollback = kind === 'TRANS_STMT_ROLLBACK';
    return {
      message: `${word} inside the migration runner's transaction (${runnerWhy(ctx)}) ${rollback ? 'rolls back everything the migration did before it' : 'commits the runner\'s transaction early'}: the statements after it run without a transaction (each commits on its own, so a failure leaves a half-applied migration), and the runner's own COMMIT at the end finds no transaction.`,
      help: optOut(ctx),
    };
  },
});

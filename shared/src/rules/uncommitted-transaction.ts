import { defineRule, docsUrl } from './types';
import { endsTransaction, isBegin, isEmbedded, leadingWords, nextInSection } from './_flow';

export default defineRule({
  meta: {
    id: 'uncommitted-transaction',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'BEGIN without a later COMMIT (or ROLLBACK/END) in the same migration: its changes are rolled back when the session ends.',
    docs: docsUrl('uncommitted-transaction'),
    fixable: false,
  },
  statementKinds: ['TransactionStmt'],
  // The COMMIT / ROLLBACK that ends the transaction, later in the section.
  lookAhead: (later) => later.kind === 'TransactionStmt',
  check(stmt, ctx) {
    if (!isBegin(stmt) || isEmbedded(stmt) || (ctx.tx.inTransaction && ctx.tx.source !== 'implicit')) return undefined; // nested BEGINs: nested-transaction
    const closed = nextInSection(ctx.statements, stmt, endsTransaction) !== undefined;
    if (closed) return undefined;
    const word = leadingWords(stmt);
    return {
      message: `${word} opens a transaction that nothing in this migration commits: when the session ends, PostgreSQL rolls back everything after it (the runner may still record the migration as applied), and until then the transaction keeps every lock it took — indefinitely on a pooled or reused connection, where later statements also run inside it.`,
      help: `Add COMMIT; after the last statement of the transaction${stmt.section.marker ? ' (in the same up section)' : ''}, or remove the ${word} if the runner already wraps the migration in a transaction.`,
    };
  },
});

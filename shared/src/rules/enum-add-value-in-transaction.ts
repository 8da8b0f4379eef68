import { defineRule, docsUrl, type RuleReport } from './types';
import { leaveTransaction, related, sentence, transactionCause } from './_helpers';
import { isEmbedded, literalRange, walk } from './_flow';
import { displayName, listName, sameName, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';

/** Was the enum type created earlier in the current transaction (CREATE TYPE … AS ENUM)? */
function createdInThisTransaction(ctx: RuleContext, type: QName | undefined): boolean {
  if (!type || !ctx.tx.inTransaction) return false;
  return ctx.tx.earlier.some((s) => s.kind === 'CreateEnumStmt' && sameName(listName(s.node?.typeName) ?? { name: '' }, type));
}

function optOut(ctx: RuleContext): string {
  if (ctx.tx.source === 'begin') return 'Run it before the BEGIN (or COMMIT first), outside the transaction block.';
  return sentence(leaveTransaction(ctx));
}

function addValueBeforePg12(stmt: Statement, ctx: RuleContext): RuleReport | undefined {
  const n = stmt.node!;
  const type = listName(n.typeName);
  if (createdInThisTransaction(ctx, type)) return undefined; // allowed before 12 as well
  const what = `ALTER TYPE ${displayName(type)} ADD VALUE '${n.newVal}'`;
  if (isEmbedded(stmt)) {
    return {
      message: `${what} inside a DO block fails on PostgreSQL ${ctx.pgVersion}: before PostgreSQL 12, ALTER TYPE … ADD VALUE "cannot be executed from a function".`,
      help: 'Run it as a top-level statement outside any transaction block (use ADD VALUE IF NOT EXISTS to make it re-runnable instead of catching duplicate_object in a DO block), or upgrade to PostgreSQL 12+.',
    };
  }
  if (!ctx.tx.inTransaction) return undefined;
  const why = transactionCause(ctx);
  return {
    message: `${what} cannot run inside a transaction block before PostgreSQL 12, and this one is in a transaction: ${why}. PostgreSQL ${ctx.pgVersion} fails the migration with "ALTER TYPE ... ADD cannot run inside a transaction block" (SQLSTATE 25001).`,
    help: `${optOut(ctx)} Use ADD VALUE IF NOT EXISTS so a re-run does not fail. (PostgreSQL 12+ allows it in a transaction, but the value cannot be used until COMMIT.)`,
    related: related(ctx.tx.begin, 'the transaction starts here'),
  };
}

export default defineRule({
  meta: {
    id: 'enum-add-value-in-transaction',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'ALTER TYPE … ADD VALUE inside a transaction fails before PostgreSQL 12; on 12+ the new value cannot be used until the transaction commits.',
    docs: docsUrl('enum-add-value-in-transaction'),
    fixable: false,
  },
  check(stmt, ctx) {
    const n = stmt.node;
    if (!n) return undefined;
    if (stmt.kind === 'AlterEnumStmt' && n.newVal && !n.oldVal) {
      return ctx.pgVersion < 12 ? addValueBeforePg12(stmt, ctx) : undefined;
    }
    if (ctx.pgVersion < 12 || !ctx.tx.inTransaction || ctx.tx.enumValuesAdded.size === 0) return undefined;
    if (stmt.kind === 'AlterEnumStmt' || stmt.kind === 'CommentStmt') return undefined;
    const out: RuleReport[] = [];
    const seen = new Set<string>();
    walk(n, (key, value) => {
      if (key !== 'A_Const') return;
      const s = value.sval?.sval;
      if (typeof s !== 'string' || seen.has(s)) return;
      const adder = ctx.tx.enumValuesAdded.get(s);
      if (!adder) return;
      const type = listName(adder.node?.typeName);
      // PostgreSQL 17+ lets a transaction use values it added to an enum type it also created.
      if (ctx.pgVersion >= 17 && createdInThisTransaction(ctx, type)) return;
      seen.add(s);
      out.push({
        ...literalRange(stmt, value.location),
        message: `'${s}' was added to enum ${displayName(type)} earlier in this transaction, and a new enum value cannot be used until the transaction that added it commits: this statement fails with "unsafe use of new value \"${s}\" of enum type ${displayName(type)}" (SQLSTATE 55P04) and the whole migration rolls back.`,
        help: ctx.tx.source === 'begin'
          ? `Commit the ALTER TYPE … ADD VALUE before using '${s}': COMMIT right after it and use the value in a new transaction (or in a later migration).`
          : `Commit the ALTER TYPE … ADD VALUE before using '${s}': put it in its own, earlier migration. This one runs in a single transaction because ${ctx.tx.reason}.`,
        related: related(adder, `'${s}' is added here; it is usable only after COMMIT`),
      });
    });
    return out;
  },
});

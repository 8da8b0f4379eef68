import { defineRule, docsUrl } from './types';
import { existingEffects, name, related } from './_helpers';
import { snippet } from './_flow';
import { isDataChangeOnExisting, isNoWork } from '../context/walker';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';

/**
 * Statements that did work after the ACCESS EXCLUSIVE statement. The walker counts a DO block as
 * work after the statements embedded in it, so a DO block that itself took the lock must not
 * count (its embedded statements are counted on their own).
 */
function workSince(ctx: RuleContext, ae: Statement): number {
  const i = ctx.tx.earlier.indexOf(ae);
  if (i === -1) return ctx.tx.workAfterAccessExclusive;
  const parent = 'parent' in ae ? (ae as Statement & { parent: Statement }).parent : undefined;
  return ctx.tx.earlier.slice(i + 1).filter((s) => !isNoWork(s) && s !== parent).length;
}

function consequence(stmt: Statement, ctx: RuleContext, table: string): string {
  const effects = existingEffects(ctx);
  const blocked = `all reads and writes of ${table} are blocked`;
  if (isDataChangeOnExisting(stmt, effects)) return `this data change runs while ${blocked}: its whole run time is added to the outage`;
  if (effects.some((l) => l.rewrite)) return `this table rewrite runs while ${blocked}: its whole run time is added to the outage`;
  if (effects.some((l) => l.scan)) return `this statement's table scan runs while ${blocked}: its whole run time is added to the outage`;
  return `every further statement (and any wait for its own locks) widens the window in which ${blocked}`;
}

export default defineRule({
  meta: {
    id: 'statements-after-access-exclusive',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'More statements run in a transaction after it took an ACCESS EXCLUSIVE lock on an existing table, which stays locked until COMMIT.',
    docs: docsUrl('statements-after-access-exclusive'),
    fixable: false,
  },
  check(stmt, ctx) {
    const ae = ctx.tx.accessExclusive;
    if (!ctx.tx.inTransaction || !ae || isNoWork(stmt)) return undefined;
    // The DO block around the statement that took the lock is not a statement "after" it.
    if ('parent' in ae.stmt && (ae.stmt as Statement & { parent: Statement }).parent === stmt) return undefined;
    if (workSince(ctx, ae.stmt) !== 0) return undefined; // once per transaction
    const table = name(ae.effect.relation);
    return {
      message: `The ACCESS EXCLUSIVE lock on ${table} taken by ${ae.effect.action} (\`${snippet(ae.stmt)}\`) is held until COMMIT, so ${consequence(stmt, ctx, table)}.`,
      help: `Keep the statement that takes ACCESS EXCLUSIVE last in its transaction, or give it a transaction of its own (COMMIT right after it): run this statement${ctx.tx.source === 'runner' ? ' in a separate migration' : ' before it or in a separate transaction'}. Reported once per transaction.`,
      related: related(ae.stmt, `ACCESS EXCLUSIVE lock on ${table} taken here, held until COMMIT`),
    };
  },
});

import { defineRule, docsUrl } from './types';
import { related } from './_helpers';
import { lockedTable, snippet } from './_flow';
import { sameName, type QName } from '../ast/names';
import { isDataChangeOnExisting, isNoWork } from '../context/walker';
import { lockEffects, type LockEffect } from '../locks/catalogue';
import { lockRank } from '../locks/modes';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';

/** Statements whose run time pgsafe cannot bound: they may do arbitrary work. */
const OPAQUE = new Set(['SelectStmt', 'CallStmt', 'ExplainStmt', 'CopyStmt']);

type Widening = 'data' | 'rewrite' | 'scan' | 'lock' | 'opaque';

/** Relations the transaction already holds a lock on, with the strongest mode (so re-locking cannot wait). */
type Held = { relation: QName; mode: LockEffect['mode'] }[];

function alreadyHeld(l: LockEffect, held: Held, ae: { stmt: Statement; effect: LockEffect }): boolean {
  if (sameRelation(l.relation, ae)) return true;
  return held.some((h) => sameName(h.relation, l.relation) && lockRank(h.mode) >= lockRank(l.mode));
}

/**
 * Does `stmt` (run after the ACCESS EXCLUSIVE statement) make the lock window longer? Catalog-only
 * statements that touch nothing but tables this transaction has already locked, or new objects
 * (CREATE VIEW, CREATE FUNCTION, GRANT, another instant ALTER of the same table…), finish at once
 * and cannot wait for a lock held by another session, so they do not count.
 */
function widens(stmt: Statement, effects: readonly LockEffect[], ae: { stmt: Statement; effect: LockEffect }, held: Held, earlier: readonly Statement[]): { why: Widening; other?: LockEffect } | undefined {
  if (isNoWork(stmt)) return undefined;
  if (isDataChangeOnExisting(stmt, effects)) return { why: 'data' };
  if (effects.some((l) => l.rewrite)) return { why: 'rewrite' };
  if (effects.some((l) => l.scan)) return { why: 'scan' };
  const other = effects.find((l) => !alreadyHeld(l, held, ae));
  if (other) return { why: 'lock', other };
  if (OPAQUE.has(stmt.kind)) return { why: 'opaque' };
  // A DO block is judged by its embedded statements; one without any (dynamic SQL) is opaque.
  if (stmt.kind === 'DoStmt' && !earlier.some((s) => 'parent' in s && (s as Statement & { parent: Statement }).parent === stmt)) return { why: 'opaque' };
  return undefined;
}

/** The locked relation, also under the new name when the locking statement renamed it. */
function sameRelation(q: QName, ae: { stmt: Statement; effect: LockEffect }): boolean {
  if (sameName(q, ae.effect.relation)) return true;
  const n = ae.stmt.node;
  return ae.stmt.kind === 'RenameStmt' && typeof n?.newname === 'string'
    && ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(n.renameType)
    && sameName(q, { schema: ae.effect.relation.schema, name: n.newname });
}

function existingLocks(stmt: Statement, ctx: RuleContext): LockEffect[] {
  return lockEffects(stmt, { catalog: ctx.catalog, pgVersion: ctx.pgVersion }).filter((l) => !ctx.isNew(l.relation));
}

function consequence(w: { why: Widening; other?: LockEffect }, table: string): string {
  const blocked = `all reads and writes of ${table} are blocked`;
  switch (w.why) {
    case 'data': return `this data change runs while ${blocked}: its whole run time is added to the outage`;
    case 'rewrite': return `this table rewrite runs while ${blocked}: its whole run time is added to the outage`;
    case 'scan': return `this statement's scan runs while ${blocked}: its whole run time is added to the outage`;
    case 'lock': return `this statement also needs ${/^[AEIOU]/.test(w.other!.mode) ? 'an' : 'a'} ${w.other!.mode} lock on ${lockedTable(w.other!)}: if it has to wait for that lock behind another session's query, ${blocked} for the whole wait`;
    default: return `this statement runs while ${blocked}, and so does every statement after it`;
  }
}

export default defineRule({
  meta: {
    id: 'statements-after-access-exclusive',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'More work in a transaction after it took an ACCESS EXCLUSIVE lock on an existing table, which stays locked until COMMIT.',
    docs: docsUrl('statements-after-access-exclusive'),
    fixable: false,
  },
  check(stmt, ctx) {
    const ae = ctx.tx.accessExclusive;
    if (!ctx.tx.inTransaction || !ae) return undefined;
    // Walk the transaction: locks already held, and whether an earlier statement after the
    // ACCESS EXCLUSIVE one already widened the window (then it was reported there: once per transaction).
    const held: Held = [];
    let after = false;
    for (const s of ctx.tx.earlier) {
      const locks = existingLocks(s, ctx);
      if (after && widens(s, locks, ae, held, ctx.tx.earlier)) return undefined;
      if (s === ae.stmt) after = true;
      for (const l of locks) held.push({ relation: l.relation, mode: l.mode });
    }
    if (!after && ctx.tx.workAfterAccessExclusive > 0) return undefined;
    const w = widens(stmt, existingLocks(stmt, ctx), ae, held, ctx.tx.earlier);
    if (!w) return undefined;
    const table = lockedTable(ae.effect);
    return {
      message: `The ACCESS EXCLUSIVE lock on ${table} taken by ${ae.effect.action} (\`${snippet(ae.stmt)}\`) is held until COMMIT, so ${consequence(w, table)}.`,
      help: `Keep the statement that takes ACCESS EXCLUSIVE last in its transaction, or give it a transaction of its own (COMMIT right after it): run this statement${ctx.tx.source === 'runner' ? ' in a separate migration' : ' before it or in a separate transaction'}. Reported once per transaction.`,
      related: related(ae.stmt, `ACCESS EXCLUSIVE lock on ${table} taken here, held until COMMIT`),
    };
  },
});

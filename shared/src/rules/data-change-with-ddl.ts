import { defineRule, docsUrl } from './types';
import { existingEffects, related } from './_helpers';
import { lockedTable, snippet } from './_flow';
import { isDataChangeOnExisting, isDdlOnExisting } from '../context/walker';
import { lockEffects, type LockEffect } from '../locks/catalogue';
import { describeBlocked, describeBlockedSequence, lockRank } from '../locks/modes';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';

/** The strongest lock the DDL statement takes on an existing relation (re-derived for the message). */
function ddlLock(ddl: Statement, ctx: RuleContext): LockEffect | undefined {
  const effects = lockEffects(ddl, { catalog: ctx.catalog, pgVersion: ctx.pgVersion })
    .filter((l) => !ctx.isNew(l.relation) && l.mode !== 'ROW EXCLUSIVE' && l.mode !== 'ACCESS SHARE');
  return effects.sort((a, b) => lockRank(b.mode) - lockRank(a.mode))[0];
}

function lockPhrase(l: LockEffect): string {
  return `${/^[AEIOU]/.test(l.mode) ? 'an' : 'a'} ${l.mode} lock on ${l.role === 'sequence' ? `sequence ${lockedTable(l)}` : lockedTable(l)}, which ${l.role === 'sequence' ? describeBlockedSequence(l.mode) : describeBlocked(l.mode)}`;
}

function verbOf(stmt: Statement): string {
  return ({ UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', InsertStmt: 'INSERT … SELECT', MergeStmt: 'MERGE', CopyStmt: 'COPY' } as Record<string, string>)[stmt.kind] ?? stmt.kind;
}

export default defineRule({
  meta: {
    id: 'data-change-with-ddl',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'A data change (UPDATE, DELETE, INSERT … SELECT, MERGE, COPY) and DDL on existing tables in the same transaction: the DDL locks are held while the data changes.',
    docs: docsUrl('data-change-with-ddl'),
    fixable: false,
  },
  check(stmt, ctx) {
    if (!ctx.tx.inTransaction) return undefined;
    const existing = existingEffects(ctx);
    const split = 'Split the migration: the schema change in one transaction (short, with lock_timeout), the data change in another — ideally a separate migration or a backfill job that updates in batches and commits between them.';
    if (isDataChangeOnExisting(stmt, existing) && ctx.tx.firstDdl && !ctx.tx.firstDataChange) {
      const ddl = ctx.tx.firstDdl;
      const lock = ddlLock(ddl, ctx);
      const held = lock
        ? `${lock.action} (\`${snippet(ddl)}\`) took ${lockPhrase(lock)}, and that lock is held until COMMIT`
        : `the DDL \`${snippet(ddl)}\` took locks that are held until COMMIT`;
      return {
        message: `${verbOf(stmt)} runs in the same transaction as DDL on an existing table: ${held} — for as long as this data change takes, which grows with the number of rows.`,
        help: split,
        related: related(ddl, 'DDL earlier in the same transaction; its locks are held until COMMIT'),
      };
    }
    if (isDdlOnExisting(stmt, existing) && ctx.tx.firstDataChange && !ctx.tx.firstDdl) {
      const data = ctx.tx.firstDataChange;
      const lock = existing.filter((l) => l.mode !== 'ROW EXCLUSIVE' && l.mode !== 'ACCESS SHARE').sort((a, b) => lockRank(b.mode) - lockRank(a.mode))[0];
      return {
        message: `${lock ? lock.action : 'This DDL'} runs in the same transaction as the earlier ${verbOf(data)} (\`${snippet(data)}\`)${lock ? ` and requests ${lockPhrase(lock)}` : ''}. The rows the ${verbOf(data)} changed stay locked until COMMIT, this lock is requested only after the data change has run (a lock_timeout or deadlock here rolls the whole data change back), and sessions waiting for those rows can deadlock with it.`,
        help: split,
        related: related(data, 'data change earlier in the same transaction'),
      };
    }
    return undefined;
  },
});

import { lockTimeoutFix } from '../fixes/lock-timeout';
import { defineRule, docsUrl } from './types';
import { existingEffects, lockPhrase, name } from './_helpers';
import { blocksTraffic } from '../locks/modes';

export default defineRule({
  meta: {
    id: 'require-lock-timeout',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'A traffic-blocking lock requested with no lock_timeout: while it waits in the lock queue, every later query on the table waits too.',
    docs: docsUrl('require-lock-timeout'),
    fixable: true,
  },
  check(_stmt, ctx) {
    if (ctx.session.lockTimeout || ctx.tx.unprotectedHeavyLock) return undefined; // once per transaction
    const heavy = existingEffects(ctx).find((l) => blocksTraffic(l.mode));
    if (!heavy) return undefined;
    const scope = ctx.tx.inTransaction ? 'this transaction' : 'this session';
    const target = heavy.role === 'index' ? `the table of index ${name(heavy.relation)}` : name(heavy.relation);
    return {
      message: `${heavy.action} requests ${lockPhrase(heavy.mode, heavy.relation, target, heavy.role)}, and no lock_timeout is set in ${scope}. If a long query holds a conflicting lock, this statement waits — and every query ${heavy.role === 'sequence' ? 'that needs the sequence' : 'on the table'} queues behind it.`,
      help: `Put \`SET ${ctx.tx.inTransaction ? 'LOCAL ' : ''}lock_timeout = '${ctx.lockTimeout}';\` before it (and retry the migration if it times out). Reported once per transaction; \`lock_timeout = 0\` counts as unset.`,
    };
  },
  fix: (stmt, _report, ctx) => lockTimeoutFix(stmt, ctx),
});

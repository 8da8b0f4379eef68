import { detachConcurrently } from '../fixes/concurrently';
import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, name, rangeAt } from './_helpers';
import { rangeVarName as rv } from '../ast/names';
import { defaultPartitionSeen, outsideTransactionNote } from './_drops';

export default defineRule({
  meta: {
    id: 'require-concurrent-detach-partition',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the whole partitioned table.',
    docs: docsUrl('require-concurrent-detach-partition'),
    fixable: true,
    minPg: 14,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (cmd.subtype !== 'AT_DetachPartition' || cmd.def?.PartitionCmd?.concurrent || ctx.isNew(table)) continue;
      const part = rv(cmd.def?.PartitionCmd?.name);
      const withDefault = defaultPartitionSeen(ctx, stmt, table);
      out.push({
        ...rangeAt(stmt, cmd.def?.PartitionCmd?.name?.location),
        message: `DETACH PARTITION ${name(part)} takes ACCESS EXCLUSIVE locks on ${name(table)} (the whole partitioned table) and on ${name(part)}, which block all reads and writes on every partition until the transaction commits; while it waits behind a long-running query, every new query on ${name(table)} queues behind it.`,
        help: withDefault
          ? `${name(table)} has a DEFAULT partition (${name(withDefault)}, earlier in this file), so DETACH … CONCURRENTLY is not allowed: keep the plain DETACH with a short lock_timeout (retry on timeout) at a quiet time, or detach the DEFAULT partition first.`
          : `Use \`ALTER TABLE ${name(table)} DETACH PARTITION ${name(part)} CONCURRENTLY;\` (PostgreSQL 14+): it takes SHARE UPDATE EXCLUSIVE on ${name(table)}, so reads and writes continue. It cannot be used while ${name(table)} has a DEFAULT partition, and if it is interrupted, complete it with \`ALTER TABLE ${name(table)} DETACH PARTITION ${name(part)} FINALIZE;\`.${outsideTransactionNote(ctx, 'DETACH PARTITION CONCURRENTLY')}`,
      });
    }
    return out;
  },
  fix: (stmt, _report, ctx) => detachConcurrently(stmt, ctx),
});

import { defineRule, docsUrl } from './types';
import { lockPhrase, name } from './_helpers';
import { listName, type QName } from '../ast/names';
import { describeBlocked } from '../locks/modes';
import { joinNames, outsideTransactionNote } from './_drops';
import { dropIndexConcurrently } from '../fixes/index-concurrently';

export default defineRule({
  meta: {
    id: 'require-concurrent-index-deletion',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index\'s table, blocking all reads and writes.',
    docs: docsUrl('require-concurrent-index-deletion'),
    fixable: true,
  },
  statementKinds: ['DropStmt'],
  check(stmt, ctx) {
    const n = stmt.node;
    if (stmt.kind !== 'DropStmt' || n?.removeType !== 'OBJECT_INDEX' || n.concurrent) return undefined;
    const indexes: { index: QName; table?: QName }[] = [];
    for (const o of n.objects ?? []) {
      const index = listName(o.List?.items);
      if (!index) continue;
      const known = ctx.catalog.index(index);
      if (ctx.catalog.created(known) || (known && ctx.isNew(known.table))) continue;
      indexes.push({ index, table: known?.table });
    }
    if (indexes.length === 0) return undefined;
    const tables = [...new Set(indexes.filter((i) => i.table).map((i) => name(i.table)))];
    const first = indexes[0];
    const lock = first.table && tables.length === 1
      ? lockPhrase('ACCESS EXCLUSIVE', first.table)
      : tables.length > 1
        ? `an ACCESS EXCLUSIVE lock on ${joinNames(tables)}, which ${describeBlocked('ACCESS EXCLUSIVE')}`
        : `an ACCESS EXCLUSIVE lock on the table of ${name(first.index)}, which ${describeBlocked('ACCESS EXCLUSIVE')}`;
    const partitioned = indexes.some((i) => ctx.catalog.relation(i.table)?.kind === 'partitioned');
    const statements = indexes.map((i) => `DROP INDEX CONCURRENTLY IF EXISTS ${name(i.index)};`).join(' ');
    return {
      message: `DROP INDEX ${joinNames(indexes.map((i) => name(i.index)))} takes ${lock}, until the transaction commits; while it waits behind a long-running query, every new query on the table queues behind it.`,
      help: partitioned
        ? 'CONCURRENTLY is not supported for indexes of partitioned tables: keep the plain DROP INDEX, with a short lock_timeout (retry on timeout), at a quiet time.'
        : `Use \`${statements}\` — it takes SHARE UPDATE EXCLUSIVE, so reads and writes continue. It drops one index per statement, cannot use CASCADE, and cannot drop an index that backs a PRIMARY KEY or UNIQUE constraint (drop the constraint instead, with a lock_timeout).${outsideTransactionNote(ctx, 'DROP INDEX CONCURRENTLY')}`,
    };
  },
  fix(stmt, _report, ctx) {
    // Not for indexes of partitioned tables: CONCURRENTLY is not supported there.
    for (const o of stmt.node?.objects ?? []) {
      const known = ctx.catalog.index(listName(o.List?.items)!);
      if (known && ctx.catalog.relation(known.table)?.kind === 'partitioned') return [];
    }
    return dropIndexConcurrently(stmt, ctx);
  },
});

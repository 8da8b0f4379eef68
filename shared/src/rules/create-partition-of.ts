import { defineRule, docsUrl } from './types';
import { name, rangeAt } from './_helpers';
import { rangeVarName } from '../ast/names';
import { defaultPartitionSeen } from './_drops';

export default defineRule({
  meta: {
    id: 'create-partition-of',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'CREATE TABLE … PARTITION OF an existing partitioned table takes an ACCESS EXCLUSIVE lock on the whole parent.',
    docs: docsUrl('create-partition-of'),
    fixable: false,
  },
  statementKinds: ['CreateStmt'],
  check(stmt, ctx) {
    const n = stmt.node;
    if (stmt.kind !== 'CreateStmt' || !n?.partbound) return undefined;
    const parentRv = n.inhRelations?.[0]?.RangeVar;
    const parent = rangeVarName(parentRv);
    const child = rangeVarName(n.relation);
    if (!parent || !child || ctx.isNew(parent)) return undefined;
    const dflt = defaultPartitionSeen(ctx, stmt, parent);
    const knownDefault = dflt && !ctx.isNew(dflt) ? dflt : undefined;
    const defaultNote = n.partbound.is_default
      ? ''
      : knownDefault
        ? ` ${name(parent)} has a DEFAULT partition (${name(knownDefault)}): it is scanned under that lock too, to check that none of its rows belong in ${name(child)}.`
        : ` If ${name(parent)} has a DEFAULT partition, it is also scanned under that lock.`;
    const p = name(parent);
    const c = name(child);
    return {
      ...rangeAt(stmt, parentRv?.location),
      message: `CREATE TABLE ${c} PARTITION OF ${p} takes an ACCESS EXCLUSIVE lock on the partitioned table ${p}, which blocks all reads and writes on every partition until the transaction commits; while it waits behind a long-running query, every new query on ${p} queues behind it.${defaultNote}`,
      help: ctx.pgVersion >= 12
        ? `Create the table on its own and attach it: \`CREATE TABLE ${c} (LIKE ${p} INCLUDING ALL);\` then \`ALTER TABLE ${p} ATTACH PARTITION ${c} FOR VALUES …;\`, which takes only SHARE UPDATE EXCLUSIVE on ${p} (PostgreSQL 12+), so reads and writes continue. If ${c} gets rows before the attach, first add a CHECK constraint matching the bound (NOT VALID, then VALIDATE) so ATTACH skips its scan.`
        : `Before PostgreSQL 12 there is no lighter way (ATTACH PARTITION also takes ACCESS EXCLUSIVE on ${p}): set a short lock_timeout, retry on timeout, and create partitions ahead of need at a quiet time.`,
    };
  },
});

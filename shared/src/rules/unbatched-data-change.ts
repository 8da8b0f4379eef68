import { defineRule, docsUrl } from './types';
import { name, targetOf } from './_helpers';
import { containsKeyRange, containsLimit, isKeyLookup } from './_flow';

export default defineRule({
  meta: {
    id: 'unbatched-data-change',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'UPDATE or DELETE of an existing table in one unbatched statement (no WHERE, or no LIMIT, key range or id lookup bounding it).',
    docs: docsUrl('unbatched-data-change'),
    fixable: false,
  },
  statementKinds: ['DeleteStmt', 'UpdateStmt'],
  check(stmt, ctx) {
    if (stmt.kind !== 'UpdateStmt' && stmt.kind !== 'DeleteStmt') return undefined;
    const n = stmt.node!;
    const table = targetOf(stmt);
    if (!table || ctx.isNew(table)) return undefined;
    const where = n.whereClause;
    if (where?.CurrentOfExpr) return undefined; // WHERE CURRENT OF cursor: one row
    const bounded = [where, n.withClause, n.fromClause, n.usingClause].some((p) => p && containsLimit(p)) || (where && containsKeyRange(where));
    if (bounded || isKeyLookup(n)) return undefined;
    const verb = stmt.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
    const t = name(table);
    const scope = where ? `every row of ${t} that matches its WHERE clause` : `every row of ${t} (there is no WHERE clause)`;
    const effect = stmt.kind === 'UpdateStmt'
      ? 'writes a new version of each row (table and index bloat, a burst of WAL and replication lag)'
      : 'leaves every deleted row as a dead tuple for VACUUM (bloat, a burst of WAL and replication lag)';
    const key = 'id';
    const batch = stmt.kind === 'UpdateStmt'
      ? `UPDATE ${t} SET … WHERE ${key} IN (SELECT ${key} FROM ${t} WHERE <condition> LIMIT 5000)`
      : `DELETE FROM ${t} WHERE ${key} IN (SELECT ${key} FROM ${t} WHERE <condition> LIMIT 5000)`;
    return {
      message: `${verb} changes ${scope} in one statement and one transaction: each changed row stays locked until COMMIT (concurrent UPDATE, DELETE and SELECT … FOR UPDATE of those rows wait), and it ${effect}. On a large table this can run for minutes${ctx.tx.inTransaction ? ', and every lock the transaction holds is kept for that long' : ''}.`,
      help: `Change the rows in batches, each in its own short transaction and outside the migration's DDL transaction: repeat \`${batch}\` until it affects 0 rows (the condition must exclude rows already done), or walk key ranges (\`WHERE ${key} >= $1 AND ${key} < $1 + 10000\`). If ${t} is known to be small, suppress this with \`-- pgsafe-ignore unbatched-data-change\`.`,
    };
  },
});

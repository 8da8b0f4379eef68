import { defineRule, docsUrl } from './types';
import { lockPhrase, name, targetOf } from './_helpers';
import { createIndexConcurrently } from '../fixes/index-concurrently';

export default defineRule({
  meta: {
    id: 'require-concurrent-index-creation',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'CREATE INDEX without CONCURRENTLY on an existing table blocks writes for the whole build.',
    docs: docsUrl('require-concurrent-index-creation'),
    fixable: true,
  },
  statementKinds: ['IndexStmt'],
  check(stmt, ctx) {
    if (stmt.kind !== 'IndexStmt' || stmt.node?.concurrent) return undefined;
    const table = targetOf(stmt);
    if (!table || ctx.isNew(table)) return undefined;
    const partitioned = ctx.catalog.relation(table)?.kind === 'partitioned';
    return {
      message: `CREATE INDEX takes ${lockPhrase('SHARE', table)}, for as long as the index takes to build.`,
      help: partitioned
        ? `${name(table)} is partitioned and CONCURRENTLY is not supported on partitioned tables: create the index ON ONLY ${name(table)}, build each partition's index with CREATE INDEX CONCURRENTLY, then ALTER INDEX … ATTACH PARTITION each one.`
        : 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS, outside any transaction block (it takes only a SHARE UPDATE EXCLUSIVE lock and lets reads and writes continue).',
    };
  },
  fix(stmt, _report, ctx) {
    if (ctx.catalog.relation(targetOf(stmt)!)?.kind === 'partitioned') return [];
    return createIndexConcurrently(stmt, ctx);
  },
});

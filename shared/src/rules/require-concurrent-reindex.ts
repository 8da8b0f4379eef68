import { reindexConcurrently } from '../fixes/concurrently';
import { defineRule, docsUrl } from './types';
import { lockPhrase, name, rangeAt } from './_helpers';
import { quoteIdent, rangeVarName } from '../ast/names';
import { createdEarlier, outsideTransactionNote } from './_drops';

export default defineRule({
  meta: {
    id: 'require-concurrent-reindex',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'REINDEX without CONCURRENTLY blocks writes to the table and, through the lock on each index, nearly every query on it.',
    docs: docsUrl('require-concurrent-reindex'),
    fixable: true,
    minPg: 12,
  },
  statementKinds: ['ReindexStmt'],
  check(stmt, ctx) {
    const n = stmt.node;
    if (stmt.kind !== 'ReindexStmt' || !n) return undefined;
    if ((n.params ?? []).some((p: any) => p.DefElem?.defname === 'concurrently')) return undefined;
    const range = rangeAt(stmt, n.relation?.location);
    const help = (form: string) => `Use \`${form}\` (PostgreSQL 12+): it builds each new index next to the old one under SHARE UPDATE EXCLUSIVE locks, so reads and writes continue. If it fails it leaves an invalid \`…_ccnew\` index behind: drop it with DROP INDEX CONCURRENTLY and retry.${outsideTransactionNote(ctx, 'REINDEX CONCURRENTLY')}`;
    switch (n.kind) {
      case 'REINDEX_OBJECT_INDEX': {
        const index = rangeVarName(n.relation);
        if (!index) return undefined;
        const known = ctx.catalog.index(index);
        if (ctx.catalog.created(known) || (known && ctx.isNew(known.table))) return undefined;
        const table = known?.table;
        return {
          ...range,
          message: `REINDEX INDEX ${name(index)} holds ${table ? lockPhrase('SHARE', table) : 'a SHARE lock on its table, which blocks INSERT, UPDATE and DELETE'}, and an ACCESS EXCLUSIVE lock on the index for the whole rebuild — the planner locks every index of a table it plans a query on, so practically every query on ${table ? name(table) : 'the table'}, reads included, waits too.`,
          help: help(`REINDEX INDEX CONCURRENTLY ${name(index)};`),
        };
      }
      case 'REINDEX_OBJECT_TABLE': {
        const table = rangeVarName(n.relation);
        if (!table || ctx.isNew(table)) return undefined;
        return {
          ...range,
          message: `REINDEX TABLE ${name(table)} rebuilds every index of ${name(table)} while holding ${lockPhrase('SHARE', table)}, and an ACCESS EXCLUSIVE lock on each index as it is rebuilt — the planner locks every index of a table it plans a query on, so practically every query on ${name(table)}, reads included, waits too.`,
          help: help(`REINDEX TABLE CONCURRENTLY ${name(table)};`),
        };
      }
      case 'REINDEX_OBJECT_SCHEMA':
      case 'REINDEX_OBJECT_DATABASE': {
        const schema = n.kind === 'REINDEX_OBJECT_SCHEMA';
        const target = n.name ? quoteIdent(String(n.name)) : '';
        if (schema && createdEarlier(ctx, stmt, 'schema', { name: String(n.name) })) return undefined;
        const form = `REINDEX ${schema ? 'SCHEMA' : 'DATABASE'}${target ? ` ${target}` : ''}`;
        return {
          message: `${form} rebuilds every index ${schema ? `in schema ${target}` : 'of the database'}, table after table, each under a SHARE lock on the table (blocks writes) and an ACCESS EXCLUSIVE lock on the index being rebuilt (blocks practically every query on that table).`,
          help: help(`REINDEX ${schema ? 'SCHEMA' : 'DATABASE'} CONCURRENTLY${target ? ` ${target}` : ''};`) + ' Better still, reindex only the indexes that need it (REINDEX INDEX CONCURRENTLY …), as a maintenance job rather than a migration.',
        };
      }
      default:
        return undefined; // REINDEX SYSTEM: catalogs only, out of scope
    }
  },
  fix: (stmt, _report, ctx) => reindexConcurrently(stmt, ctx),
});

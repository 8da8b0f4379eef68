import { defineRule, docsUrl } from './types';
import { lockPhrase, name, rangeAt } from './_helpers';
import { rangeVarName, type QName } from '../ast/names';
import { joinNames } from './_drops';
import { optionIsOn } from '../ast/options';

const plain = (q: QName | undefined) => (q ? `${q.schema ? `${q.schema}.` : ''}${q.name}` : '<table>');

const REPACK = 'Use pg_repack (or pg_squeeze) instead: they rebuild the table online and hold an ACCESS EXCLUSIVE lock only for a moment at the start and the end';

export default defineRule({
  meta: {
    id: 'vacuum-full-or-cluster',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'VACUUM FULL and CLUSTER rewrite the table under an ACCESS EXCLUSIVE lock that blocks every read and write for the whole rewrite.',
    docs: docsUrl('vacuum-full-or-cluster'),
    fixable: false,
  },
  statementKinds: ['ClusterStmt', 'VacuumStmt'],
  check(stmt, ctx) {
    const n = stmt.node;
    if (!n) return undefined;
    if (stmt.kind === 'VacuumStmt') {
      if (!n.is_vacuumcmd) return undefined;
      const full = (n.options ?? []).some((o: any) => o.DefElem?.defname === 'full' && optionIsOn(o.DefElem.arg));
      if (!full) return undefined;
      const rels = (n.rels ?? []).map((r: any) => r.VacuumRelation?.relation);
      const tables: QName[] = rels.map(rangeVarName).filter((q: QName | undefined): q is QName => !!q && !ctx.isNew(q));
      if (rels.length > 0 && tables.length === 0) return undefined;
      const help = `${REPACK} (\`pg_repack --table=${plain(tables[0])}\`). Run it as a maintenance job, not in a migration. If the aim is only to make dead rows reusable, plain VACUUM (SHARE UPDATE EXCLUSIVE: reads and writes continue) is enough.`;
      if (tables.length === 0) {
        return {
          message: 'VACUUM FULL without a table list rewrites every table of the database, one after another, each under an ACCESS EXCLUSIVE lock that blocks all reads and writes on it until its copy is done — and needs free disk space for a full copy of the largest table.',
          help,
        };
      }
      return {
        ...rangeAt(stmt, rels.find((r: any) => r && tables.some((t) => t.name === r.relname))?.location),
        message: `VACUUM FULL rewrites ${joinNames(tables.map(name))} and ${tables.length > 1 ? 'their' : 'its'} indexes into new files while holding ${lockPhrase('ACCESS EXCLUSIVE', tables[0])}${tables.length > 1 ? ' (each table in turn)' : ''} for the whole rewrite — minutes or hours on a large table — and needs free disk space for a full copy.`,
        help,
      };
    }
    if (stmt.kind === 'ClusterStmt') {
      const table = rangeVarName(n.relation);
      if (table && ctx.isNew(table)) return undefined;
      const help = `${REPACK}; \`pg_repack --table=${plain(table)} --order-by=<columns>\` gives the same physical order as CLUSTER. Run it as a maintenance job, not in a migration.`;
      if (!table) {
        return {
          message: 'CLUSTER without a table re-clusters every table that was clustered before, one after another, each rewritten under an ACCESS EXCLUSIVE lock that blocks all reads and writes on it until its copy is done.',
          help,
        };
      }
      return {
        ...rangeAt(stmt, n.relation?.location),
        message: `CLUSTER rewrites ${name(table)} and its indexes in index order while holding ${lockPhrase('ACCESS EXCLUSIVE', table)} for the whole rewrite — minutes or hours on a large table — and needs free disk space for a full copy.`,
        help,
      };
    }
    return undefined;
  },
});

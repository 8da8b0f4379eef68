import { defineRule, docsUrl, type RuleReport } from './types';
import { name, rangeAt } from './_helpers';
import { rangeVarName, sameName, stringList, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';

interface Fk {
  table: QName;
  columns: string[];
  references?: QName;
  location?: number;
  /** Indexes the same statement creates (CREATE TABLE's PRIMARY KEY / UNIQUE). */
  sameStatement: string[][];
}

/** Do an index's leading columns cover exactly the FK's columns (in any order)? */
function covers(index: readonly string[] | undefined, fk: readonly string[]): boolean {
  if (!index || index.length < fk.length) return false;
  const lead = new Set(index.slice(0, fk.length));
  return fk.every((c) => lead.has(c));
}

function foreignKeys(stmt: Statement): Fk[] {
  const n = stmt.node;
  const out: Fk[] = [];
  if (!n) return out;
  if (stmt.kind === 'CreateStmt') {
    const table = rangeVarName(n?.relation);
    if (!table) return [];
    const keys: string[][] = [];
    const fks: { c: any; cols: string[] }[] = [];
    for (const e of n.tableElts ?? []) {
      const cons = e.Constraint ? [{ c: e.Constraint, col: undefined }] : (e.ColumnDef?.constraints ?? []).map((k: any) => ({ c: k.Constraint, col: e.ColumnDef.colname }));
      for (const { c, col } of cons) {
        const cols = col ? [col] : stringList(c?.contype === 'CONSTR_FOREIGN' ? c.fk_attrs : c?.keys);
        if (c?.contype === 'CONSTR_PRIMARY' || c?.contype === 'CONSTR_UNIQUE') keys.push(cols);
        if (c?.contype === 'CONSTR_FOREIGN') fks.push({ c, cols });
      }
    }
    for (const { c, cols } of fks) out.push({ table, columns: cols, references: rangeVarName(c.pktable), location: c.location, sameStatement: keys });
  } else if (stmt.kind === 'AlterTableStmt') {
    const table = rangeVarName(n?.relation);
    if (!table) return [];
    for (const x of n.cmds ?? []) {
      const cmd = x.AlterTableCmd;
      if (cmd?.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN') {
        const c = cmd.def.Constraint;
        out.push({ table, columns: stringList(c.fk_attrs), references: rangeVarName(c.pktable), location: c.location, sameStatement: [] });
      } else if (cmd?.subtype === 'AT_AddColumn') {
        for (const k of cmd.def?.ColumnDef?.constraints ?? []) {
          if (k.Constraint?.contype === 'CONSTR_FOREIGN') out.push({ table, columns: [cmd.def.ColumnDef.colname], references: rangeVarName(k.Constraint.pktable), location: k.Constraint.location, sameStatement: [] });
        }
      }
    }
  }
  return out.filter((f) => f.columns.length > 0);
}

/** An index created later in the file (CREATE INDEX, ADD PRIMARY KEY / UNIQUE) that covers the FK. */
function indexedLater(ctx: RuleContext, stmt: Statement, fk: Fk): boolean {
  for (const s of ctx.statements) {
    if (s.index <= stmt.index || !s.node) continue;
    if (s.kind === 'IndexStmt') {
      const t = rangeVarName(s.node.relation);
      if (t && sameName(t, fk.table) && covers((s.node.indexParams ?? []).map((p: any) => p.IndexElem?.name ?? ''), fk.columns)) return true;
    } else if (s.kind === 'AlterTableStmt') {
      const t = rangeVarName(s.node.relation);
      if (!t || !sameName(t, fk.table)) continue;
      for (const x of s.node.cmds ?? []) {
        const c = x.AlterTableCmd?.def?.Constraint;
        if ((c?.contype === 'CONSTR_PRIMARY' || c?.contype === 'CONSTR_UNIQUE') && covers(stringList(c.keys), fk.columns)) return true;
      }
    }
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'foreign-key-without-index',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'A foreign key whose referencing columns no index covers: every DELETE or key UPDATE on the referenced table scans this table.',
    docs: docsUrl('foreign-key-without-index'),
    fixable: false,
  },
  statementKinds: ['CreateStmt', 'AlterTableStmt'],
  // indexedLater: a CREATE INDEX or ADD PRIMARY KEY / UNIQUE later on the same table covers the FK.
  lookAhead(later, earlier) {
    const covering = later.kind === 'IndexStmt'
      || (later.kind === 'AlterTableStmt' && (later.node?.cmds ?? []).some((x: any) => ['CONSTR_PRIMARY', 'CONSTR_UNIQUE'].includes(x.AlterTableCmd?.def?.Constraint?.contype)));
    if (!covering) return false;
    const a = rangeVarName(later.node?.relation);
    const b = rangeVarName(earlier.node?.relation);
    return !a || !b || a.name === b.name;
  },
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const fk of foreignKeys(stmt)) {
      // Only where pgsafe knows the table's indexes: created in this statement, this file or a replayed migration.
      const rel = ctx.catalog.relation(fk.table);
      const known = stmt.kind === 'CreateStmt' ? !(stmt.node?.tableElts ?? []).some((e: any) => e.TableLikeClause) : !!rel && !rel.partial && !rel.uncertain;
      if (!known) continue;
      if (fk.sameStatement.some((k) => covers(k, fk.columns))) continue;
      if (ctx.catalog.indexesOn(fk.table).some((i) => !i.partial && covers(i.columns, fk.columns))) continue;
      if (indexedLater(ctx, stmt, fk)) continue;
      const cols = fk.columns.join(', ');
      out.push({
        ...rangeAt(stmt, fk.location),
        message: `No index covers the foreign key columns (${cols}) of ${name(fk.table)}. Every DELETE from ${name(fk.references)} (and every UPDATE of its key) must find the referencing rows, so it scans ${name(fk.table)} in full — holding its row locks while it does — and ON DELETE CASCADE / SET NULL get just as slow as ${name(fk.table)} grows.`,
        help: `Add \`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${fk.table.name}_${fk.columns.join('_')}_idx ON ${name(fk.table)} (${cols});\` (its own migration, outside a transaction; in the same migration as CREATE TABLE a plain CREATE INDEX is fine). If rows of ${name(fk.references)} are never deleted or re-keyed, suppress this with \`-- pgsafe-ignore foreign-key-without-index\`.`,
      });
    }
    return out;
  },
});

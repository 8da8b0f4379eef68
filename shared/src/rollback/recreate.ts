// Re-create what an up statement drops, from the replayed schema (columns, nullability, types,
// identity) and the ledger (the source text of defaults, constraints and indexes).
import { quoteIdent, sameName, type QName } from '../ast/names';
import { typeToString } from '../ast/types';
import type { Catalog, ColumnInfo, ConstraintInfo, RelationInfo } from '../context/catalog';
import type { Ledger } from './ledger';
import { qname, tokens } from './text';

/** `notes`: what was dropped with the object and cannot be put back (the down is partial for it). */
export type Made = { ok: true; sql: string[]; notes?: string[] } | { ok: false; reason: string };

/** The table name as the up statement wrote it when the catalog's is not qualified. */
function tableName(r: RelationInfo, asWritten?: QName): string {
  return qname(r.name.schema ? r.name : asWritten ?? r.name);
}

export function columnSql(r: RelationInfo, c: ColumnInfo, ledger: Ledger): { ok: true; sql: string } | { ok: false; reason: string } {
  if (!c.type) return { ok: false, reason: `the type of column ${c.name} is not known` };
  let sql = `${quoteIdent(c.name)} ${typeToString(c.type)}`;
  if (c.generated) {
    const e = ledger.expr(c.defaultExpr);
    if (e === undefined) return { ok: false, reason: `the generation expression of ${c.name} was not found in the earlier migrations` };
    sql += ` GENERATED ALWAYS AS (${e})${c.generated === 'stored' ? ' STORED' : ' VIRTUAL'}`;
  } else if (c.identity) {
    sql += ` GENERATED ${ledger.identityOf(r.name, c.name) ?? 'BY DEFAULT'} AS IDENTITY`;
  } else if (c.defaultExpr !== undefined && c.hasDefault && !/serial$/.test(c.type.name)) {
    const e = ledger.expr(c.defaultExpr);
    if (e === undefined) return { ok: false, reason: `the default of ${c.name} was not found in the earlier migrations` };
    sql += ` DEFAULT ${e}`;
  }
  if (c.notNull && !c.identity) sql += ' NOT NULL';
  return { ok: true, sql };
}

/** `FOREIGN KEY (a) REFERENCES b (id)` etc., with NOT VALID matching the catalog's flag. */
export function constraintBody(table: QName, c: ConstraintInfo, ledger: Ledger): string | undefined {
  let body = ledger.constraint(table, c.name);
  if (body === undefined) {
    if ((c.type === 'primary' || c.type === 'unique') && c.columns?.length) body = `${c.type === 'primary' ? 'PRIMARY KEY' : 'UNIQUE'} (${c.columns.map(quoteIdent).join(', ')})`;
    else return undefined;
  }
  const toks = tokens(body);
  const n = toks.length;
  const notValid = n >= 2 && toks[n - 2].text.toLowerCase() === 'not' && toks[n - 1].text.toLowerCase() === 'valid';
  if (notValid && c.validated) body = body.slice(0, toks[n - 2].start).trimEnd();
  else if (!notValid && !c.validated && (c.type === 'foreign' || c.type === 'check')) body += ' NOT VALID';
  return body;
}

export function addConstraintSql(tableSql: string, table: QName, c: ConstraintInfo, ledger: Ledger): string | undefined {
  const body = constraintBody(table, c, ledger);
  return body === undefined ? undefined : `ALTER TABLE ${tableSql} ADD CONSTRAINT ${quoteIdent(c.name)} ${body};`;
}

export function indexSql(catalog: Catalog, ledger: Ledger, name: QName, concurrently = false): string | undefined {
  const def = ledger.indexes.get(name.name);
  if (!def) return undefined;
  const i = catalog.index(name);
  const table = i?.table ?? def.table;
  const schema = name.schema ?? table.schema;
  void schema;
  return `CREATE ${def.unique ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY ' : ''}IF NOT EXISTS ${quoteIdent(name.name)} ON ${def.only ? 'ONLY ' : ''}${qname(table)} ${def.tail};`;
}

/** Constraints whose index is their own (PRIMARY KEY / UNIQUE / EXCLUDE) are not separate indexes. */
function constraintIndex(r: RelationInfo, name: string): boolean {
  const c = r.constraints.get(name);
  return !!c && (c.type === 'primary' || c.type === 'unique' || c.type === 'exclusion');
}

/** CREATE TABLE + its indexes, from the catalog (or the original text when the table was never altered). */
export function recreateTable(catalog: Catalog, ledger: Ledger, q: QName): Made {
  const r = catalog.relation(q);
  if (!r) return { ok: false, reason: `${qname(q)} is not in the replayed schema (created outside these migrations?)` };
  if (r.kind !== 'table' && r.kind !== 'partitioned') return { ok: false, reason: `${qname(q)} is a ${r.kind}` };
  const name = tableName(r, q);
  const out: string[] = [];
  const original = ledger.tableText.get(r.name.name);
  if (original) out.push(`${original};`);
  else {
    if (r.uncertain) return { ok: false, reason: `the replayed schema of ${qname(q)} is uncertain (${r.uncertain})` };
    if (r.partial || r.partitionOf) return { ok: false, reason: `pgsafe does not know all columns of ${qname(q)}` };
    const parts: string[] = [];
    for (const c of r.columns.values()) {
      const col = columnSql(r, c, ledger);
      if (!col.ok) return col;
      parts.push(col.sql);
    }
    for (const c of r.constraints.values()) {
      if (c.type === 'notnull') continue;
      const body = constraintBody(r.name, c, ledger);
      if (body === undefined) return { ok: false, reason: `the definition of constraint ${c.name} was not found in the earlier migrations` };
      if (/\bNOT\s+VALID$/i.test(body)) continue; // added afterwards
      parts.push(`CONSTRAINT ${quoteIdent(c.name)} ${body}`);
    }
    out.push(`CREATE ${r.unlogged ? 'UNLOGGED ' : ''}TABLE ${name} (\n  ${parts.join(',\n  ')}\n);`);
    for (const c of r.constraints.values()) {
      if (c.type === 'notnull') continue;
      const body = constraintBody(r.name, c, ledger);
      if (body && /\bNOT\s+VALID$/i.test(body)) out.push(`ALTER TABLE ${name} ADD CONSTRAINT ${quoteIdent(c.name)} ${body};`);
    }
  }
  for (const i of catalog.indexesOn(r.name)) {
    if (constraintIndex(r, i.name.name)) continue;
    if (original && ledger.indexes.get(i.name.name) === undefined) continue;
    const sql = indexSql(catalog, ledger, i.name);
    if (!sql) return { ok: false, reason: `the definition of index ${i.name.name} was not found in the earlier migrations` };
    out.push(sql);
  }
  const more = triggersAndComments(ledger, r, name);
  if (!more.ok) return more;
  // Sequences the table owned (OWNED BY) went with it: created before it (its defaults use them), owned again after.
  const before: string[] = [];
  const after: string[] = [];
  for (const o of ledger.ownedSequences.get(r.name.name)?.values() ?? []) {
    const text = ledger.object('sequence', o.sequence);
    if (!text) return { ok: false, reason: `the definition of sequence ${qname(o.sequence)}, owned by ${name}, was not found in the earlier migrations` };
    before.push(`${text};`);
    after.push(`ALTER SEQUENCE ${qname(o.sequence)} OWNED BY ${name}.${quoteIdent(o.column)};`);
  }
  // Row level security and policies: the catalog does not model them, the ledger follows them.
  const security = ledger.security.restore(r.name.name, name);
  return { ok: true, sql: [...before, ...out, ...after, ...more.sql, ...security.sql], notes: security.notes };
}

/** The triggers on a re-created relation and the comments on it and its columns. */
export function triggersAndComments(ledger: Ledger, r: RelationInfo, sqlName: string): Made {
  const out: string[] = [];
  for (const t of r.triggers ?? []) {
    const text = ledger.object('trigger', t, r.name);
    if (!text) return { ok: false, reason: `the definition of trigger ${t} on ${qname(r.name)} was not found in the earlier migrations` };
    const stale = ledger.staleness('trigger', t, r.name);
    if (stale) return { ok: false, reason: `trigger ${t} on ${qname(r.name)} cannot be re-created from its text: ${stale}` };
    out.push(`${text};`);
  }
  out.push(...ledger.commentsFor(r.name, sqlName, r.columns.keys()));
  return { ok: true, sql: out };
}

/**
 * A view or materialized view put back from its CREATE text, with what hangs on it: indexes
 * (materialized views), triggers (INSTEAD OF …) and comments.
 */
export function recreateView(catalog: Catalog, ledger: Ledger, q: QName, materialized: boolean): Made {
  const text = ledger.object(materialized ? 'matview' : 'view', q);
  if (!text) return { ok: false, reason: `the definition of view ${qname(q)} was not found in the earlier migrations` };
  const stale = ledger.staleness(materialized ? 'matview' : 'view', q);
  if (stale) return { ok: false, reason: `view ${qname(q)} cannot be re-created from its text: ${stale}` };
  const out = [`${text};`];
  const r = catalog.relation(q);
  if (!r) return { ok: true, sql: out };
  for (const i of catalog.indexesOn(r.name)) {
    const sql = indexSql(catalog, ledger, i.name);
    if (!sql) return { ok: false, reason: `the definition of index ${i.name.name} was not found in the earlier migrations` };
    out.push(sql);
  }
  const more = triggersAndComments(ledger, r, tableName(r, q));
  if (!more.ok) return more;
  return { ok: true, sql: [...out, ...more.sql] };
}

/**
 * The views (and materialized views) that read `q`, and the ones reading those, recreated in
 * dependency order: DROP … CASCADE removed them along with `q`.
 */
export function dependentViews(catalog: Catalog, ledger: Ledger, q: QName, seen = new Set<string>()): Made {
  const out: string[] = [];
  for (const d of catalog.dependentsOf(q)) {
    if ((d.kind !== 'view' && d.kind !== 'materialized view') || !d.on || sameName(d.on, q)) continue;
    const k = qname(d.on);
    if (seen.has(k)) continue;
    seen.add(k);
    const made = recreateView(catalog, ledger, d.on, d.kind === 'materialized view');
    if (!made.ok) return { ok: false, reason: `CASCADE also dropped ${d.kind} ${k}: ${made.reason}` };
    const deeper = dependentViews(catalog, ledger, d.on, seen);
    if (!deeper.ok) return deeper;
    out.push(...made.sql, ...deeper.sql);
  }
  return { ok: true, sql: out };
}

/** ADD COLUMN + the constraints and indexes that went with it. */
export function recreateColumn(catalog: Catalog, ledger: Ledger, q: QName, column: string): Made {
  const r = catalog.relation(q);
  const c = r?.columns.get(column);
  if (!r || !c) return { ok: false, reason: `column ${column} of ${qname(q)} is not in the replayed schema` };
  const name = tableName(r, q);
  const col = columnSql(r, c, ledger);
  if (!col.ok) return col;
  const out = [`ALTER TABLE ${name} ADD COLUMN ${col.sql};`];
  for (const k of r.constraints.values()) {
    if (k.type === 'notnull' || !(k.columns?.includes(column) || k.notNullColumn === column)) continue;
    const sql = addConstraintSql(name, r.name, k, ledger);
    if (!sql) return { ok: false, reason: `the definition of constraint ${k.name} was not found in the earlier migrations` };
    out.push(sql);
  }
  for (const i of catalog.indexesOn(r.name)) {
    if (constraintIndex(r, i.name.name)) continue;
    // Expression and partial indexes: the column may appear in the expression or the predicate.
    const tail = ledger.indexes.get(i.name.name)?.tail;
    const mentioned = tail !== undefined && (i.columns?.includes('(expression)') || i.partial) && tokens(tail).some((t) => t.text === quoteIdent(column) || t.text === column);
    if (!i.columns?.includes(column) && !mentioned) continue;
    const sql = indexSql(catalog, ledger, i.name);
    if (!sql) return { ok: false, reason: `the definition of index ${i.name.name} was not found in the earlier migrations` };
    out.push(sql);
  }
  return { ok: true, sql: out };
}

/** Foreign keys of other tables that point at `q` (DROP TABLE … CASCADE removes them). */
export function referencingForeignKeys(catalog: Catalog, ledger: Ledger, q: QName): Made {
  const out: string[] = [];
  for (const d of catalog.dependentsOf(q)) {
    if (d.kind !== 'foreign key' || !d.on || sameName(d.on, q)) continue;
    const r = catalog.relation(d.on);
    const k = r?.constraints.get(d.name);
    if (!r || !k) continue;
    const sql = addConstraintSql(qname(r.name), r.name, k, ledger);
    if (!sql) return { ok: false, reason: `the definition of foreign key ${d.name} on ${qname(r.name)} was not found` };
    out.push(sql);
  }
  return { ok: true, sql: out };
}

// What PostgreSQL derives when a statement leaves it implicit: generated object names, the columns
// of LIKE / CREATE TABLE AS / views. Used by the replay (apply.ts).
import { rangeVarName, type QName } from '../ast/names';
import type { Catalog, ConstraintType, RelationInfo } from './catalog';

/** PostgreSQL's default constraint names (table_col_fkey, table_pkey, …), used to match later DROP/VALIDATE. */
export function defaultConstraintName(table: QName, type: ConstraintType, cols: string[], catalog?: Catalog): string {
  const suffix = { foreign: 'fkey', check: 'check', unique: 'key', primary: 'pkey', exclusion: 'excl', notnull: 'not_null' }[type];
  const make = (label: string) => (type === 'primary' ? makeObjectName(table.name, '', label) : makeObjectName(table.name, cols.join('_'), label));
  // PRIMARY KEY / UNIQUE names are index (relation) names: taken ones get a number (jobs_pkey1).
  let name = make(suffix);
  if (catalog && (type === 'primary' || type === 'unique' || type === 'exclusion')) {
    for (let i = 1; catalog.index({ schema: table.schema, name }) || catalog.relation({ schema: table.schema, name }); i++) name = make(`${suffix}${i}`);
  }
  return name;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** PostgreSQL's makeObjectName: name1_name2_label within 63 bytes, trimming the longer of name1 and name2 first. */
export function makeObjectName(name1: string, name2: string, label: string): string {
  let a = name1;
  let b = name2;
  const overhead = (b ? 1 : 0) + (label ? label.length + 1 : 0);
  const cut = (s: string) => {
    const chars = [...s];
    chars.pop();
    return chars.join('');
  };
  while (bytes(a) + bytes(b) + overhead > 63) {
    if (bytes(a) > bytes(b)) a = cut(a);
    else b = cut(b);
  }
  return [a, b, label].filter((x) => x !== '').join('_');
}

/**
 * What a view's query reads: each relation in a FROM clause, with the column names referenced
 * anywhere in the query ('*' for `SELECT *` or `t.*`). Column names are matched by name only
 * (a name is attributed to every relation of the query), which errs towards listing a dependent.
 */
export function relationsRead(query: any): { relation: QName; columns: Set<string> }[] {
  const relations: QName[] = [];
  const columns = new Set<string>();
  const visit = (node: any): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
      return;
    }
    for (const key in node) {
      const value = node[key];
      if (key === 'RangeVar') {
        const q = rangeVarName(value);
        if (q && !relations.some((r) => r.name === q.name && r.schema === q.schema)) relations.push(q);
      } else if (key === 'ColumnRef') {
        const fields: any[] = value.fields ?? [];
        const last = fields[fields.length - 1];
        if (last?.A_Star) columns.add('*');
        else if (typeof last?.String?.sval === 'string') columns.add(last.String.sval);
      } else visit(value);
    }
  };
  visit(query);
  return relations.map((relation) => ({ relation, columns }));
}

/** The name PostgreSQL gives an unnamed index (ChooseIndexName): table_col1_col2_idx, made unique with a digit. */
export function defaultIndexName(catalog: Catalog, table: QName, columns: string[]): string {
  const cols = columns.map((c) => (c.startsWith('(') ? 'expr' : c)).join('_');
  const trim = (s: string) => Buffer.from(s).subarray(0, 63 - 4).toString().replace(/\uFFFD$/, '');
  const base = trim(`${table.name}_${cols}`);
  let name = `${base}_idx`;
  for (let i = 1; catalog.index({ schema: table.schema, name }) || catalog.relation({ schema: table.schema, name }); i++) name = `${base}_idx${i}`;
  return name;
}

/** CREATE TABLE … (LIKE source [INCLUDING …]): copy the source's columns (defaults with INCLUDING DEFAULTS / ALL). */
export function copyLikeColumns(catalog: Catalog, rel: RelationInfo, like: any): void {
  const source = catalog.relation(rangeVarName(like.relation));
  if (!source || source.partial || source.uncertain) return;
  // CREATE_TABLE_LIKE_DEFAULTS = 1 << 3, CONSTRAINTS = 1 << 2, INDEXES = 1 << 6 (ALL sets every bit).
  const options = like.options ?? 0;
  const defaults = (options & (1 << 3)) !== 0;
  for (const c of source.columns.values()) rel.columns.set(c.name, { ...c, hasDefault: defaults && c.hasDefault });
  // Copied indexes and constraints get new names that are not modelled: only then stay uncertain.
  if ((options & ((1 << 2) | (1 << 6))) === 0) rel.uncertain = undefined;
}

/** CREATE TABLE … AS SELECT from one known table: the selected columns, with their types (nullable, no default). */
export function copyQueryColumns(catalog: Catalog, rel: RelationInfo, query: any, names: any[] | undefined): boolean {
  const sel = query?.SelectStmt;
  if (!sel || names?.length || (sel.op && sel.op !== 'SETOP_NONE') || sel.fromClause?.length !== 1) return false;
  const source = catalog.relation(rangeVarName(sel.fromClause[0]?.RangeVar));
  if (!source || source.partial || source.uncertain) return false;
  for (const t of sel.targetList ?? []) {
    const target = t.ResTarget;
    const fields: any[] = target?.val?.ColumnRef?.fields ?? [];
    const last = fields[fields.length - 1];
    if (last?.A_Star) {
      for (const c of source.columns.values()) rel.columns.set(c.name, { ...c, notNull: false, hasDefault: false });
      continue;
    }
    const col = typeof last?.String?.sval === 'string' ? source.columns.get(last.String.sval) : undefined;
    if (!col) return false;
    const name = target.name ?? col.name;
    rel.columns.set(name, { ...col, name, notNull: false, hasDefault: false });
  }
  return rel.columns.size > 0;
}

// The schema a statement runs against, as far as pgsafe knows it. Built from the parse trees of
// the statements before it in the file (and, with schema replay, from earlier migrations).
// `createdAt` marks objects created in the file being checked: other sessions cannot be using
// them yet, so statements on them are not hazards.
import { sameName, type QName } from '../ast/names';
import type { TypeRef } from '../ast/types';
import type { Volatility } from '../ast/volatility';

export interface ColumnInfo {
  name: string;
  type?: TypeRef;
  notNull: boolean;
  hasDefault: boolean;
  identity?: boolean;
  /** The sequence a serial / identity column owns, named when the column was created (renames keep it). */
  ownedSequence?: string;
  generated?: 'stored' | 'virtual';
  /** The DEFAULT (or generation) expression, as a parse tree. */
  defaultExpr?: unknown;
}

/** PostgreSQL's makeObjectName: name1_name2_label, the longer of name1/name2 cut to fit 63 bytes. */
export function objectName(name1: string, name2: string, label: string): string {
  const avail = 63 - (label.length + 1) - (name2.length + 1);
  let n1 = name1.length;
  let n2 = name2.length;
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return `${name1.slice(0, n1)}_${name2.slice(0, n2)}_${label}`;
}

export type ConstraintType = 'foreign' | 'check' | 'unique' | 'primary' | 'exclusion' | 'notnull';

export interface ConstraintInfo {
  name: string;
  type: ConstraintType;
  validated: boolean;
  /** CHECK: the expression, as a parse tree. */
  expression?: unknown;
  /** For `CHECK (col IS NOT NULL)`: the column it proves NOT NULL. */
  notNullColumn?: string;
  references?: QName;
  /** The table's columns it covers (for a FOREIGN KEY: the referencing columns). */
  columns?: string[];
  /** FOREIGN KEY: the referenced columns. */
  refColumns?: string[];
  /** Statement index that added it in this file, if it did. */
  addedAt?: number;
}

export type RelationKind = 'table' | 'partitioned' | 'view' | 'matview' | 'sequence' | 'foreign';

export interface RelationInfo {
  name: QName;
  kind: RelationKind;
  columns: Map<string, ColumnInfo>;
  constraints: Map<string, ConstraintInfo>;
  partitionOf?: QName;
  /** UNLOGGED tables (TEMP ones are not migrations' business). */
  unlogged?: boolean;
  /** Triggers on it, by name. */
  triggers?: Set<string>;
  /** The DEFAULT partition of its parent (ATTACH PARTITION scans it). */
  defaultPartition?: boolean;
  /** Only what the file did to a table pgsafe has not seen created (columns, indexes unknown). */
  partial?: boolean;
  /** A statement the replay does not model changed it (why); rules do not rely on its columns or indexes. */
  uncertain?: string;
  /** Views and materialized views: the relations they read, and which of their columns ('*' = all). */
  reads?: { relation: QName; columns: Set<string> }[];
  /** Statement index in the current file that created it; undefined for pre-existing objects. */
  createdAt?: number;
}

export interface IndexInfo {
  name: QName;
  table: QName;
  unique: boolean;
  /** Key columns in order; expressions as `(expression)`. */
  columns?: string[];
  partial?: boolean;
  createdAt?: number;
}

/** A domain: its base type and whether it has constraints (CHECK / NOT NULL) to enforce. */
export interface DomainInfo {
  name: QName;
  base?: TypeRef;
  constrained: boolean;
}

export interface TypeInfo {
  name: QName;
  enumValues?: string[];
  createdAt?: number;
}

export class Catalog {
  private relations = new Map<string, RelationInfo[]>();
  private indexes = new Map<string, IndexInfo[]>();
  /** Index names by their table's name, so dropping a table touches only its own indexes. */
  private indexesOfTable = new Map<string, Set<string>>();
  private types = new Map<string, TypeInfo[]>();
  private functions = new Map<string, Volatility>();
  /** Domains by name (kept apart from types: the down check compares types, not domains). */
  private domains = new Map<string, DomainInfo[]>();
  /** Relations that may depend on a table (views reading it, tables with an FK to it), by its name. */
  private dependents = new Map<string, Set<RelationInfo>>();
  /** Schemas created by the migrations (public and system schemas are not listed). */
  readonly schemas = new Set<string>();
  /**
   * Names of tables any relation was ever made a partition of (a superset: detaching does not
   * remove a name). The lock catalogue asks for partitions on every CREATE INDEX / ALTER TABLE;
   * without this, each question scanned every relation (quadratic in the file's tables).
   */
  private partitionParents = new Set<string>();

  /** An independent copy (incremental replay keeps one per file). */
  clone(): Catalog {
    const copy = new Catalog();
    // One structuredClone call keeps shared references (dependents point at relations) shared.
    const data = structuredClone({ r: this.relations, i: this.indexes, it: this.indexesOfTable, t: this.types, f: this.functions, d: this.dependents, dm: this.domains });
    copy.relations = data.r;
    copy.indexes = data.i;
    copy.indexesOfTable = data.it;
    copy.types = data.t;
    copy.functions = data.f;
    copy.dependents = data.d;
    copy.domains = data.dm;
    for (const sc of this.schemas) copy.schemas.add(sc);
    copy.partitionParents = new Set(this.partitionParents);
    return copy;
  }

  /**
   * A copy for walker checkpoints: like `clone`, but parse trees, names and type references are
   * shared (the replay replaces them, never changes them in place), so it costs a fraction of it.
   * Everything the replay does change in place (relations, columns, constraints, indexes, types,
   * their lists) is copied.
   */
  fork(): Catalog {
    const copy = new Catalog();
    copy.copyFrom(this);
    return copy;
  }

  /** Make this catalog (the same object) hold what `from` holds; `from` must not be used afterwards (its contents move). */
  takeOver(from: Catalog): void {
    this.relations = from.relations;
    this.indexes = from.indexes;
    this.indexesOfTable = from.indexesOfTable;
    this.types = from.types;
    this.functions = from.functions;
    this.dependents = from.dependents;
    this.domains = from.domains;
    this.partitionParents = from.partitionParents;
    this.schemas.clear();
    for (const sc of from.schemas) this.schemas.add(sc);
  }

  private copyFrom(from: Catalog): void {
    const rel = new Map<RelationInfo, RelationInfo>();
    const copyRel = (r: RelationInfo): RelationInfo => {
      let c = rel.get(r);
      if (!c) rel.set(r, (c = copyRelation(r)));
      return c;
    };
    const relations = new Map<string, RelationInfo[]>();
    for (const [k, list] of from.relations) relations.set(k, list.map(copyRel));
    const indexes = new Map<string, IndexInfo[]>();
    for (const [k, list] of from.indexes) indexes.set(k, list.map(copyIndex));
    const indexesOfTable = new Map<string, Set<string>>();
    for (const [k, set] of from.indexesOfTable) indexesOfTable.set(k, new Set(set));
    const types = new Map<string, TypeInfo[]>();
    for (const [k, list] of from.types) types.set(k, list.map(copyType));
    const dependents = new Map<string, Set<RelationInfo>>();
    for (const [k, set] of from.dependents) {
      const copy = new Set<RelationInfo>();
      for (const r of set) copy.add(copyRel(r));
      dependents.set(k, copy);
    }
    this.relations = relations;
    this.indexes = indexes;
    this.indexesOfTable = indexesOfTable;
    this.types = types;
    this.functions = new Map(from.functions);
    this.dependents = dependents;
    const domains = new Map<string, DomainInfo[]>();
    for (const [k, list] of from.domains) domains.set(k, list.map((d) => ({ ...d })));
    this.domains = domains;
    this.partitionParents = new Set(from.partitionParents);
    this.schemas.clear();
    for (const sc of from.schemas) this.schemas.add(sc);
  }

  private link(on: QName, r: RelationInfo): void {
    let set = this.dependents.get(on.name);
    if (!set) this.dependents.set(on.name, (set = new Set()));
    set.add(r);
  }

  /** Record a constraint added to a relation (keeps the dependents index current). */
  noteConstraint(r: RelationInfo, c: ConstraintInfo): void {
    r.constraints.set(c.name, c);
    if (c.type === 'foreign' && c.references) this.link(c.references, r);
  }

  relation(q: QName | undefined): RelationInfo | undefined {
    if (!q) return undefined;
    return this.relations.get(q.name)?.find((r) => sameName(r.name, q));
  }

  addRelation(r: RelationInfo): void {
    this.removeRelation(r.name);
    const list = this.relations.get(r.name.name) ?? [];
    list.push(r);
    this.relations.set(r.name.name, list);
    for (const read of r.reads ?? []) this.link(read.relation, r);
    for (const c of r.constraints.values()) if (c.type === 'foreign' && c.references) this.link(c.references, r);
    if (r.partitionOf) this.partitionParents.add(r.partitionOf.name);
  }

  /** Make `part` a partition of `parent` (ATTACH), or of nothing (DETACH). */
  setPartitionOf(part: RelationInfo, parent: QName | undefined, isDefault?: boolean): void {
    part.partitionOf = parent;
    part.defaultPartition = parent && isDefault ? true : undefined;
    if (parent) this.partitionParents.add(parent.name);
  }

  /**
   * A copy holding only the relations with these names, their indexes, and every type; copied
   * like `fork` (parse trees shared): the down check asks for two per migration with a down.
   */
  subset(names: ReadonlySet<string>): Catalog {
    const c = new Catalog();
    // In the catalog's order (the down check lists differences in it).
    for (const [name, list] of this.relations) if (names.has(name)) for (const r of list) c.addRelation(copyRelation(r));
    for (const list of this.indexes.values()) for (const i of list) if (names.has(i.table.name)) c.addIndex(copyIndex(i));
    for (const list of this.types.values()) for (const t of list) c.addType(copyType(t));
    for (const d of [...this.domains.values()].flat()) c.addDomain({ ...d });
    for (const sc of this.schemas) c.schemas.add(sc);
    return c;
  }

  removeRelation(q: QName): RelationInfo | undefined {
    const list = this.relations.get(q.name);
    if (!list) return undefined;
    const i = list.findIndex((r) => sameName(r.name, q));
    if (i === -1) return undefined;
    const [removed] = list.splice(i, 1);
    for (const k of this.indexesOfTable.get(q.name) ?? []) {
      const kept = (this.indexes.get(k) ?? []).filter((x) => !sameName(x.table, removed.name));
      if (kept.length) this.indexes.set(k, kept);
      else this.indexes.delete(k);
    }
    return removed;
  }

  renameRelation(from: QName, to: string): void {
    const r = this.relation(from);
    if (!r) return;
    const moved = this.indexesOn(r.name);
    this.removeRelation(r.name);
    r.name = { schema: r.name.schema, name: to };
    this.addRelation(r);
    for (const i of moved) this.addIndex({ ...i, table: r.name });
  }

  /** ALTER TABLE … SET SCHEMA: the relation and its indexes move. */
  moveRelation(from: QName, schema: string): void {
    const r = this.relation(from);
    if (!r) return;
    const moved = this.indexesOn(r.name);
    this.removeRelation(r.name);
    r.name = { schema, name: r.name.name };
    this.addRelation(r);
    for (const i of moved) this.addIndex({ ...i, name: { schema, name: i.name.name }, table: r.name });
  }

  /** DROP SCHEMA: everything qualified with that schema goes. */
  dropSchema(schema: string): void {
    this.schemas.delete(schema);
    for (const r of this.allRelations()) if (r.name.schema === schema) this.removeRelation(r.name);
    for (const [k, list] of this.types) this.types.set(k, list.filter((t) => t.name.schema !== schema));
    for (const [k, list] of this.domains) this.domains.set(k, list.filter((t) => t.name.schema !== schema));
  }

  /** DROP … CASCADE of a table: views reading it and other tables' foreign keys to it go too. */
  dropDependents(table: QName): void {
    for (const d of this.dependentsOf(table)) {
      if ((d.kind === 'view' || d.kind === 'materialized view') && d.on) {
        this.dropDependents(d.on);
        this.removeRelation(d.on);
      } else if (d.kind === 'foreign key' && d.on) this.relation(d.on)?.constraints.delete(d.name);
    }
  }

  /** ALTER TYPE … RENAME TO: the type and every column of that type. */
  renameType(from: QName, to: string): void {
    const t = this.type(from);
    if (t) {
      this.types.set(t.name.name, (this.types.get(t.name.name) ?? []).filter((x) => x !== t));
      this.addType({ ...t, name: { schema: t.name.schema, name: to } });
    }
    for (const r of this.allRelations()) {
      for (const c of r.columns.values()) if (c.type && c.type.name === from.name && (!from.schema || !c.type.schema || c.type.schema === from.schema)) c.type = { ...c.type, name: to };
    }
  }

  index(q: QName | undefined): IndexInfo | undefined {
    if (!q) return undefined;
    return this.indexes.get(q.name)?.find((i) => sameName(i.name, q));
  }

  addIndex(i: IndexInfo): void {
    const list = (this.indexes.get(i.name.name) ?? []).filter((x) => !sameName(x.name, i.name));
    list.push(i);
    this.indexes.set(i.name.name, list);
    let names = this.indexesOfTable.get(i.table.name);
    if (!names) this.indexesOfTable.set(i.table.name, (names = new Set()));
    names.add(i.name.name);
  }

  removeIndex(q: QName): void {
    const list = this.indexes.get(q.name);
    if (list) this.indexes.set(q.name, list.filter((x) => !sameName(x.name, q)));
  }

  type(q: QName | undefined): TypeInfo | undefined {
    if (!q) return undefined;
    return this.types.get(q.name)?.find((t) => sameName(t.name, q));
  }

  removeType(q: QName): void {
    const list = this.types.get(q.name);
    if (list) this.types.set(q.name, list.filter((x) => !sameName(x.name, q)));
  }

  addType(t: TypeInfo): void {
    const list = (this.types.get(t.name.name) ?? []).filter((x) => !sameName(x.name, t.name));
    list.push(t);
    this.types.set(t.name.name, list);
  }

  domain(q: QName | undefined): DomainInfo | undefined {
    if (!q) return undefined;
    return this.domains.get(q.name)?.find((d) => sameName(d.name, q));
  }

  addDomain(d: DomainInfo): void {
    const list = (this.domains.get(d.name.name) ?? []).filter((x) => !sameName(x.name, d.name));
    list.push(d);
    this.domains.set(d.name.name, list);
  }

  removeDomain(q: QName): void {
    const list = this.domains.get(q.name);
    if (list) this.domains.set(q.name, list.filter((x) => !sameName(x.name, q)));
  }

  /** The partitions of a partitioned table (direct ones). */
  partitionsOf(table: QName): RelationInfo[] {
    if (!this.partitionParents.has(table.name)) return [];
    return this.allRelations().filter((r) => r.partitionOf && sameName(r.partitionOf, table));
  }

  functionVolatility(name: string): Volatility | undefined {
    return this.functions.get(name);
  }

  addFunction(name: string, v: Volatility): void {
    this.functions.set(name, v);
  }

  /**
   * After a file has been replayed: if it is deployed, what it created is now pre-existing (in use);
   * if it is not (it ships with the migration under review), its objects stay new.
   */
  settle(deployed: boolean): void {
    if (!deployed) return;
    for (const list of this.relations.values()) for (const r of list) r.createdAt = undefined;
    for (const list of this.indexes.values()) for (const i of list) i.createdAt = undefined;
    for (const list of this.types.values()) for (const t of list) t.createdAt = undefined;
  }

  /** Created earlier in the file being checked (so invisible to, or unused by, other sessions). */
  isNew(q: QName | undefined): boolean {
    const r = this.relation(q);
    if (r) return r.createdAt !== undefined;
    const i = this.index(q);
    return i !== undefined && i.createdAt !== undefined;
  }

  /** Every relation the catalog knows (for comparing the model with a real database). */
  allRelations(): RelationInfo[] {
    return [...this.relations.values()].flat();
  }

  allTypes(): TypeInfo[] {
    return [...this.types.values()].flat();
  }

  allIndexes(): IndexInfo[] {
    return [...this.indexes.values()].flat();
  }

  /** Indexes on a table. */
  indexesOn(table: QName): IndexInfo[] {
    const out: IndexInfo[] = [];
    for (const k of this.indexesOfTable.get(table.name) ?? []) for (const i of this.indexes.get(k) ?? []) if (sameName(i.table, table)) out.push(i);
    return out;
  }

  /** Everything that depends on a table (or one of its columns): views reading it, its indexes and
   *  constraints, and foreign keys of other tables that reference it. */
  dependentsOf(table: QName, column?: string): { kind: 'view' | 'materialized view' | 'index' | 'constraint' | 'foreign key'; name: string; on?: QName }[] {
    const out: ReturnType<Catalog['dependentsOf']> = [];
    const rel = this.relation(table);
    {
      for (const r of this.dependents.get(table.name) ?? []) {
        if (this.relation(r.name) !== r) continue; // dropped or replaced since
        for (const read of r.kind === 'view' || r.kind === 'matview' ? r.reads ?? [] : []) {
          if (sameName(read.relation, table) && (!column || read.columns.has('*') || read.columns.has(column))) {
            out.push({ kind: r.kind === 'matview' ? 'materialized view' : 'view', name: r.name.name, on: r.name });
          }
        }
        if (r === rel) continue;
        for (const c of r.constraints.values()) {
          if (c.type === 'foreign' && c.references && sameName(c.references, table) && (!column || !c.refColumns?.length || c.refColumns.includes(column))) {
            out.push({ kind: 'foreign key', name: c.name, on: r.name });
          }
        }
      }
    }
    if (column && rel) {
      for (const i of this.indexesOn(table)) if (i.columns?.includes(column)) out.push({ kind: 'index', name: i.name.name });
      for (const c of rel.constraints.values()) if (c.columns?.includes(column) && c.type !== 'notnull') out.push({ kind: 'constraint', name: c.name });
    }
    return out;
  }

  /** The constraint named `name` on `table`, or anywhere when the table is not known. */
  constraint(table: QName | undefined, name: string): ConstraintInfo | undefined {
    const r = this.relation(table);
    return r?.constraints.get(name);
  }
}

/**
 * Copies of the model's records for `fork` and `subset`: what the replay changes in place (column
 * and constraint maps and records, column lists, triggers, enum values) is copied; parse trees,
 * names and type references are shared, since the replay only ever replaces them.
 */
function copyRelation(r: RelationInfo): RelationInfo {
  const columns = new Map<string, ColumnInfo>();
  for (const [k, col] of r.columns) columns.set(k, { ...col });
  const constraints = new Map<string, ConstraintInfo>();
  for (const [k, con] of r.constraints) {
    const k2 = { ...con };
    if (con.columns) k2.columns = con.columns.slice();
    if (con.refColumns) k2.refColumns = con.refColumns.slice();
    constraints.set(k, k2);
  }
  const c: RelationInfo = { ...r, columns, constraints };
  if (r.triggers) c.triggers = new Set(r.triggers);
  if (r.reads) c.reads = r.reads.map((x) => ({ relation: x.relation, columns: new Set(x.columns) }));
  return c;
}

function copyIndex(i: IndexInfo): IndexInfo {
  return i.columns ? { ...i, columns: i.columns.slice() } : { ...i };
}

function copyType(t: TypeInfo): TypeInfo {
  return t.enumValues ? { ...t, enumValues: t.enumValues.slice() } : { ...t };
}

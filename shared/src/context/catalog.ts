// The schema a statement runs against, as far as pgsafe knows it. Built from the parse trees of
// the statements before it in the file (and, with schema replay, from earlier migrations).
// `createdAt` marks objects created in the file being checked: other sessions cannot be using
// them yet, so statements on them are not hazards.
import { sameName, type QName } from '../ast/names';
import type { Volatility } from '../ast/volatility';
import { NameTable } from './name-table';
import { copyIndex, copyRelation, copyType, type ConstraintInfo, type DomainInfo, type IndexInfo, type RelationInfo, type TypeInfo } from './schema-model';

export { objectName, type ColumnInfo, type ConstraintInfo, type ConstraintType, type DomainInfo, type IndexInfo, type RelationInfo, type RelationKind, type TypeInfo } from './schema-model';

export class Catalog {
  private relations = new NameTable<RelationInfo>();
  private indexes = new NameTable<IndexInfo>();
  /** Index names by their table's name, so dropping a table touches only its own indexes. */
  private indexesOfTable = new Map<string, Set<string>>();
  private types = new NameTable<TypeInfo>();
  private functions = new Map<string, Volatility>();
  /** Domains by name (kept apart from types: the down check compares types, not domains). */
  private domains = new NameTable<DomainInfo>();
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
    const data = structuredClone({ r: this.relations.toMap(), i: this.indexes.toMap(), it: this.indexesOfTable, t: this.types.toMap(), f: this.functions, d: this.dependents, dm: this.domains.toMap() });
    copy.relations = new NameTable(data.r);
    copy.indexes = new NameTable(data.i);
    copy.indexesOfTable = data.it;
    copy.types = new NameTable(data.t);
    copy.functions = data.f;
    copy.dependents = data.d;
    copy.domains = new NameTable(data.dm);
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
    const relations = from.relations.map(copyRel);
    const indexes = from.indexes.map(copyIndex);
    const indexesOfTable = new Map<string, Set<string>>();
    for (const [k, set] of from.indexesOfTable) indexesOfTable.set(k, new Set(set));
    const types = from.types.map(copyType);
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
    this.domains = from.domains.map((d) => ({ ...d }));
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
    return this.relations.get(q);
  }

  addRelation(r: RelationInfo): void {
    this.removeRelation(r.name);
    this.relations.add(r);
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
    for (const [name, list] of this.relations.entries()) if (names.has(name)) for (const r of list) c.addRelation(copyRelation(r));
    for (const i of this.indexes.values()) if (names.has(i.table.name)) c.addIndex(copyIndex(i));
    for (const t of this.types.values()) c.addType(copyType(t));
    for (const d of this.domains.values()) c.addDomain({ ...d });
    for (const sc of this.schemas) c.schemas.add(sc);
    return c;
  }

  removeRelation(q: QName): RelationInfo | undefined {
    const removed = this.relations.take(q);
    if (!removed) return undefined;
    for (const k of this.indexesOfTable.get(q.name) ?? []) this.indexes.prune(k, (x) => !sameName(x.table, removed.name));
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
    this.types.retain((t) => t.name.schema !== schema);
    this.domains.retain((d) => d.name.schema !== schema);
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
      this.types.keepNamed(t.name.name, (x) => x !== t);
      this.addType({ ...t, name: { schema: t.name.schema, name: to } });
    }
    for (const r of this.allRelations()) {
      for (const c of r.columns.values()) if (c.type && c.type.name === from.name && (!from.schema || !c.type.schema || c.type.schema === from.schema)) c.type = { ...c.type, name: to };
    }
  }

  index(q: QName | undefined): IndexInfo | undefined {
    return this.indexes.get(q);
  }

  addIndex(i: IndexInfo): void {
    this.indexes.add(i);
    let names = this.indexesOfTable.get(i.table.name);
    if (!names) this.indexesOfTable.set(i.table.name, (names = new Set()));
    names.add(i.name.name);
  }

  removeIndex(q: QName): void {
    this.indexes.remove(q);
  }

  type(q: QName | undefined): TypeInfo | undefined {
    return this.types.get(q);
  }

  removeType(q: QName): void {
    this.types.remove(q);
  }

  addType(t: TypeInfo): void {
    this.types.add(t);
  }

  domain(q: QName | undefined): DomainInfo | undefined {
    return this.domains.get(q);
  }

  addDomain(d: DomainInfo): void {
    this.domains.add(d);
  }

  removeDomain(q: QName): void {
    this.domains.remove(q);
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
    for (const r of this.relations.values()) r.createdAt = undefined;
    for (const i of this.indexes.values()) i.createdAt = undefined;
    for (const t of this.types.values()) t.createdAt = undefined;
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
    return this.relations.all();
  }

  allTypes(): TypeInfo[] {
    return this.types.all();
  }

  allIndexes(): IndexInfo[] {
    return this.indexes.all();
  }

  /** Indexes on a table. */
  indexesOn(table: QName): IndexInfo[] {
    const out: IndexInfo[] = [];
    for (const k of this.indexesOfTable.get(table.name) ?? []) for (const i of this.indexes.named(k)) if (sameName(i.table, table)) out.push(i);
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


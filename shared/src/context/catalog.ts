// The schema a statement runs against, as far as pgsafe knows it. Built from the parse trees of
// the statements before it in the file (and, with schema replay, from earlier migrations).
// Objects created in the file being checked (`created`: a `createdAt` stamped in the current
// generation, see `settle`) cannot be in use by other sessions yet, so statements on them are not
// hazards.
import { sameName, type QName } from '../ast/names';
import type { Volatility } from '../ast/volatility';
import { NameTable } from './name-table';
import { copyIndex, copyRelation, copyType, type ColumnInfo, type ConstraintInfo, type DomainInfo, type IndexInfo, type RelationInfo, type TypeInfo } from './schema-model';

export { objectName, type ColumnInfo, type ConstraintInfo, type ConstraintType, type DomainInfo, type IndexInfo, type RelationInfo, type RelationKind, type TypeInfo } from './schema-model';

/**
 * Copy-on-write: `fork` shares every record, list and set with the original, and each catalog
 * copies a shared one the first time it hands it out (`relation`, `index`, `type`, `domain`) or
 * adds to it. A record belongs to the catalog whose current epoch is recorded for it here; `fork`
 * starts a new epoch on both sides, so what was written before is shared from then on. Checkpoints
 * and per-file snapshots then cost a copy of the name maps, not of the whole schema.
 */
const owners = new WeakMap<object, object>();

export class Catalog {
  /** This catalog's ownership epoch (see `owners`). */
  private epoch: object = {};
  /** Whether any record, list or set may be shared with another catalog (false: skip the checks). */
  private shared = false;
  /** Deployed files settled so far: records created in an earlier generation are pre-existing (see `settle`). */
  private generation = 0;

  private relations = new NameTable<RelationInfo>();
  private indexes = new NameTable<IndexInfo>();
  /** Index names by their table's name, so dropping a table touches only its own indexes. */
  private indexesOfTable = new Map<string, Set<string>>();
  private types = new NameTable<TypeInfo>();
  private functions = new Map<string, Volatility>();
  /** Domains by name (kept apart from types: the down check compares types, not domains). */
  private domains = new NameTable<DomainInfo>();
  /**
   * Names of relations that may depend on a table (views reading it, tables with an FK to it), by
   * its name: a superset, each checked against the relation's reads and constraints when asked.
   */
  private dependents = new Map<string, Set<string>>();
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
    // Deep copies of every record, parse trees included (`fork` shares them instead).
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
    copy.generation = this.generation;
    return copy;
  }

  /**
   * A copy for walker checkpoints and per-file snapshots: it shares everything with this catalog
   * and each side copies a record before changing it (see `owners`). Parse trees, names and type
   * references inside records are shared for good: the replay replaces them, never changes them.
   */
  fork(): Catalog {
    const copy = new Catalog();
    copy.relations = this.relations.fork();
    copy.indexes = this.indexes.fork();
    copy.indexesOfTable = new Map(this.indexesOfTable);
    copy.types = this.types.fork();
    copy.functions = new Map(this.functions);
    copy.dependents = new Map(this.dependents);
    copy.domains = this.domains.fork();
    copy.partitionParents = new Set(this.partitionParents);
    for (const sc of this.schemas) copy.schemas.add(sc);
    copy.generation = this.generation;
    copy.shared = this.shared = true;
    this.epoch = {};
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
    this.epoch = from.epoch;
    this.shared = from.shared;
    this.generation = from.generation;
    this.schemas.clear();
    for (const sc of from.schemas) this.schemas.add(sc);
  }

  /** `x` as this catalog's own: itself, or (when shared) a copy put in its place. */
  private own<T extends { name: QName }>(x: T | undefined, table: NameTable<T>, copy: (x: T) => T): T | undefined {
    if (!x || !this.shared || owners.get(x) === this.epoch) return x;
    const c = copy(x);
    owners.set(c, this.epoch);
    table.replace(x, c);
    return c;
  }

  /** Record `x` as written by this catalog (it can change it without a copy). */
  private mine(x: object): void {
    if (this.shared) owners.set(x, this.epoch);
  }

  /** Add `value` to the set under `key`, copying the set first when it is shared. */
  private addToSet(map: Map<string, Set<string>>, key: string, value: string): void {
    let set = map.get(key);
    if (set?.has(value)) return;
    if (!set || (this.shared && owners.get(set) !== this.epoch)) {
      map.set(key, (set = new Set(set)));
      this.mine(set);
    }
    set.add(value);
  }

  private link(on: QName, r: RelationInfo): void {
    this.addToSet(this.dependents, on.name, r.name.name);
  }

  /** Record a constraint added to a relation (one `relation` returned; keeps the dependents index current). */
  noteConstraint(r: RelationInfo, c: ConstraintInfo): void {
    r.constraints.set(c.name, c);
    if (c.type === 'foreign' && c.references) this.link(c.references, r);
  }

  /** The relation of that name, this catalog's own to change. */
  relation(q: QName | undefined): RelationInfo | undefined {
    return this.own(this.relations.get(q), this.relations, copyRelation);
  }

  addRelation(r: RelationInfo): void {
    this.removeRelation(r.name);
    this.relations.add(r);
    this.mine(r);
    this.stamp(r);
    for (const read of r.reads ?? []) this.link(read.relation, r);
    for (const c of r.constraints.values()) if (c.type === 'foreign' && c.references) this.link(c.references, r);
    if (r.partitionOf) this.partitionParents.add(r.partitionOf.name);
  }

  /** Make `part` (one `relation` returned) a partition of `parent` (ATTACH), or of nothing (DETACH). */
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
    c.generation = this.generation;
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
    const ofType = (c: ColumnInfo) => !!c.type && c.type.name === from.name && (!from.schema || !c.type.schema || c.type.schema === from.schema);
    for (const r of this.allRelations().filter((x) => [...x.columns.values()].some(ofType))) {
      for (const c of this.relation(r.name)!.columns.values()) if (ofType(c)) c.type = { ...c.type!, name: to };
    }
  }

  index(q: QName | undefined): IndexInfo | undefined {
    return this.own(this.indexes.get(q), this.indexes, copyIndex);
  }

  addIndex(i: IndexInfo): void {
    this.indexes.add(i);
    this.mine(i);
    this.stamp(i);
    this.addToSet(this.indexesOfTable, i.table.name, i.name.name);
  }

  removeIndex(q: QName): void {
    this.indexes.remove(q);
  }

  type(q: QName | undefined): TypeInfo | undefined {
    return this.own(this.types.get(q), this.types, copyType);
  }

  removeType(q: QName): void {
    this.types.remove(q);
  }

  addType(t: TypeInfo): void {
    this.types.add(t);
    this.mine(t);
    this.stamp(t);
  }

  domain(q: QName | undefined): DomainInfo | undefined {
    return this.own(this.domains.get(q), this.domains, (d) => ({ ...d }));
  }

  addDomain(d: DomainInfo): void {
    this.domains.add(d);
    this.mine(d);
  }

  removeDomain(q: QName): void {
    this.domains.remove(q);
  }

  /** The partitions of a partitioned table (direct ones; read-only: `relation` gives one to change). */
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
    // One counter, not a pass over the records: what was created before it is pre-existing now.
    if (deployed) this.generation++;
  }

  /** Whether a record of this catalog was created since the last deployed file (is "new"). */
  created(x: { createdAt?: number; createdGen?: number } | undefined): boolean {
    return !!x && x.createdAt !== undefined && x.createdGen === this.generation;
  }

  /** Stamp a record added with `createdAt` with the generation it was created in (once: renames keep it). */
  private stamp(x: { createdAt?: number; createdGen?: number }): void {
    if (x.createdAt !== undefined && x.createdGen === undefined) x.createdGen = this.generation;
  }

  /** Created earlier in the file being checked (so invisible to, or unused by, other sessions). */
  isNew(q: QName | undefined): boolean {
    const r = this.relations.get(q);
    if (r) return this.created(r);
    return this.created(this.indexes.get(q));
  }

  /** Every relation the catalog knows (read-only: `relation` gives one to change). */
  allRelations(): RelationInfo[] {
    return this.relations.all();
  }

  allTypes(): TypeInfo[] {
    return this.types.all();
  }

  allIndexes(): IndexInfo[] {
    return this.indexes.all();
  }

  /** Indexes on a table (read-only: `index` gives one to change). */
  indexesOn(table: QName): IndexInfo[] {
    const out: IndexInfo[] = [];
    for (const k of this.indexesOfTable.get(table.name) ?? []) for (const i of this.indexes.named(k)) if (sameName(i.table, table)) out.push(i);
    return out;
  }

  /** Everything that depends on a table (or one of its columns): views reading it, its indexes and
   *  constraints, and foreign keys of other tables that reference it. */
  dependentsOf(table: QName, column?: string): { kind: 'view' | 'materialized view' | 'index' | 'constraint' | 'foreign key'; name: string; on?: QName }[] {
    const out: ReturnType<Catalog['dependentsOf']> = [];
    const rel = this.relations.get(table);
    for (const key of this.dependents.get(table.name) ?? []) {
      // Every relation of that name now (a dependent may have been dropped or replaced since).
      for (const r of this.relations.named(key)) {
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
    return this.relations.get(table)?.constraints.get(name);
  }
}


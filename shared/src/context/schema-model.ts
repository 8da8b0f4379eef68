// The records the schema model keeps (relations, columns, constraints, indexes, types, domains),
// and how fork-style copies of them are made.
import type { QName } from '../ast/names';
import type { TypeRef } from '../ast/types';
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
  /** Statement index in the file that created it; undefined for pre-existing objects. */
  createdAt?: number;
  /** The catalog's generation when it was created (Catalog.created: new only in that one). */
  createdGen?: number;
}

export interface IndexInfo {
  name: QName;
  table: QName;
  unique: boolean;
  /** Key columns in order; expressions as `(expression)`. */
  columns?: string[];
  partial?: boolean;
  createdAt?: number;
  createdGen?: number;
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
  createdGen?: number;
}

/**
 * Copies of the model's records for `fork` and `subset`: what the replay changes in place (column
 * and constraint maps and records, column lists, triggers, enum values) is copied; parse trees,
 * names and type references are shared, since the replay only ever replaces them.
 */
export function copyRelation(r: RelationInfo): RelationInfo {
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

export function copyIndex(i: IndexInfo): IndexInfo {
  return i.columns ? { ...i, columns: i.columns.slice() } : { ...i };
}

export function copyType(t: TypeInfo): TypeInfo {
  return t.enumValues ? { ...t, enumValues: t.enumValues.slice() } : { ...t };
}

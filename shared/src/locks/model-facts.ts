// What the lock catalogue needs to know about the schema model (context/catalog.ts): owned
// sequences, partitions, triggers, NOT NULL proofs. Kept apart from the catalogue's table of
// statements so each stays small.
import type { QName } from '../ast/names';
import { SERIAL_TYPES } from '../ast/types';
import { objectName, type Catalog } from '../context/catalog';

/**
 * The sequences a table's serial and identity columns own (all, or `column`'s): the name
 * PostgreSQL gave them when the column was created (`<table>_<column>_seq`, shortened to 63
 * bytes), which a later rename of the table or column does not change.
 */
export function ownedSequences(catalog: Catalog, table: QName | undefined, column?: string): QName[] {
  const rel = catalog.relation(table);
  if (!rel || rel.kind !== 'table' && rel.kind !== 'partitioned') return [];
  const out: QName[] = [];
  for (const c of rel.columns.values()) {
    if (column !== undefined && c.name !== column) continue;
    if (c.ownedSequence || c.identity || (c.type && SERIAL_TYPES.has(c.type.name))) out.push({ schema: rel.name.schema, name: c.ownedSequence ?? objectName(rel.name.name, c.name, 'seq') });
  }
  return out;
}

/** PRIMARY KEY USING INDEX on a column the model knows is nullable: the implicit SET NOT NULL scans. */
export function primaryKeyNeedsNotNullScan(catalog: Catalog, table: QName, index: string): boolean {
  const cols = catalog.index({ schema: table.schema, name: index })?.columns;
  const rel = catalog.relation(table);
  return !!cols && !!rel && cols.some((c) => rel.columns.get(c)?.notNull === false);
}

/** Every partition below a partitioned table, sub-partitions included. */
export function allPartitions(catalog: Catalog, table: QName, depth = 0): QName[] {
  if (depth > 8) return [];
  return catalog.partitionsOf(table).flatMap((p) => [p.name, ...allPartitions(catalog, p.name, depth + 1)]);
}

/** The model knows the table fully and it has no trigger of that name. */
export function knownWithoutTrigger(catalog: Catalog, table: QName | undefined, trigger: string | undefined): boolean {
  const rel = catalog.relation(table);
  return !!rel && !!trigger && !rel.partial && !rel.uncertain && !rel.triggers?.has(trigger);
}

export function hasValidatedNotNullCheck(catalog: Catalog, table: QName, column: string): boolean {
  for (const c of catalog.relation(table)?.constraints.values() ?? []) {
    if (c.validated && c.notNullColumn === column && (c.type === 'check' || c.type === 'notnull')) return true;
  }
  return false;
}

// The schema as a set of comparable facts (relations, columns with type / nullability / default,
// constraints with their validated flag, indexes, types), for "does this down undo its up?"
// checks. Relations the replay is unsure of in either snapshot are left out of the comparison:
// pgsafe claims nothing about them.
import type { QName } from '../ast/names';
import type { Catalog } from './catalog';

const key = (q: QName) => `${q.schema ?? 'public'}.${q.name}`;

export interface SchemaFacts {
  /** Fact → the relation it is about ('' for types). */
  facts: Map<string, string>;
  /** Relations the replay is unsure of (uncertain or only partly known). */
  unsure: Set<string>;
}

export function schemaFacts(catalog: Catalog): SchemaFacts {
  const facts = new Map<string, string>();
  const unsure = new Set(catalog.allRelations().filter((r) => r.uncertain || r.partial).map((r) => key(r.name)));
  for (const r of catalog.allRelations()) {
    const t = key(r.name);
    facts.set(`${r.kind} ${t}`, t);
    for (const c of r.columns.values()) {
      const type = c.type ? `${c.type.name}${c.type.mods?.length ? `(${c.type.mods.join(',')})` : ''}${c.type.array ? '[]' : ''}` : '?';
      facts.set(`column ${t}.${c.name} ${type}${c.notNull ? ' NOT NULL' : ''}${c.hasDefault ? ' DEFAULT' : ''}`, t);
    }
    for (const k of r.constraints.values()) facts.set(`constraint ${k.name} on ${t} (${k.type}${k.validated ? '' : ', not valid'})`, t);
  }
  for (const i of catalog.allIndexes()) facts.set(`index ${key(i.name)} on ${key(i.table)}`, key(i.table));
  // Enum values are left out: PostgreSQL cannot remove one, so no down can undo ADD VALUE.
  for (const ty of catalog.allTypes()) facts.set(`type ${key(ty.name)}`, '');
  return { facts, unsure };
}

/** What `after` has that `before` lacks, and the reverse, as short sentences. */
export function factsDiff(before: SchemaFacts, after: SchemaFacts): string[] {
  const skip = (rel: string | undefined) => !!rel && (before.unsure.has(rel) || after.unsure.has(rel));
  const out: string[] = [];
  for (const [f, rel] of after.facts) if (!before.facts.has(f) && !skip(rel)) out.push(`${f} remains`);
  for (const [f, rel] of before.facts) if (!after.facts.has(f) && !skip(rel)) out.push(`${f} is not restored`);
  return out;
}

// The schema as a set of comparable facts (relations, columns with type / nullability / default,
// constraints with their validated flag, indexes), for "does this down undo its up?" checks.
// Relations the replay is unsure of are left out: pgsafe claims nothing about them.
import type { QName } from '../ast/names';
import type { Catalog } from './catalog';

const key = (q: QName) => `${q.schema ?? 'public'}.${q.name}`;

export function schemaFacts(catalog: Catalog): Set<string> {
  const facts = new Set<string>();
  const unsure = new Set(catalog.allRelations().filter((r) => r.uncertain || r.partial).map((r) => key(r.name)));
  for (const r of catalog.allRelations()) {
    const t = key(r.name);
    if (unsure.has(t)) continue;
    facts.add(`${r.kind} ${t}`);
    for (const c of r.columns.values()) {
      const type = c.type ? `${c.type.name}${c.type.mods?.length ? `(${c.type.mods.join(',')})` : ''}${c.type.array ? '[]' : ''}` : '?';
      facts.add(`column ${t}.${c.name} ${type}${c.notNull ? ' NOT NULL' : ''}${c.hasDefault ? ' DEFAULT' : ''}`);
    }
    for (const k of r.constraints.values()) facts.add(`constraint ${k.name} on ${t} (${k.type}${k.validated ? '' : ', not valid'})`);
  }
  for (const i of catalog.allIndexes()) if (!unsure.has(key(i.table))) facts.add(`index ${key(i.name)} on ${key(i.table)}`);
  // Enum values are left out: PostgreSQL cannot remove one, so no down can undo ADD VALUE.
  for (const ty of catalog.allTypes()) facts.add(`type ${key(ty.name)}`);
  return facts;
}

/** What `after` has that `before` lacks, and the reverse, as short sentences. */
export function factsDiff(before: Set<string>, after: Set<string>): string[] {
  const out: string[] = [];
  for (const f of after) if (!before.has(f)) out.push(`${f} remains`);
  for (const f of before) if (!after.has(f)) out.push(`${f} is not restored`);
  return out;
}

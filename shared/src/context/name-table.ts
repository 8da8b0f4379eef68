// The catalog's keyed lists: records found by unqualified name, each name holding the records of
// every schema that has one (`public.users` and `audit.users` share the key "users"). Lookups
// match names the way unqualified SQL does (sameName: a missing schema matches any).
import { sameName, type QName } from '../ast/names';

// Lists are never changed in place (see `fork`).
export class NameTable<T extends { name: QName }> {
  constructor(private byName = new Map<string, T[]>()) {}

  get(q: QName | undefined): T | undefined {
    if (!q) return undefined;
    return this.byName.get(q.name)?.find((x) => sameName(x.name, q));
  }

  /** Add `x`, replacing the records of the same name. */
  add(x: T): void {
    const list = (this.byName.get(x.name.name) ?? []).filter((y) => !sameName(y.name, x.name));
    list.push(x);
    this.byName.set(x.name.name, list);
  }

  /** Remove every record of that name (a name once used keeps its place in the iteration order). */
  remove(q: QName): void {
    const list = this.byName.get(q.name);
    if (list) this.byName.set(q.name, list.filter((x) => !sameName(x.name, q)));
  }

  /** Remove and return the first record of that name. */
  take(q: QName): T | undefined {
    const list = this.byName.get(q.name);
    const i = list ? list.findIndex((x) => sameName(x.name, q)) : -1;
    if (i === -1) return undefined;
    // A new list, never a splice: forks share the lists (see `fork`).
    this.byName.set(q.name, [...list!.slice(0, i), ...list!.slice(i + 1)]);
    return list![i];
  }

  /** Put `copy` where `x` is (copy-on-write of one record). */
  replace(x: T, copy: T): void {
    const list = this.byName.get(x.name.name);
    if (list) this.byName.set(x.name.name, list.map((y) => (y === x ? copy : y)));
  }

  /** Keep only the records under `key` that pass `keep`; the key goes when none is left. */
  prune(key: string, keep: (x: T) => boolean): void {
    const kept = (this.byName.get(key) ?? []).filter(keep);
    if (kept.length) this.byName.set(key, kept);
    else this.byName.delete(key);
  }

  /** Keep only the records under `key` that pass `keep` (the key keeps its place). */
  keepNamed(key: string, keep: (x: T) => boolean): void {
    const list = this.byName.get(key);
    if (list) this.byName.set(key, list.filter(keep));
  }

  /** Keep only the records that pass `keep` (every key keeps its place). */
  retain(keep: (x: T) => boolean): void {
    for (const [k, list] of this.byName) this.byName.set(k, list.filter(keep));
  }

  /** The records under one key (every schema's record of that name). */
  named(key: string): readonly T[] {
    return this.byName.get(key) ?? [];
  }

  /** Lists by key, in the order the keys were first used. */
  entries(): IterableIterator<[string, T[]]> {
    return this.byName.entries();
  }

  *values(): IterableIterator<T> {
    for (const list of this.byName.values()) yield* list;
  }

  all(): T[] {
    return [...this.byName.values()].flat();
  }

  /**
   * A table sharing this one's records and lists: every change above makes a new list, never
   * changes one in place, so the two tables never see each other's changes (the records themselves
   * are the catalog's business: it copies one before changing it).
   */
  fork(): NameTable<T> {
    return new NameTable(new Map(this.byName));
  }

  /** The underlying map (for structuredClone, which copies plain data only). */
  toMap(): Map<string, T[]> {
    return this.byName;
  }
}

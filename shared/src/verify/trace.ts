// Observe what one statement does to the relations that existed before its migration, the way
// eugene's trace does (lock-facts-and-safety-tools.md §1.2, §6.3): inside the statement's
// transaction, read pg_class (by OID), pg_locks (own pid) and pg_stat_xact_user_tables before and
// after it. Locks join the pre-statement snapshot, so a dropped relation keeps its name; a changed
// relfilenode is a rewrite, and so is an index dropped and re-created under the same name (ALTER
// COLUMN TYPE re-creates indexes with new OIDs); seq_scan deltas are full scans.
import { blocksTraffic, describeBlocked, describeBlockedSequence, type LockMode } from '../locks/modes';

export interface SqlDb {
  exec(sql: string): Promise<unknown>;
  query<T = any>(sql: string): Promise<{ rows: T[] }>;
}

export interface RelationRow {
  oid: string;
  schema: string;
  name: string;
  /** pg_class.relkind: r table, p partitioned, i index, I partitioned index, S sequence, v view, m matview, … */
  kind: string;
  filenode: string;
}

/** pg_class of the user schemas, by OID. */
export type RelationSnapshot = Map<string, RelationRow>;

interface State {
  relations: RelationSnapshot;
  /** relid → seq_scan in this transaction. */
  scans: Map<string, number>;
  /** `oid mode` pairs this backend holds. */
  locks: Set<string>;
}

export interface ObservedLock {
  relation: string;
  kind: string;
  mode: LockMode;
  /** What the mode blocks (modes.ts). */
  blocks: string;
  /** SHARE or stronger: stops application reads or writes. */
  blocksTraffic: boolean;
}

export interface Observation {
  locks: ObservedLock[];
  /**
   * Relations rewritten: new relfilenode, or an index dropped and re-created under the same name.
   * The verify report marks a new relfilenode the catalogue explains as a new, empty file
   * (TRUNCATE, ALTER SEQUENCE) as `new empty file`: no row was copied.
   */
  rewrites: { relation: string; kind: string; how: 'new relfilenode' | 're-created' | 'new empty file' }[];
  /** Full scans (seq_scan delta) of pre-existing tables. */
  scans: { relation: string; count: number }[];
  created: { relation: string; kind: string }[];
  dropped: { relation: string; kind: string }[];
  durationMs: number;
}

const USER = `n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'`;

/** One round trip: relations, this transaction's scan counters and this backend's relation locks. */
const STATE = `select json_build_object(
  'r', (select coalesce(json_agg(json_build_array(c.oid::text, n.nspname, c.relname, c.relkind::text, c.relfilenode::text)), '[]'::json)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${USER}),
  's', (select coalesce(json_agg(json_build_array(s.relid::text, s.seq_scan)), '[]'::json) from pg_stat_xact_user_tables s),
  'l', (select coalesce(json_agg(json_build_array(l.relation::text, l.mode)), '[]'::json) from pg_locks l
        where l.locktype = 'relation' and l.pid = pg_backend_pid() and l.granted)
)::text as j`;

const MODES: Record<string, LockMode> = {
  AccessShareLock: 'ACCESS SHARE', RowShareLock: 'ROW SHARE', RowExclusiveLock: 'ROW EXCLUSIVE',
  ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE', ShareLock: 'SHARE', ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE',
  ExclusiveLock: 'EXCLUSIVE', AccessExclusiveLock: 'ACCESS EXCLUSIVE',
};

async function readState(db: SqlDb): Promise<State> {
  const [row] = (await db.query<{ j: string }>(STATE)).rows;
  const j = JSON.parse(row.j) as { r: [string, string, string, string, string][]; s: [string, number][]; l: [string, string][] };
  return {
    relations: new Map(j.r.map(([oid, schema, name, kind, filenode]) => [oid, { oid, schema, name, kind, filenode }])),
    scans: new Map(j.s.map(([oid, n]) => [oid, Number(n)])),
    locks: new Set(j.l.map(([oid, mode]) => `${oid} ${mode}`)),
  };
}

/** pg_class of the user schemas (the relations that exist before a migration). */
export async function snapshotRelations(db: SqlDb): Promise<RelationSnapshot> {
  return (await readState(db)).relations;
}

const qualified = (r: RelationRow) => `${r.schema}.${r.name}`;
/** What a mode blocks on a relation of this relkind (sequences: nextval()). */
export const blockedOn = (kind: string, mode: LockMode) => (kind === 'S' ? describeBlockedSequence(mode) : describeBlocked(mode));

/**
 * Run `sql` (one statement) inside the current transaction and report what it did to the
 * relations of `existing` (those that existed before the migration). The caller opened the
 * transaction: pg_stat_xact_user_tables and pg_locks only show the transaction's own work.
 */
export async function traceStatement(db: SqlDb, sql: string, existing: RelationSnapshot): Promise<Observation> {
  const before = await readState(db);
  const t0 = performance.now();
  await db.exec(sql);
  const durationMs = performance.now() - t0;
  const after = await readState(db);
  return observe(before, after, existing, durationMs);
}

export function observe(before: State, after: State, existing: RelationSnapshot, durationMs: number): Observation {
  const out: Observation = { locks: [], rewrites: [], scans: [], created: [], dropped: [], durationMs };
  const byName = (s: RelationSnapshot) => new Map([...s.values()].map((r) => [`${r.kind} ${qualified(r)}`, r]));
  const afterByName = byName(after.relations);
  const beforeByName = byName(before.relations);
  for (const pair of after.locks) {
    if (before.locks.has(pair)) continue;
    const [oid, m] = pair.split(' ');
    const rel = existing.has(oid) ? before.relations.get(oid) ?? existing.get(oid) : undefined;
    const mode = MODES[m];
    if (!rel || !mode) continue;
    out.locks.push({ relation: qualified(rel), kind: rel.kind, mode, blocks: blockedOn(rel.kind, mode), blocksTraffic: blocksTraffic(mode) });
  }
  for (const [oid, rel] of before.relations) {
    const now = after.relations.get(oid);
    if (now) {
      if (existing.has(oid) && now.filenode !== rel.filenode && now.filenode !== '0') out.rewrites.push({ relation: qualified(rel), kind: rel.kind, how: 'new relfilenode' });
      continue;
    }
    const again = afterByName.get(`${rel.kind} ${qualified(rel)}`);
    if (again && !before.relations.has(again.oid)) {
      // Re-created under a new OID (ALTER COLUMN TYPE re-creates the column's indexes); when the
      // new index reuses the old one's storage (same sort order), nothing was rebuilt.
      if (existing.has(oid) && again.filenode !== rel.filenode) out.rewrites.push({ relation: qualified(rel), kind: rel.kind, how: 're-created' });
    } else out.dropped.push({ relation: qualified(rel), kind: rel.kind });
  }
  for (const [oid, rel] of after.relations) {
    if (before.relations.has(oid)) continue;
    const was = beforeByName.get(`${rel.kind} ${qualified(rel)}`);
    if (was && !after.relations.has(was.oid)) continue; // re-created: counted as a rewrite
    out.created.push({ relation: qualified(rel), kind: rel.kind });
  }
  for (const [oid, n] of after.scans) {
    const d = n - (before.scans.get(oid) ?? 0);
    const rel = existing.get(oid);
    if (d > 0 && rel) out.scans.push({ relation: qualified(rel), count: d });
  }
  const order = (a: { relation: string }, b: { relation: string }) => a.relation.localeCompare(b.relation);
  out.locks.sort((a, b) => order(a, b) || a.mode.localeCompare(b.mode));
  out.rewrites.sort(order);
  out.scans.sort(order);
  out.created.sort(order);
  out.dropped.sort(order);
  return out;
}

/** Locks the statement could not be observed taking because its transaction already held them. */
export async function heldLocks(db: SqlDb, existing: RelationSnapshot): Promise<ObservedLock[]> {
  const s = await readState(db);
  const out: ObservedLock[] = [];
  for (const pair of s.locks) {
    const [oid, m] = pair.split(' ');
    const rel = existing.get(oid);
    const mode = MODES[m];
    if (rel && mode) out.push({ relation: qualified(rel), kind: rel.kind, mode, blocks: blockedOn(rel.kind, mode), blocksTraffic: blocksTraffic(mode) });
  }
  return out;
}

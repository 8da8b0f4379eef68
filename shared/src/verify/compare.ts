// Static lock catalogue (locks/catalogue.ts) against what the database did (trace.ts). A
// disagreement is a bug in one of them: the report says so, statement by statement.
import type { LockEffect } from '../locks/catalogue';
import { lockRank, strongerLock, type LockMode } from '../locks/modes';
import type { ObservedLock, Observation } from './trace';

export interface Disagreement {
  relation: string;
  aspect: 'lock' | 'rewrite' | 'scan';
  /** What the catalogue says: a mode, "rewrite", "scan", or "nothing". */
  catalogue: string;
  /** What the database did. */
  database: string;
}

const TABLE_KINDS = new Set(['r', 'p', 'm', 'v', 'f', 'S']);

interface Expected {
  relation: string;
  mode: LockMode;
  rewrite: boolean;
  rewriteUnknown: boolean;
  /** A new, empty file without a rewrite (TRUNCATE): the database shows a new relfilenode too. */
  newStorage: boolean;
  scan: boolean;
  scanDependsOnPlan: boolean;
  role: LockEffect['role'];
}

/**
 * Compare one statement's catalogue effects with its observation. `existing` maps every
 * relation that existed before the migration, `schema.name`, to its relkind; catalogue names
 * without a schema are looked up with `searchPath`. `held` are the locks the transaction held
 * before the statement (a lock already held is not taken again, so it cannot be observed).
 */
export function compareWithCatalogue(
  effects: readonly LockEffect[], obs: Observation, existing: ReadonlyMap<string, string>,
  opts: { held?: readonly ObservedLock[]; searchPath?: readonly string[]; empty?: ReadonlySet<string>; conditional?: boolean } = {},
): Disagreement[] {
  const path = opts.searchPath ?? ['public'];
  const resolve = (e: LockEffect): string | undefined => {
    if (e.relation.schema) {
      const q = `${e.relation.schema}.${e.relation.name}`;
      return existing.has(q) ? q : undefined;
    }
    for (const s of path) if (existing.has(`${s}.${e.relation.name}`)) return `${s}.${e.relation.name}`;
    return undefined;
  };
  const expected = new Map<string, Expected>();
  for (const e of effects) {
    const rel = resolve(e);
    if (!rel) continue; // created in this migration, or not a relation the database had
    const x = expected.get(rel);
    if (!x) expected.set(rel, { relation: rel, mode: e.mode, rewrite: e.rewrite, rewriteUnknown: !!e.rewriteUnknown || !!e.rewriteUnless, newStorage: !!e.newStorage, scan: e.scan, scanDependsOnPlan: !!e.scanDependsOnPlan, role: e.role });
    else {
      x.mode = strongerLock(x.mode, e.mode);
      x.rewrite ||= e.rewrite;
      x.newStorage ||= !!e.newStorage;
      x.rewriteUnknown ||= !!e.rewriteUnknown || !!e.rewriteUnless;
      x.scan ||= e.scan;
      x.scanDependsOnPlan &&= !!e.scanDependsOnPlan;
    }
  }
  // An FK check on an empty referencing table need not read the referenced one.
  const targetEmpty = effects.some((e) => e.role === 'target' && opts.empty?.has(resolve(e) ?? ''));
  const taken = new Map<string, LockMode>();
  for (const l of obs.locks) taken.set(l.relation, taken.has(l.relation) ? strongerLock(taken.get(l.relation)!, l.mode) : l.mode);
  const heldMode = new Map<string, LockMode>();
  for (const l of opts.held ?? []) heldMode.set(l.relation, heldMode.has(l.relation) ? strongerLock(heldMode.get(l.relation)!, l.mode) : l.mode);
  const rewritten = new Set(obs.rewrites.map((r) => r.relation));
  const scanned = new Set(obs.scans.map((s) => s.relation));
  const out: Disagreement[] = [];
  // A DO block's statements may sit in a branch that did not run: the database doing less than
  // the catalogue says is no disagreement there, doing more still is.
  const less = (catalogueRank: number, dbRank: number) => opts.conditional && dbRank < catalogueRank;
  for (const x of expected.values()) {
    const got = taken.get(x.relation);
    if (!got) {
      if (opts.conditional) continue;
      const h = heldMode.get(x.relation);
      if (!h || lockRank(h) < lockRank(x.mode)) out.push({ relation: x.relation, aspect: 'lock', catalogue: x.mode, database: h ? `no new lock (${h} held before)` : 'no lock' });
    } else if (got !== x.mode) {
      // A mode the transaction already holds is not taken again: only weaker extra locks show.
      const h = heldMode.get(x.relation);
      const hidden = h && lockRank(h) >= lockRank(x.mode) && lockRank(got) < lockRank(x.mode);
      if (!hidden && !less(lockRank(x.mode), lockRank(got))) out.push({ relation: x.relation, aspect: 'lock', catalogue: x.mode, database: got });
    }
    const newFile = x.rewrite || x.newStorage;
    if (!x.rewriteUnknown && newFile !== rewritten.has(x.relation) && !less(+newFile, +rewritten.has(x.relation))) out.push({ relation: x.relation, aspect: 'rewrite', catalogue: x.rewrite ? 'rewrite' : x.newStorage ? 'new empty file' : 'no rewrite', database: rewritten.has(x.relation) ? 'rewrite' : 'no rewrite' });
    const kind = existing.get(x.relation);
    // A rewrite reads the whole table; an empty table may be skipped by the plan (not compared).
    const expectScan = x.scan || x.rewrite;
    // Whether an UPDATE / DELETE with a WHERE scans depends on the plan (an index, or not).
    const planned = (x.scanDependsOnPlan && !expectScan) || (x.role === 'referenced' && targetEmpty);
    if (kind === 'r' && !opts.empty?.has(x.relation) && !x.rewriteUnknown && !planned && expectScan !== scanned.has(x.relation) && !less(+expectScan, +scanned.has(x.relation))) out.push({ relation: x.relation, aspect: 'scan', catalogue: expectScan ? 'scan' : 'no scan', database: scanned.has(x.relation) ? 'scan' : 'no scan' });
  }
  // What the database did that the catalogue does not mention: locks that block more than plain
  // traffic-free DDL, rewrites, and scans under such a lock.
  for (const [rel, mode] of taken) {
    if (expected.has(rel) || !TABLE_KINDS.has(existing.get(rel) ?? '')) continue;
    if (lockRank(mode) >= lockRank('SHARE UPDATE EXCLUSIVE')) out.push({ relation: rel, aspect: 'lock', catalogue: 'nothing', database: mode });
    if (rewritten.has(rel)) out.push({ relation: rel, aspect: 'rewrite', catalogue: 'nothing', database: 'rewrite' });
    if (scanned.has(rel) && !rewritten.has(rel) && lockRank(mode) >= lockRank('SHARE')) out.push({ relation: rel, aspect: 'scan', catalogue: 'nothing', database: 'scan' });
  }
  return out;
}

export function describeDisagreement(d: Disagreement): string {
  return `${d.relation}: catalogue says ${d.catalogue}, database ${d.aspect === 'lock' ? 'took' : 'did'} ${d.database}`;
}

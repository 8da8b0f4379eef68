// PostgreSQL table-level lock modes (docs: explicit-locking) and what each blocks.

export type LockMode =
  | 'ACCESS SHARE' | 'ROW SHARE' | 'ROW EXCLUSIVE' | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE' | 'SHARE ROW EXCLUSIVE' | 'EXCLUSIVE' | 'ACCESS EXCLUSIVE';

export const LOCK_ORDER: readonly LockMode[] = [
  'ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE',
  'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE',
];

export function lockRank(m: LockMode): number {
  return LOCK_ORDER.indexOf(m);
}

export function strongerLock(a: LockMode, b: LockMode): LockMode {
  return lockRank(a) >= lockRank(b) ? a : b;
}

/** What application traffic a mode blocks while it is held, or while it waits in the queue. */
export interface Blocked {
  reads: boolean; // plain SELECT
  writes: boolean; // INSERT / UPDATE / DELETE / MERGE
  lockingReads: boolean; // SELECT … FOR UPDATE / SHARE
  ddl: boolean; // other DDL, VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY
}

export function blockedBy(mode: LockMode): Blocked {
  const r = lockRank(mode);
  return {
    reads: mode === 'ACCESS EXCLUSIVE',
    writes: r >= lockRank('SHARE'),
    lockingReads: r >= lockRank('EXCLUSIVE'),
    ddl: r >= lockRank('SHARE UPDATE EXCLUSIVE'),
  };
}

/** True for modes that stop ordinary application queries (reads or writes). */
export function blocksTraffic(mode: LockMode): boolean {
  return lockRank(mode) >= lockRank('SHARE');
}

export function describeBlocked(mode: LockMode): string {
  const b = blockedBy(mode);
  if (b.reads) return 'blocks all reads and writes';
  if (b.lockingReads) return 'blocks writes and SELECT … FOR UPDATE/SHARE (plain reads continue)';
  if (b.writes) return 'blocks INSERT, UPDATE and DELETE (reads continue)';
  if (b.ddl) return 'blocks only other DDL, VACUUM and ANALYZE (reads and writes continue)';
  return 'does not block reads or writes';
}

/**
 * What a mode blocks on a sequence: nextval() takes ROW EXCLUSIVE on it, so SHARE or stronger
 * holds up every INSERT that draws a value from it; only ACCESS EXCLUSIVE blocks reading it.
 */
export function describeBlockedSequence(mode: LockMode): string {
  if (mode === 'ACCESS EXCLUSIVE') return 'blocks nextval() and every read of the sequence, so INSERTs that draw from it wait';
  if (lockRank(mode) >= lockRank('SHARE')) return 'blocks nextval(), so INSERTs that draw from the sequence wait (reads of the sequence continue)';
  return describeBlocked(mode);
}

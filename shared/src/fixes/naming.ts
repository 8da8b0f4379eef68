// Where a fix puts a statement that must leave its migration: a new migration file (or pair) that
// the framework applies after every existing one, named the way the folder already names files.
import { basename, dirname, join } from 'node:path';
import type { MigrationInfo } from '../context/rule-context';

export interface NewMigration {
  /** Path of the new up migration. */
  up: string;
  /** Path of its down migration, for frameworks that keep downs in separate files. */
  down?: string;
  /** First line of an up file that must run without the runner's transaction (sqlx). */
  noTxHeader?: string;
  /** Up and down in one file (goose, dbmate, sql-migrate): the section markers to write. */
  markers?: { up: string; down: string; upNoTransaction: string };
}

const TIMESTAMP = /^\d{12,}$/;

/** The version after every existing one: numbers keep their width; timestamps go up by one. */
function nextVersion(versions: readonly string[]): string | undefined {
  const nums = versions.filter((v) => /^\d+$/.test(v));
  if (!nums.length) return undefined;
  const max = nums.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a));
  const next = (BigInt(max) + 1n).toString();
  return TIMESTAMP.test(max) ? next : next.padStart(max.length, '0');
}

/** Per migration set: its files' names and folder, and the next version per naming pattern. */
interface SetNames {
  names: string[];
  /** The folder as `join` writes it before a file name (`migrations/`; empty for `.`). */
  prefix: string;
  next: Map<RegExp, string | undefined>;
  /** Each file's order by path, and the last order of an up migration (-Infinity: none). */
  orders: Map<string, number>;
  lastUp: number;
  last: number;
}
const setNames = new WeakMap<MigrationInfo, SetNames>();

/**
 * The folder's names, computed once per migration set: a file with thousands of findings asks for
 * the next migration once per fix, and each answer would otherwise walk every file of the set.
 */
function namesOf(m: MigrationInfo): SetNames {
  let n = setNames.get(m);
  if (!n) {
    let lastUp = -Infinity;
    let last = -Infinity;
    const orders = new Map<string, number>();
    for (const f of m.files) {
      orders.set(f.path, f.order);
      if (f.role === 'up' && f.order > lastUp) lastUp = f.order;
      if (f.order > last) last = f.order;
    }
    n = { names: m.files.map((f) => basename(f.path)), prefix: join(m.files.length ? dirname(m.files[0].path) : m.root, 'x').slice(0, -1), next: new Map(), orders, lastUp, last };
    setNames.set(m, n);
  }
  return n;
}

/**
 * The order of `path` in the set when it is the newest up migration there (fixes that add a
 * migration "after this one" need that: later migrations were written for the state it leaves).
 */
export function newestOrder(m: MigrationInfo, path: string): number | undefined {
  const set = namesOf(m);
  const order = set.orders.get(path);
  return order !== undefined && !(set.lastUp > order) ? order : undefined;
}

/** Whether `path` is in the set and an up migration comes after it. */
export function laterUpExists(m: MigrationInfo, path: string): boolean {
  return namesOf(m).orders.has(path) && newestOrder(m, path) === undefined;
}

/** The last order in the set (any role). */
export function lastOrder(m: MigrationInfo): number {
  return namesOf(m).last;
}

/** The set with new up migrations added (names carried over, not recomputed from every file). */
export function withMigrations(m: MigrationInfo, ups: readonly { path: string; order: number }[]): MigrationInfo {
  const out: MigrationInfo = { ...m, files: [...m.files, ...ups.map((u) => ({ path: u.path, order: u.order, role: 'up' as const }))] };
  const set = namesOf(m);
  const orders = new Map(set.orders);
  let { lastUp, last } = set;
  for (const u of ups) {
    orders.set(u.path, u.order);
    lastUp = Math.max(lastUp, u.order);
    last = Math.max(last, u.order);
  }
  setNames.set(out, { names: [...set.names, ...ups.map((u) => basename(u.path))], prefix: set.prefix, next: new Map(), orders, lastUp, last });
  return out;
}

/** `join(folder, name)` for a file name (no separator, not `.` or `..`), without a join per fix. */
function inDir(set: SetNames, name: string): string {
  return set.prefix + name;
}

/** The version after every file name's `pattern` version (its first group). */
function versionAfter(set: SetNames, pattern: RegExp): string | undefined {
  if (!set.next.has(pattern)) set.next.set(pattern, nextVersion(set.names.map((n) => pattern.exec(n)?.[1] ?? '')));
  return set.next.get(pattern);
}

const NUMBER_UNDERSCORE = /^(\d+)_/;
const FLYWAY_MAJOR = /^V(\d+)/;
const PLAIN_NUMBER = /^(\d+)(?:[_-]|\.sql$)/;
const SQL_MIGRATE_NUMBER = /^(\d+)[_-]/;

/** A new migration after all existing ones, for the frameworks whose file names pgsafe can continue. */
export function newMigration(m: MigrationInfo, slug: string): NewMigration | undefined {
  const set = namesOf(m);
  const { names } = set;
  switch (m.framework) {
    case 'golang-migrate':
    case 'sqlx':
    case 'node-pg-migrate': {
      const v = versionAfter(set, NUMBER_UNDERSCORE);
      if (!v) return undefined;
      return { up: inDir(set, `${v}_${slug}.up.sql`), down: inDir(set, `${v}_${slug}.down.sql`), noTxHeader: m.framework === 'sqlx' ? '-- no-transaction\n' : undefined };
    }
    case 'flyway': {
      const v = versionAfter(set, FLYWAY_MAJOR);
      if (!v) return undefined;
      return { up: inDir(set, `V${v}__${slug}.sql`) };
    }
    case 'plain': {
      const v = versionAfter(set, PLAIN_NUMBER);
      if (!v) return undefined;
      // Folders of bare version numbers (000006.sql) get one more; named ones keep a name.
      const bare = names.length > 0 && names.every((n) => /^\d+\.sql$/.test(n));
      return { up: inDir(set, bare ? `${v}.sql` : `${v}_${slug}.sql`) };
    }
    case 'goose': {
      const v = versionAfter(set, NUMBER_UNDERSCORE);
      if (!v) return undefined;
      return { up: inDir(set, `${v}_${slug}.sql`), markers: { up: '-- +goose Up', down: '-- +goose Down', upNoTransaction: '-- +goose NO TRANSACTION\n-- +goose Up' } };
    }
    case 'dbmate': {
      const v = versionAfter(set, NUMBER_UNDERSCORE);
      if (!v) return undefined;
      return { up: inDir(set, `${v}_${slug}.sql`), markers: { up: '-- migrate:up', down: '-- migrate:down', upNoTransaction: '-- migrate:up transaction:false' } };
    }
    case 'sql-migrate': {
      const v = versionAfter(set, SQL_MIGRATE_NUMBER);
      if (!v) return undefined;
      return { up: inDir(set, `${v}_${slug}.sql`), markers: { up: '-- +migrate Up', down: '-- +migrate Down', upNoTransaction: '-- +migrate Up notransaction' } };
    }
    default:
      return undefined;
  }
}

/** The content of a new migration holding `upSql` (run outside a transaction) and `downSql`. */
export function newMigrationFiles(n: NewMigration, upSql: string, downSql: string, header: string, transactional = false): { path: string; content: string }[] {
  if (n.markers) {
    return [{ path: n.up, content: `${transactional ? n.markers.up : n.markers.upNoTransaction}\n${header}${upSql}\n\n${n.markers.down}\n${downSql}\n` }];
  }
  const files = [{ path: n.up, content: `${!transactional && n.noTxHeader ? n.noTxHeader : ''}${header}${upSql}\n` }];
  if (n.down) files.push({ path: n.down, content: `${downSql}\n` });
  return files;
}

/** "orders_status_idx" → "orders_status_idx" as a file-name slug. */
export function slugOf(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'migration';
}

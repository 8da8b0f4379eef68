// `generateDown`: the down migration for one migration file, placed where its framework expects
// it. The CLI (`pgsafe down`) and the language server ("Generate rollback migration") call this.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { PgsafeConfig } from '../config/types';
import { loadSet, setRootOf } from '../project/discover';
import type { ProjectFs } from '../project/fs';
import type { DetectedFramework, MigrationSet } from '../project/types';
import { advance, downForText, emptyState, type RollbackState } from './generate';
import { isLiquibase, placeLiquibase } from './liquibase';
import { placeDown, type Placement } from './placement';
import type { DownItem } from './types';

export interface DownResult {
  /** The migration the down reverts. */
  path: string;
  framework: DetectedFramework;
  /** The generated down SQL (header comments + statements). */
  sql: string;
  /** Where it goes, the target's new text, or a diff when a down part already exists. */
  placement: Placement;
  /** Every up statement and how it is reverted. */
  items: DownItem[];
  /** Statements that are not inverted exactly (recreated without data, irreversible, data changes, unsupported). */
  notReverted: DownItem[];
  /** True when some statement is not inverted exactly. */
  partial: boolean;
  /** The down must run outside a transaction (DROP INDEX CONCURRENTLY). */
  needsNoTransaction: boolean;
}

export class DownError extends Error {}

/** The schema and definitions before `path`: every up migration of its set that runs earlier. */
export function stateBefore(set: MigrationSet, path: string, fs: ProjectFs): RollbackState {
  const state = emptyState();
  const me = set.files.find((f) => f.path === path);
  for (const f of set.files) {
    if (f.path === path || (me && f.order >= me.order)) break;
    if (f.role !== 'up' && f.role !== 'repeatable') continue;
    const text = fs.readText(f.path);
    if (text !== undefined) advance(state, text);
  }
  return state;
}

export function generateDown(path: string, fs: ProjectFs, configFor: (path: string) => PgsafeConfig): DownResult {
  const text = fs.readText(path);
  if (text === undefined) throw new DownError(`cannot read ${path} as UTF-8 SQL text`);
  const configured = configFor(path).framework;
  const root = setRootOf(path, fs);
  const set = loadSet(root, fs, configured !== 'auto' ? configured : undefined);
  const file = set.files.find((f) => f.path === path);
  if (file?.role === 'down') throw new DownError(`${path} is a down migration (it reverts ${file.pair ?? 'an up migration'})`);
  if (file?.role === 'verify') throw new DownError(`${path} is a sqitch verify script`);
  const state = stateBefore(set, path, fs);
  const down = downForText(text, state, basename(path) === 'migration.sql' || basename(path) === 'up.sql' ? `${basename(dirname(path))}/${basename(path)}` : basename(path));
  // Liquibase: a rollback per changeset, inside the changeset.
  const placement = isLiquibase(text) ? placeLiquibase(path, text, state) : placeDown(path, set, set.framework, text, down, fs);
  const notReverted = down.items.filter((i) => i.status !== 'inverted' && i.status !== 'no-op');
  return { path, framework: set.framework, sql: down.sql, placement, items: down.items, notReverted, partial: down.partial, needsNoTransaction: down.needsNoTransaction };
}

/** Write the placement's content (never over an existing down part). Returns the path written. */
export function writeDown(result: DownResult): string {
  const p = result.placement;
  if (p.content === undefined) throw new DownError(`${p.target} already has a down part; not overwritten`);
  mkdirSync(dirname(p.target), { recursive: true });
  writeFileSync(p.target, p.content);
  return p.target;
}

export { downForText, advance, emptyState, upStatements, type RollbackState } from './generate';
export { Ledger } from './ledger';
export { placeDown, type Placement } from './placement';
export { lineDiff } from './diff';
export { changesets, liquibaseRollback, placeLiquibase } from './liquibase';
export type { DownItem, DownSql, DownStatus } from './types';

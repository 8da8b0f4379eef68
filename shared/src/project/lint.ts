// Lint a migration set the way its runner applies it: files in order, one schema catalog replayed
// through all of them, each file with its framework's transaction plan. Findings are kept for the
// files asked about; earlier files only build the schema.
import { basename, relative, sep } from 'node:path';
import { Catalog } from '../context/catalog';
import { lintTextSync, type LintResult } from '../engine';
import type { PgsafeConfig } from '../config/types';
import type { ProjectFs } from './fs';
import { transactionPlan } from './transactions';
import type { MigrationFile, MigrationSet } from './types';

export interface SetLintOptions {
  fs: ProjectFs;
  /** Configuration for a file (nearest pgsafe.config.json). */
  configFor(path: string): PgsafeConfig;
  /** Files to report on; default: all of them. */
  report?: ReadonlySet<string>;
  /** Files changed since a git ref (`--since`): they and later files are not deployed yet. */
  changed?: ReadonlySet<string>;
  /** Replay into this catalog (to inspect the model afterwards); default: a fresh one. */
  catalog?: Catalog;
  /** Stop before this file (the model then matches a database that applied the files before it). */
  stopBefore?: string;
  /** Start at this file (the catalog already holds what the files before it created). */
  startAt?: string;
}

export interface FileLint {
  file: MigrationFile;
  text: string | undefined;
  result?: LintResult;
}

const collator = new Intl.Collator('en', { numeric: true });

/**
 * Has this file been applied to the production database already (so its objects are in use)?
 * `deployedBefore` names the first migration that is not deployed: a file name or version prefix
 * (compared in the runner's order), or a sqitch change name. Without it every earlier file counts
 * as deployed; `--since` marks changed files as not deployed.
 */
export function isDeployed(set: MigrationSet, file: MigrationFile, config: PgsafeConfig, changed?: ReadonlySet<string>): boolean {
  if (changed?.has(file.path)) return false;
  const mark = config.deployedBefore;
  if (mark === undefined) return true;
  const rel = (f: MigrationFile) => relative(set.root, f.path).split(sep).join('/');
  const first = set.files.find((f) => f.role === 'up' && (set.framework === 'sqitch' ? basename(f.path, '.sql') === mark : collator.compare(rel(f), mark) >= 0));
  return first === undefined || file.order < first.order;
}

export function lintSet(set: MigrationSet, opts: SetLintOptions): FileLint[] {
  const catalog = opts.catalog ?? new Catalog();
  const out: FileLint[] = [];
  const start = opts.startAt ? Math.max(0, set.files.findIndex((f) => f.path === opts.startAt)) : 0;
  for (const file of set.files.slice(start)) {
    if (file.path === opts.stopBefore) break;
    if (file.role === 'ignored') continue;
    const wanted = !opts.report || opts.report.has(file.path);
    // Down, verify and ignored files do not change the schema the next migration sees.
    if (file.role !== 'up' && file.role !== 'repeatable' && !wanted) continue;
    const text = opts.fs.readText(file.path);
    if (text === undefined) {
      out.push({ file, text });
      continue;
    }
    const config = opts.configFor(file.path);
    const framework = config.framework !== 'auto' ? config.framework : set.framework;
    const result = lintTextSync(text, {
      path: file.path,
      config,
      catalog,
      framework,
      plan: transactionPlan(framework, file.path, text, opts.fs),
      direction: file.role === 'down' ? 'down' : file.role === 'verify' ? 'verify' : 'up',
    });
    if (file.role === 'up' || file.role === 'repeatable') catalog.settle(isDeployed(set, file, config, opts.changed));
    if (wanted) out.push({ file, text, result });
  }
  return out;
}

/**
 * A migration set kept linted as its files change (the language server's case): the catalog as it
 * was before each up migration is kept, so a change to one file re-lints that file and the ones
 * after it, never the ones before.
 */
export class IncrementalSet {
  private snapshots = new Map<string, Catalog>();
  private results = new Map<string, FileLint>();

  constructor(private readonly set: MigrationSet, private readonly opts: Omit<SetLintOptions, 'catalog' | 'stopBefore' | 'report'>) {}

  /** Lint every file; returns all results. */
  run(): FileLint[] {
    return this.relintFrom(0);
  }

  /** A file's text changed (read again through the options' fs): re-lint it and every file after it. */
  changed(path: string): FileLint[] {
    const i = this.set.files.findIndex((f) => f.path === path);
    if (i === -1) return [];
    return this.relintFrom(i);
  }

  result(path: string): FileLint | undefined {
    return this.results.get(path);
  }

  private relintFrom(index: number): FileLint[] {
    const files = this.set.files;
    const snapshot = index === 0 ? undefined : this.snapshots.get(files[index].path);
    if (index > 0 && !snapshot) return this.relintFrom(0); // not replayed yet: start over
    const catalog = snapshot ? snapshot.clone() : new Catalog();
    const out: FileLint[] = [];
    // Snapshot the catalog before each up file, then replay that one file.
    for (let i = index; i < files.length; i++) {
      const file = files[i];
      if (file.role === 'up' || file.role === 'repeatable') this.snapshots.set(file.path, catalog.clone());
      for (const r of lintSet(this.set, { ...this.opts, catalog, startAt: file.path, stopBefore: files[i + 1]?.path })) {
        this.results.set(r.file.path, r);
        out.push(r);
      }
    }
    return out;
  }
}

// Lint a migration set the way its runner applies it: files in order, one schema catalog replayed
// through all of them, each file with its framework's transaction plan. Findings are kept for the
// files asked about; earlier files only build the schema.
import { basename, relative, sep } from 'node:path';
import { Catalog } from '../context/catalog';
import { lintTextSync, type LintResult, type StatementInfo } from '../engine';
import type { LintMemo } from '../lint-memo';
import type { PgsafeConfig } from '../config/types';
import { splitStatements, type ParseCache } from '../parse/split';
import { checkDown, downMessage, probeBefore } from '../context/down-check';
import { ENGINE_DIAGNOSTICS } from '../diagnostics';
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
  /** Record per-statement lock information (hover, lock report). */
  collectStatementInfo?: boolean;
  /** Compute fixes (default true). */
  withFixes?: boolean;
  /** Parse caches of open documents (language server). */
  parseCacheFor?(path: string): ParseCache | undefined;
  /** Incremental lint state of open documents (language server; used when fixes are not computed). */
  memoFor?(path: string): LintMemo<StatementInfo> | undefined;
  /** Identifies the schema `catalog` starts with (see LintOptions.catalogToken). */
  catalogToken?: unknown;
  /** Only the findings and fixes of the statements at these offsets (see LintOptions.fixRange; with `report` of one file). */
  fixRange?: { from: number; to: number };
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
    // A down file of its own (golang-migrate, Diesel, …): checked against the up on the schema model.
    const downText = wanted && !opts.fixRange && file.role === 'up' && file.pair && (config.rules['down-does-not-revert'] ?? 'warn') !== 'off' ? opts.fs.readText(file.pair) : undefined;
    const downStatements = downText !== undefined ? splitStatements(downText, 'down').statements : [];
    const factsBefore = downText !== undefined && text !== undefined ? probeBefore(catalog, splitStatements(text, 'up').statements, downStatements) : undefined;
    const result = lintTextSync(text, {
      path: file.path,
      config,
      catalog,
      framework,
      plan: transactionPlan(framework, file.path, text, opts.fs),
      direction: file.role === 'down' ? 'down' : file.role === 'verify' ? 'verify' : 'up',
      collectStatementInfo: opts.collectStatementInfo,
      parseCache: opts.parseCacheFor?.(file.path),
      memo: opts.memoFor?.(file.path),
      catalogToken: opts.catalogToken,
      migration: { root: set.root, framework, files: set.files },
      withFixes: opts.withFixes,
      fixRange: wanted ? opts.fixRange : undefined,
    });
    if (factsBefore && downText !== undefined && file.pair) {
      const check = checkDown(factsBefore, catalog, downStatements);
      if (check?.differences.length && !/pgsafe-ignore-file(\s*$|\s+[^\n]*down-does-not-revert)/m.test(text)) {
        const meta = ENGINE_DIAGNOSTICS.downDoesNotRevert;
        result.findings.push({
          rule: meta.id, severity: config.rules[meta.id] === 'error' ? 'error' : 'warning', ...downMessage(check.differences, `Its down file ${basename(file.pair)}`),
          start: 0, end: 0, docs: meta.docs, related: [], fixes: [],
        });
      }
    }
    if (file.role === 'up' || file.role === 'repeatable') catalog.settle(isDeployed(set, file, config, opts.changed));
    if (wanted) out.push({ file, text, result });
  }
  return out;
}

/**
 * A migration set kept linted as its files change (the language server's case). The catalog as it
 * was before each up migration is kept; a change to one file invalidates that file and the ones
 * after it, and results are computed lazily: asking for a file replays only the files between the
 * last valid snapshot and it, never the ones before, and never the files after it.
 */
export class IncrementalSet {
  /** Catalog before files[i], valid for i < validBefore (index 0 is the empty catalog). */
  private snapshots: (Catalog | undefined)[] = [];
  private validBefore = 1;
  private results = new Map<string, FileLint>();
  /** Paths linted by the last call that did work (for tests and the benchmark). */
  lastLinted: string[] = [];

  constructor(readonly set: MigrationSet, private readonly opts: Omit<SetLintOptions, 'catalog' | 'stopBefore' | 'report' | 'startAt' | 'catalogToken'>) {
    this.snapshots[0] = new Catalog();
  }

  /** Lint every file; returns all results. */
  run(): FileLint[] {
    this.lastLinted = [];
    const out: FileLint[] = [];
    for (const r of this.steps()) if (r) out.push(r);
    return out;
  }

  /**
   * Lint every file, one per step (the language server's start-up replay yields between files, so
   * a document opened meanwhile waits for one file's lint, not for the whole folder's).
   */
  *steps(): Generator<FileLint | undefined, void> {
    for (const f of this.set.files) yield this.compute(f.path, false);
  }

  /** A file's text changed (it is read again through the options' fs on the next request). */
  changed(path: string): void {
    const i = this.indexOf(path);
    if (i === -1) return;
    for (let j = i; j < this.set.files.length; j++) this.results.delete(this.set.files[j].path);
    this.validBefore = Math.min(this.validBefore, i + 1);
  }

  /** The file's findings, linting it (and replaying the files before it) when needed. */
  result(path: string): FileLint | undefined {
    this.lastLinted = [];
    return this.compute(path, true);
  }

  /**
   * The findings, with their fixes, of the statements of `path` at offsets [from, to] (a code
   * action): walked from the checkpoint the file's last lint took before them, when its text has
   * not changed since, else from the schema before the file; nothing is cached or invalidated.
   */
  fixesIn(path: string, from: number, to: number): LintResult | undefined {
    const i = this.indexOf(path);
    if (i === -1) return undefined;
    this.compute(path, false);
    this.replayTo(i);
    const [r] = lintSet(this.set, {
      ...this.opts, catalog: this.snapshots[i]!.fork(), catalogToken: this.snapshots[i], startAt: path, stopBefore: this.set.files[i + 1]?.path,
      report: new Set([path]), withFixes: true, fixRange: { from, to },
    });
    return r?.result;
  }

  /** The schema as it is before `path` runs (a copy). */
  catalogBefore(path: string): Catalog | undefined {
    const i = this.indexOf(path);
    if (i === -1) return undefined;
    this.replayTo(i);
    return this.snapshots[i]!.fork();
  }

  private indexOf(path: string): number {
    return this.set.files.findIndex((f) => f.path === path);
  }

  private compute(path: string, fresh: boolean): FileLint | undefined {
    const cached = this.results.get(path);
    if (cached) return cached;
    const i = this.indexOf(path);
    if (i === -1) return undefined;
    if (fresh) this.lastLinted = [];
    this.replayTo(i);
    const after = this.lintAt(i);
    if (this.validBefore === i + 1) {
      this.snapshots[i + 1] = after;
      this.validBefore = i + 2;
    }
    return this.results.get(path);
  }

  /** Make snapshots[i] valid by replaying files from the last valid snapshot. */
  private replayTo(i: number): void {
    while (this.validBefore <= i) {
      const j = this.validBefore - 1;
      this.snapshots[j + 1] = this.lintAt(j);
      this.validBefore = j + 2;
    }
  }

  /** Lint files[i] on a copy of the catalog before it; returns the catalog after it. */
  private lintAt(i: number): Catalog {
    const file = this.set.files[i];
    const catalog = this.snapshots[i]!.fork();
    const cached = this.results.get(file.path);
    // Down, verify and ignored files do not change the schema: nothing to replay.
    if (cached && file.role !== 'up' && file.role !== 'repeatable') return catalog;
    this.lastLinted.push(file.path);
    for (const r of lintSet(this.set, { ...this.opts, catalog, catalogToken: this.snapshots[i], startAt: file.path, stopBefore: this.set.files[i + 1]?.path })) this.results.set(r.file.path, r);
    return catalog;
  }
}

// A workspace of migration sets kept up to date while files change (the language server's model).
// Each set is replayed lazily through an IncrementalSet; a file outside any set is linted alone.
import { lintTextSync, type LintResult, type StatementInfo } from '../engine';
import type { LintMemo } from '../lint-memo';
import type { PgsafeConfig } from '../config/types';
import type { ParseCache } from '../parse/split';
import { join } from 'node:path';
import { frameworkHint, loadSet, setRootOf } from './discover';
import type { ProjectFs } from './fs';
import { IncrementalSet, lintSet } from './lint';
import { transactionPlan } from './transactions';
import type { DetectedFramework, MigrationSet } from './types';

export interface FileContext {
  /** The migration set the file belongs to, when it is one of its files. */
  set?: MigrationSet;
  framework: DetectedFramework | 'plain';
  evidence: string;
  pgVersion: number;
  /** One sentence: how the runner sends this file (transaction or not). */
  transaction: string;
  config: PgsafeConfig;
}

export class ProjectIndex {
  private sets = new Map<string, IncrementalSet>();

  constructor(
    private readonly fs: ProjectFs,
    private readonly configFor: (path: string) => PgsafeConfig,
    private readonly parseCacheFor: (path: string) => ParseCache | undefined = () => undefined,
    private readonly memoFor: (path: string) => LintMemo<StatementInfo> | undefined = () => undefined,
  ) {}

  /** The incremental set `path` belongs to, loading it on first use. */
  setOf(path: string): IncrementalSet | undefined {
    const root = setRootOf(path, this.fs);
    let inc = this.sets.get(root);
    if (!inc) {
      const fw = this.configFor(path).framework;
      inc = new IncrementalSet(loadSet(root, this.fs, fw === 'auto' ? undefined : fw), {
        fs: this.fs,
        configFor: this.configFor,
        collectStatementInfo: true,
        parseCacheFor: this.parseCacheFor,
        memoFor: this.memoFor,
        withFixes: false,
      });
      this.sets.set(root, inc);
    }
    return inc.set.files.some((f) => f.path === path) ? inc : undefined;
  }

  /** Findings for `path` whose current text is `text`, in the context of its migration set. */
  lint(path: string, text: string): LintResult {
    const inc = this.setOf(path);
    const r = inc?.result(path)?.result;
    if (r) return r;
    return lintTextSync(text, { path, config: this.configFor(path), collectStatementInfo: true, parseCache: this.parseCacheFor(path), memo: this.memoFor(path), withFixes: false });
  }

  /**
   * The same findings with their fixes (the language server asks after publishing diagnostics,
   * so typing never waits for fixes): the file is linted again on the schema before it.
   */
  lintWithFixes(path: string, text: string): LintResult {
    const inc = this.setOf(path);
    const catalog = inc?.catalogBefore(path);
    if (inc && catalog) {
      const i = inc.set.files.findIndex((f) => f.path === path);
      const [r] = lintSet(inc.set, {
        fs: this.fs, configFor: this.configFor, catalog, startAt: path, stopBefore: inc.set.files[i + 1]?.path,
        report: new Set([path]), collectStatementInfo: true, parseCacheFor: this.parseCacheFor,
      });
      if (r?.result) return r.result;
    }
    return lintTextSync(text, { path, config: this.configFor(path), collectStatementInfo: true, parseCache: this.parseCacheFor(path) });
  }

  /**
   * The findings, with their fixes, of the statements at offsets [from, to] only (a code action on
   * a large file): resumed from the incremental lint's checkpoint before them (see LintOptions.fixRange).
   */
  fixesIn(path: string, text: string, from: number, to: number): LintResult {
    const r = this.setOf(path)?.fixesIn(path, from, to);
    if (r) return r;
    return lintTextSync(text, { path, config: this.configFor(path), collectStatementInfo: true, parseCache: this.parseCacheFor(path), memo: this.memoFor(path), withFixes: true, fixRange: { from, to } });
  }

  context(path: string, text: string | undefined): FileContext {
    const config = this.configFor(path);
    const set = this.setOf(path)?.set;
    const framework = config.framework !== 'auto' ? config.framework : set?.framework ?? 'plain';
    const plan = transactionPlan(framework, path, text ?? '', this.fs);
    return {
      set, framework, pgVersion: config.pgVersion, config,
      evidence: config.framework !== 'auto' ? 'set in the configuration' : set?.evidence ?? 'not part of a migrations folder pgsafe recognises',
      transaction: plan.reason,
    };
  }

  /**
   * The file's text changed from `before` to `after` (editor or disk). When the framework its text
   * points at changed too (a goose marker typed into a plain folder's file), the folder's framework
   * is detected again: returns true. Otherwise it is `fileChanged`.
   */
  textChanged(path: string, before: string | undefined, after: string | undefined): boolean {
    if (before !== undefined && after !== undefined && this.hintOf(path, before) !== this.hintOf(path, after)) {
      this.structureChanged(path);
      return true;
    }
    this.fileChanged(path);
    return false;
  }

  /** The last text's hint per file: one hint computation per edit, not two. */
  private hints = new Map<string, { text: string; hint: DetectedFramework | undefined }>();
  private hintOf(path: string, text: string): DetectedFramework | undefined {
    const known = this.hints.get(path);
    if (known?.text === text) return known.hint;
    const hint = frameworkHint(text);
    this.hints.set(path, { text, hint });
    return hint;
  }

  /** The file's text changed (editor or disk): it and the files after it are linted again on demand. */
  fileChanged(path: string): void {
    for (const inc of this.sets.values()) inc.changed(path);
  }

  /** Files were created, deleted or renamed, or a framework file changed: forget the affected sets. */
  structureChanged(path: string): void {
    for (const [root, inc] of this.sets) {
      if (path.startsWith(root + '/') || path === root || root.startsWith(path + '/') || inc.set.files.some((f) => f.path === path)) this.sets.delete(root);
    }
  }

  /**
   * Find the migration folders under `roots` and replay each one (the language server does this at
   * start, a step at a time, so cross-file context is ready before the first file is opened).
   * Yields after each file of a folder; stops looking after `maxFiles` SQL files.
   */
  *warmUp(roots: readonly string[], maxFiles = 5000): Generator<string, void> {
    const files: string[] = [];
    const walk = (dir: string, depth: number) => {
      for (const e of this.fs.list(dir)) {
        if (files.length >= maxFiles) return;
        if (e.dir) {
          if (depth > 0 && e.name !== 'node_modules' && !e.name.startsWith('.')) walk(join(dir, e.name), depth - 1);
        } else if (e.name.toLowerCase().endsWith('.sql')) files.push(join(dir, e.name));
      }
    };
    for (const r of roots) walk(r, 8);
    const seen = new Set<string>();
    for (const f of files) {
      const root = setRootOf(f, this.fs);
      if (seen.has(root)) continue;
      seen.add(root);
      const inc = this.setOf(f);
      if (!inc) {
        yield root;
        continue;
      }
      for (const _ of inc.steps()) {
        yield root;
        // Settings or files changed meanwhile and the set was dropped: its replay is not needed.
        if (this.sets.get(inc.set.root) !== inc) break;
      }
    }
  }

  /** Configuration changed: every set is rebuilt on demand. */
  reset(): void {
    this.sets.clear();
  }

  /** Paths of all files of loaded sets whose results depend on `path` (it and later files). */
  dependents(path: string): string[] {
    const out: string[] = [];
    for (const inc of this.sets.values()) {
      const i = inc.set.files.findIndex((f) => f.path === path);
      if (i !== -1) out.push(...inc.set.files.slice(i).map((f) => f.path));
    }
    return out;
  }
}

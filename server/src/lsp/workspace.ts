// The server's view of the workspace: open documents, the file system under them (disk texts
// cached until a watcher says they changed), configuration, and the migration sets (replayed
// lazily). Lint results are cached per document version.
import { fileURLToPath } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import {
  ConfigResolver, LintMemo, ParseCache, ProjectIndex, knownRuleIds, lintTextSync, nodeFs, normalizeSettings, overlayFs,
  type ConfigSettings, type Finding, type LintResult, type StatementInfo, type ProjectFs, type SettingsProblem,
} from '../../../shared/src/index';
import type { LspDocument } from './document';

/** Larger documents are not linted while typing (a message says so; `pgsafe check` still works). */
export const MAX_LIVE_CHARS = 4_000_000;

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Disk reads cached until `forget` (file watcher) says the file changed. */
class DiskCache implements ProjectFs {
  private texts = new Map<string, string | undefined>();
  list(dir: string) {
    return nodeFs.list(dir);
  }
  exists(p: string) {
    return this.texts.has(p) ? this.texts.get(p) !== undefined || nodeFs.exists(p) : nodeFs.exists(p);
  }
  readText(p: string) {
    if (!this.texts.has(p)) this.texts.set(p, nodeFs.readText(p));
    return this.texts.get(p);
  }
  /** The text last read, without reading the disk (undefined when never read). */
  cachedText(p: string): string | undefined {
    return this.texts.get(p);
  }
  forget(p: string) {
    this.texts.delete(p);
  }
  clear() {
    this.texts.clear();
  }
}

export interface CachedLint {
  /** The same lint with fixes, computed after the diagnostics were published (or on demand). */
  withFixes?: LintResult;
  version: number;
  result: LintResult;
  /** Lint results are also keyed by a generation that workspace-wide changes bump. */
  generation: number;
  /** Findings with fixes of single statements (by index), from code actions' range walks. */
  fixesByStatement?: Map<number, Finding[]>;
}

export class Workspace {
  readonly docs = new Map<string, LspDocument>();
  private readonly openTexts = new Map<string, string>();
  private readonly disk = new DiskCache();
  private readonly overlay = overlayFs(this.disk, this.openTexts);
  /** Files over the live limit are left out of replays too (as if unreadable), so they cannot stall typing elsewhere. */
  readonly fs: ProjectFs = {
    list: (d) => this.overlay.list(d),
    exists: (p) => this.overlay.exists(p),
    readText: (p) => {
      const t = this.overlay.readText(p);
      return t !== undefined && t.length > MAX_LIVE_CHARS ? undefined : t;
    },
  };
  readonly known = knownRuleIds();
  readonly config: ConfigResolver;
  project: ProjectIndex;
  private cache = new Map<string, CachedLint>();
  /** Per open document: the parse of its previous version's pieces (an edit re-parses only what it touched). */
  private readonly parseCaches = new Map<string, ParseCache>();
  /** Per open document: the previous lint's per-statement results and walker checkpoints (an edit re-checks from the one before it). */
  private readonly memos = new Map<string, LintMemo<StatementInfo>>();
  /** Bumped when something outside a document (settings, config, another file) may change its findings. */
  generation = 0;
  settingsProblems: SettingsProblem[] = [];

  constructor(private readonly roots: readonly string[]) {
    this.config = new ConfigResolver(this.known);
    this.project = new ProjectIndex(this.fs, (p) => this.config.configFor(p), (p) => this.parseCaches.get(p), (p) => this.memos.get(p));
  }

  /** Workspace folders the server was started with. */
  get rootPaths(): readonly string[] {
    return this.roots;
  }

  /** Apply editor settings; returns the problems found in them. */
  setSettings(raw: unknown): SettingsProblem[] {
    const { settings, problems } = normalizeSettings(raw, this.known);
    if (settings.configPath && !isAbsolute(settings.configPath)) settings.configPath = resolve(this.roots[0] ?? process.cwd(), settings.configPath);
    this.config.setSettings(settings as ConfigSettings);
    this.settingsProblems = problems;
    this.invalidateAll();
    return problems;
  }

  invalidateAll(): void {
    this.config.clear();
    this.project.reset();
    this.generation++;
  }

  open(doc: LspDocument): void {
    this.docs.set(doc.uri, doc);
    const path = uriToPath(doc.uri);
    if (path) {
      const wasOnDisk = this.disk.exists(path);
      this.openTexts.set(path, doc.text);
      this.parseCaches.set(path, new ParseCache());
      this.memos.set(path, new LintMemo());
      if (wasOnDisk) this.project.fileChanged(path);
      else this.project.structureChanged(path);
      this.generation++;
    }
  }

  /** The document's text changed; returns true when its folder's framework must be detected again. */
  changed(doc: LspDocument): boolean {
    const path = uriToPath(doc.uri);
    if (!path) return false;
    const before = this.openTexts.get(path);
    this.openTexts.set(path, doc.text);
    if (this.project.textChanged(path, before, doc.text)) {
      this.generation++;
      return true;
    }
    // Later files of the same set see a different schema now.
    if (this.project.dependents(path).length > 1) this.generation++;
    return false;
  }

  /** The document was closed: the disk's text counts again. Returns true like `changed`. */
  close(uri: string): boolean {
    this.docs.delete(uri);
    this.cache.delete(uri);
    const path = uriToPath(uri);
    if (!path) return false;
    this.parseCaches.delete(path);
    this.memos.delete(path);
    const before = this.openTexts.get(path);
    if (!this.openTexts.delete(path)) return false;
    this.disk.forget(path);
    this.generation++;
    // Unsaved text is dropped: a framework marker it added or removed goes with it.
    return this.project.textChanged(path, before, this.disk.readText(path));
  }

  /** A watched file changed on disk. */
  diskChanged(path: string, kind: 'created' | 'changed' | 'deleted'): void {
    const before = this.disk.cachedText(path);
    this.disk.forget(path);
    if (path.endsWith('pgsafe.config.json')) {
      this.invalidateAll();
      return;
    }
    if (kind === 'changed' && path.endsWith('.sql')) this.project.textChanged(path, before, this.disk.readText(path));
    else this.project.structureChanged(path);
    this.generation++;
  }

  /** Findings for the document's current version (cached). */
  lint(doc: LspDocument): LintResult {
    const hit = this.cache.get(doc.uri);
    if (hit && hit.version === doc.version && hit.generation === this.generation) return hit.result;
    const result = this.compute(doc);
    this.cache.set(doc.uri, { version: doc.version, result, generation: this.generation });
    return result;
  }

  /** Findings with their fixes for the document's current version (cached). */
  lintWithFixes(doc: LspDocument): LintResult {
    this.lint(doc);
    const hit = this.cache.get(doc.uri)!;
    if (!hit.withFixes) {
      const path = uriToPath(doc.uri);
      hit.withFixes = path
        ? this.project.lintWithFixes(path, doc.text)
        : lintTextSync(doc.text, { path: doc.uri, config: this.untitledConfig(), collectStatementInfo: true });
    }
    return hit.withFixes;
  }

  /**
   * Findings with their fixes of the statements at offsets [from, to] only (a code action): the
   * whole file's fixes when they are already computed, else a walk from the incremental lint's
   * checkpoint before those statements (a large file's first lightbulb does not wait for a lint of
   * all of it with fixes).
   */
  fixesIn(doc: LspDocument, from: number, to: number): { result: LintResult; wholeFile: boolean } {
    this.lint(doc);
    const hit = this.cache.get(doc.uri)!;
    if (hit.withFixes) return { result: hit.withFixes, wholeFile: true };
    // The statements asked for again (the resolve after a code action, the cursor staying put).
    const touched = hit.result.split.statements.filter((s) => s.end >= from && s.start <= to).map((s) => s.index);
    const known = (hit.fixesByStatement ??= new Map());
    if (touched.length && touched.every((i) => known.has(i))) return { result: { ...hit.result, findings: touched.flatMap((i) => known.get(i)!) }, wholeFile: false };
    const path = uriToPath(doc.uri);
    const result = path
      ? this.project.fixesIn(path, doc.text, from, to)
      : lintTextSync(doc.text, { path: doc.uri, config: this.untitledConfig(), collectStatementInfo: true, fixRange: { from, to } });
    for (const i of touched) known.set(i, result.findings.filter((f) => f.statementIndex === i));
    return { result, wholeFile: false };
  }

  cached(uri: string): CachedLint | undefined {
    return this.cache.get(uri);
  }

  /** The configuration of a document that is not a file on disk: as if it were in the first root. */
  private untitledConfig() {
    return this.config.configFor(resolve(this.roots[0] ?? process.cwd(), 'untitled.sql'));
  }

  private compute(doc: LspDocument): LintResult {
    const path = uriToPath(doc.uri);
    if (!path) return lintTextSync(doc.text, { path: doc.uri, config: this.untitledConfig(), collectStatementInfo: true, withFixes: false });
    return this.project.lint(path, doc.text);
  }
}

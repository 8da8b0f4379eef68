// Incremental lint of one document (the language server's case): an edit re-runs the walker and
// the rules only from a checkpoint before the first changed statement; the findings of the
// statements before it are reused as they are.
//
// What makes a reused finding still right:
// - the statement and everything before it are the same text (the file's prefix up to its `;` is
//   unchanged), so the walker's state and the catalog before it are the same;
// - every section starts in the same transaction (its scope is computed from the whole section,
//   e.g. statement counts, so all sections' scopes are compared);
// - no rule that looks at later statements (`Rule.lookAhead`) looked ahead from it, unless none of
//   the changed statements (old or new) is one that rule cares about;
// - none of its offsets lies after the first changed character.
// Whole-file checks (suppressions, unused suppressions, source notes, the down section) are
// recomputed by the engine on every run.
import type { WalkerCheckpoint } from './context/walker';
import type { SplitResult } from './parse/split';
import type { Section } from './parse/sections';
import type { Statement } from './parse/statement';
import type { Finding, Rule } from './rules/types';

/** Same shape as the engine's per-statement record (kept structural to avoid an import cycle). */
export interface MemoStatementInfo {
  statementIndex: number;
}

interface MemoRun<I extends MemoStatementInfo> {
  key: string;
  token: unknown;
  text: string;
  statements: readonly Statement[];
  sectionSigs: string[];
  sectionOf: Map<Section, number>;
  /** Findings of each walked statement, in the order the engine produced them. */
  perStatement: Finding[][];
  info?: I[];
  /** (statement, rule) pairs where a look-ahead rule read the file's statements. */
  lookAhead: { index: number; rule: Rule }[];
  /** Sorted by index. */
  checkpoints: WalkerCheckpoint[];
}

export interface ResumePlan<I extends MemoStatementInfo> {
  /** First statement to walk; the ones before it are reused. */
  from: number;
  checkpoint?: WalkerCheckpoint;
  findings: Finding[];
  info: I[];
}

/**
 * Checkpoints (a fork of the catalog: copy-on-write, so cheap, but each copies the records the
 * walk changes after it): 16, 256 and, on the first lint, 1,024 statements before the end (edits
 * near the end are the common case); every 256 statements (a code action resumes from the one
 * before its statement); and when re-walking after an edit, the statement the edit changed
 * (typing goes on where the last edit was), or, when the changed statement is not known, the
 * first quarter of the file after the resume point.
 */
export const GRID = 256;

function wantedCheckpoint(i: number, n: number, first: boolean): 'tail' | 'quarter' | undefined {
  if (i <= 0 || i >= n) return undefined;
  const tail = n - i;
  if (tail === 16 || tail === 256 || (first && tail === 1024) || i % GRID === 0) return 'tail';
  return !first && i % Math.max(256, Math.ceil(n / 4)) === 0 ? 'quarter' : undefined;
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  // Compare in blocks first (string equality is native), then character by character.
  for (const size of [65536, 4096, 256]) while (i + size <= n && a.slice(i, i + size) === b.slice(i, i + size)) i += size;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function offsetsOf(f: Finding): number {
  let max = Math.max(f.start, f.end);
  for (const r of f.related) max = Math.max(max, r.start, r.end);
  return max;
}

/** Per document: what the previous lint (without fixes) computed, to reuse on the next. */
export class LintMemo<I extends MemoStatementInfo = MemoStatementInfo> {
  private last: MemoRun<I> | undefined;
  private current: MemoRun<I> | undefined;
  private starts: number[] = [];
  private pendingCheckpoint = false;
  private firstRun = true;
  private quarterTaken = false;
  /** The first changed statement of this lint (-1: none known): the next edit is likely there too. */
  private editAt = -1;
  /** Index of the last checkpoint this walk took. */
  private lastTaken = -Infinity;
  /** Where the last lint resumed (0: from the start) and how many statements it walked (tests, benchmark). */
  lastFrom = 0;
  lastWalked = 0;

  clear(): void {
    this.last = undefined;
    this.current = undefined;
  }

  /**
   * Start a lint of `text`. `key` covers everything else the result depends on (path, config,
   * framework, plan); `token` identifies the catalog the file starts from (same object: same schema).
   */
  begin(text: string, split: SplitResult, key: string, token: unknown, sectionSig: (s: Section) => string): ResumePlan<I> {
    const sectionOf = new Map(split.layout.sections.map((s, i) => [s, i]));
    const run: MemoRun<I> = {
      key, token, text, statements: split.statements, sectionSigs: split.layout.sections.map(sectionSig), sectionOf,
      perStatement: [], lookAhead: [], checkpoints: [],
    };
    this.current = run;
    this.starts = [];
    this.pendingCheckpoint = false;
    this.firstRun = !this.last;
    this.quarterTaken = false;
    this.editAt = -1;
    this.lastTaken = -Infinity;
    const plan = this.plan(run);
    // The checkpoint resumed from is used up (its catalog becomes the walk's); it is taken again when wanted.
    run.checkpoints = this.last && plan.from > 0 ? this.last.checkpoints.filter((c) => c.index < plan.from) : [];
    if (plan.checkpoint && this.last) this.last.checkpoints = this.last.checkpoints.filter((c) => c !== plan.checkpoint);
    if (plan.from > 0 && this.last) {
      run.perStatement = this.last.perStatement.slice(0, plan.from);
      run.lookAhead = this.last.lookAhead.filter((l) => l.index < plan.from);
    }
    this.lastFrom = plan.from;
    this.lastWalked = split.statements.length - plan.from;
    return plan;
  }

  private plan(run: MemoRun<I>): ResumePlan<I> {
    const none: ResumePlan<I> = { from: 0, findings: [], info: [] };
    const last = this.last;
    if (!last || last.key !== run.key || last.token !== run.token || last.checkpoints.length === 0) return none;
    if (last.sectionSigs.length !== run.sectionSigs.length || last.sectionSigs.some((s, i) => s !== run.sectionSigs[i])) return none;
    const diff = firstDifference(last.text, run.text);
    const olds = last.statements;
    const news = run.statements;
    const same = (a: Statement, b: Statement) =>
      a.start === b.start && a.end === b.end && a.terminator === b.terminator && a.kind === b.kind && a.block === b.block && a.text === b.text
      && last.sectionOf.get(a.section) === run.sectionOf.get(b.section);
    let p = 0;
    while (p < olds.length && p < news.length && olds[p].terminator !== undefined && olds[p].terminator! < diff && same(olds[p], news[p])) p++;
    // The changed statements: between the common prefix and the common suffix (same text at the same distance from the end).
    let oe = olds.length;
    let ne = news.length;
    while (oe > p && ne > p && olds[oe - 1].text === news[ne - 1].text && olds[oe - 1].kind === news[ne - 1].kind
      && last.text.length - olds[oe - 1].end === run.text.length - news[ne - 1].end) { oe--; ne--; }
    const changed = [...olds.slice(p, oe), ...news.slice(p, ne)];
    this.editAt = p;
    let c = p;
    for (const l of last.lookAhead) {
      if (l.index >= c) break;
      const earlier = olds[l.index];
      if (changed.some((s) => l.rule.lookAhead!(s, earlier))) c = l.index;
    }
    for (let i = 0; i < c && i < last.perStatement.length; i++) {
      if ((last.perStatement[i] ?? []).some((f) => offsetsOf(f) > diff)) c = i;
    }
    let cp: WalkerCheckpoint | undefined;
    for (const k of last.checkpoints) if (k.index <= c) cp = k;
    if (!cp) return none;
    const findings: Finding[] = [];
    for (let i = 0; i < cp.index; i++) for (const f of last.perStatement[i] ?? []) findings.push(f);
    const info = (last.info ?? []).filter((x) => x && x.statementIndex < cp!.index);
    return { from: cp.index, checkpoint: cp, findings, info };
  }

  /**
   * The last lint's latest checkpoint at or before statement `index`, when that lint was of this
   * same text with the same key, starting schema and sections; it stays the memo's (a caller that
   * resumes from it must copy its catalog).
   */
  checkpointBefore(text: string, split: SplitResult, key: string, token: unknown, sectionSig: (s: Section) => string, index: number): WalkerCheckpoint | undefined {
    const last = this.last;
    if (!last || last.text !== text || last.key !== key || last.token !== token) return undefined;
    const sigs = split.layout.sections.map(sectionSig);
    if (sigs.length !== last.sectionSigs.length || sigs.some((s, i) => s !== last.sectionSigs[i])) return undefined;
    let cp: WalkerCheckpoint | undefined;
    for (const k of last.checkpoints) if (k.index <= index) cp = k;
    return cp;
  }

  /** Before walking statement `i`: `findingsSoFar` is where its findings will start. */
  statement(i: number, findingsSoFar: number, n: number, take: () => WalkerCheckpoint | undefined): void {
    this.starts[i] = findingsSoFar;
    if (!this.current) return;
    const wanted = wantedCheckpoint(i, n, this.firstRun);
    // With the edited statement known, its own checkpoint serves the next keystroke: a quarter
    // checkpoint as well would copy the catalog once more on every keystroke.
    if (wanted === 'tail' || (wanted === 'quarter' && !this.quarterTaken && this.editAt === -1)) this.pendingCheckpoint = true;
    if (wanted === 'quarter') this.quarterTaken = true;
    // Typing goes on in the statement just edited: resume the next lint right before it, unless
    // this walk took a checkpoint a few statements before it (walking those costs less than a copy).
    if (i === this.editAt && i > 0 && i - this.lastTaken >= 16) this.pendingCheckpoint = true;
    if (this.pendingCheckpoint) {
      const cp = take();
      if (cp) {
        this.pendingCheckpoint = false;
        this.lastTaken = i;
        if (!this.current.checkpoints.some((k) => k.index === i)) this.current.checkpoints.push(cp);
      }
    }
  }

  /** A look-ahead rule read the file's statements while checking statement `i`. */
  lookedAhead(i: number, rule: Rule): void {
    this.current?.lookAhead.push({ index: i, rule });
  }

  /** The walk is done: keep its results for the next lint. */
  finish(findings: readonly Finding[], from: number, end: number, info: I[] | undefined): void {
    const run = this.current;
    if (!run) return;
    for (let i = from; i < end; i++) run.perStatement[i] = findings.slice(this.starts[i], i + 1 < end ? this.starts[i + 1] : findings.length);
    run.info = info;
    run.checkpoints.sort((a, b) => a.index - b.index);
    this.last = run;
    this.current = undefined;
  }
}

// The lint engine: text → statements → context → findings. Editor-free and synchronous once the
// parser is loaded (`await ensureParser()` first, or use `lintText`).
import type { Catalog } from './context/catalog';
import type { LockEffect } from './locks/catalogue';
import type { DetectedFramework, TransactionPlan } from './project/types';
import { MigrationWalker, sectionScope } from './context/walker';
import { LintMemo } from './lint-memo';
import { checkDown, downMessage, probeBefore } from './context/down-check';
import type { MigrationInfo, RuleContext, TransactionSource } from './context/rule-context';
import { ENGINE_DIAGNOSTICS, ENGINE_DIAGNOSTIC_LIST, reportSourceNotes, unusedSuppressionFindings } from './diagnostics';
import { defaultConfig, type PgsafeConfig } from './config/types';
import { embeddedStatements } from './parse/embedded';
import { ensureParser } from './parse/pgquery';
import { directionFromPath } from './parse/sections';
import { splitStatements, type ParseCache, type SplitResult } from './parse/split';
import type { Statement } from './parse/statement';
import type { Section } from './parse/sections';
import { allRules } from './rules/index';
import type { Finding, Fix, Rule, RuleMeta, RuleReport, Severity } from './rules/types';
import { collectSuppressions, isSuppressed } from './suppress';

export interface LintOptions {
  path?: string;
  config?: PgsafeConfig;
  /** Pre-existing schema (schema replay); defaults to an empty catalog. */
  catalog?: Catalog;
  /** The framework that runs the file and how it sends it (project detection); default: in-file markers. */
  framework?: DetectedFramework;
  plan?: TransactionPlan;
  /** The file's role in its migration set; default: from its name (`.down.sql`, `revert/`, …). */
  direction?: 'up' | 'down' | 'verify';
  /** Record what each statement locks and the transaction it runs in (hover, lock reports). */
  collectStatementInfo?: boolean;
  /** Reuse the parse of unchanged pieces of this file's previous version (language server). */
  parseCache?: ParseCache;
  /** The migration set the file belongs to (fixes that add a migration file need it). */
  migration?: MigrationInfo;
  /** Compute each finding's fixes (default true; reporters that do not show fixes skip the work). */
  withFixes?: boolean;
  /**
   * Reuse the previous lint of this document (language server; only without fixes): statements
   * before the first changed one keep their findings. `catalogToken` must be the same object as
   * last time exactly when `catalog` starts with the same schema.
   */
  memo?: LintMemo<StatementInfo>;
  catalogToken?: unknown;
  /**
   * Only the findings (with their fixes) of the statements that touch these offsets (a code
   * action on a large file): the walk starts at the `memo`'s last checkpoint before them (without
   * using it up), when the memo's last lint was of this text with these options, and stops after
   * them. File-wide findings (unused suppressions, the down section check) are left out.
   */
  fixRange?: { from: number; to: number };
}

/** What one statement does to the database, as the rules saw it. */
export interface StatementInfo {
  statementIndex: number;
  /** Lock effects (a DO block's include its embedded statements'). */
  locks: LockEffect[];
  /** Per lock effect: the relation was created earlier in this file (nobody else uses it yet). */
  newRelation: boolean[];
  inTransaction: boolean;
  /** Which transaction the walker places it in: the file's own BEGIN block, the runner's, an implicit one, or none. */
  transactionSource: TransactionSource;
  transactionReason: string;
  lockTimeoutSet: boolean;
}

export interface LintResult {
  path: string;
  findings: Finding[];
  split: SplitResult;
  /** With `collectStatementInfo`: by statement index (statements that were not walked are absent). */
  statementInfo?: StatementInfo[];
}

const metaById = new Map<string, RuleMeta>([...allRules.map((r) => r.meta), ...ENGINE_DIAGNOSTIC_LIST].map((m) => [m.id, m]));

export function allRuleMetas(): RuleMeta[] {
  return [...metaById.values()];
}

export function knownRuleIds(): Set<string> {
  return new Set(metaById.keys());
}

export function ruleMeta(id: string): RuleMeta | undefined {
  return metaById.get(id);
}

export async function lintText(text: string, options: LintOptions = {}): Promise<LintResult> {
  await ensureParser();
  return lintTextSync(text, options);
}

function levelOf(meta: RuleMeta, config: PgsafeConfig): Severity | undefined {
  const level = config.rules[meta.id] ?? meta.defaultLevel;
  return level === 'off' ? undefined : level === 'error' ? 'error' : 'warning';
}

interface ActiveRule {
  rule: Rule;
  severity: Severity;
}

/** Active rules by statement kind (rules without `statementKinds` are in every list). */
function dispatchTable(rules: readonly ActiveRule[]): (kind: string) => readonly ActiveRule[] {
  const byKind = new Map<string, ActiveRule[]>();
  return (kind) => {
    let list = byKind.get(kind);
    if (!list) {
      list = rules.filter((r) => !r.rule.statementKinds || r.rule.statementKinds.includes(kind));
      byKind.set(kind, list);
    }
    return list;
  };
}

export function activeRules(config: PgsafeConfig): { rule: Rule; severity: Severity }[] {
  const out: { rule: Rule; severity: Severity }[] = [];
  for (const rule of allRules) {
    const severity = levelOf(rule.meta, config);
    if (!severity) continue;
    if (rule.meta.minPg !== undefined && config.pgVersion < rule.meta.minPg) continue;
    if (rule.meta.maxPg !== undefined && config.pgVersion > rule.meta.maxPg) continue;
    out.push({ rule, severity });
  }
  return out;
}

export function lintTextSync(text: string, options: LintOptions = {}): LintResult {
  const path = options.path ?? '<stdin>';
  const config = options.config ?? defaultConfig();
  const pathDirection = options.direction ?? directionFromPath(path);
  const split = splitStatements(text, pathDirection === 'up' || pathDirection === undefined ? 'up' : 'down', options.parseCache);
  const findings: Finding[] = [];
  const push = (meta: RuleMeta, severity: Severity, r: RuleReport, stmt: Statement | undefined, fixes: Fix[] = []) => {
    findings.push({
      rule: meta.id, severity, message: r.message, help: r.help,
      start: r.start ?? stmt?.start ?? 0, end: r.end ?? stmt?.end ?? 0,
      docs: meta.docs, statementIndex: stmt?.index, related: r.related ?? [], fixes,
    });
  };

  const D = ENGINE_DIAGNOSTICS;
  const syntaxLevel = levelOf(D.syntaxError, config);
  reportSourceNotes(split, (meta) => levelOf(meta, config), push);

  const rulesFor = dispatchTable(activeRules(config));
  const walker = new MigrationWalker({
    pgVersion: config.pgVersion, transaction: config.transaction, path, statements: split.statements,
    catalog: options.catalog, framework: options.framework, plan: options.plan, text, migration: options.migration, lockTimeout: config.lockTimeout,
  });
  const info: StatementInfo[] | undefined = options.collectStatementInfo ? [] : undefined;
  // In-file down section: remember the schema before the up to check the down against it.
  const downLevel = levelOf(D.downDoesNotRevert, config);
  const downSection = downLevel && pathDirection !== 'down' && pathDirection !== 'verify' ? split.statements.filter((s) => s.section.direction === 'down') : [];
  const factsBefore = downSection.length ? probeBefore(walker.catalog, split.statements.filter((s) => s.section.direction === 'up'), downSection) : undefined;
  const withFixes = options.withFixes !== false;
  const range = options.fixRange;
  const statements = split.statements;
  const inRange = (s: Statement) => !range || (s.end >= range.from && s.start <= range.to);
  const memo = !withFixes && !factsBefore && !range ? options.memo : undefined;
  if (!memo && !range) options.memo?.clear();
  const key = () => memoKey(path, config, options, pathDirection);
  const signature = (s: Section) => sectionSignature(s, split.statements, config, options);
  const plan = memo?.begin(text, split, key(), options.catalogToken, signature);
  if (plan?.checkpoint) {
    walker.resume(plan.checkpoint);
    findings.push(...plan.findings);
    if (info) for (const x of plan.info) info[x.statementIndex] = x;
  }
  let from = plan?.from ?? 0;
  if (range) {
    const first = statements.findIndex(inRange);
    const cp = first > 0 ? options.memo?.checkpointBefore(text, split, key(), options.catalogToken, signature, first) : undefined;
    if (cp) {
      // The checkpoint stays the memo's: the walk gets a copy of its schema (copy-on-write).
      walker.resume({ ...cp, catalog: cp.catalog.fork() });
      from = cp.index;
    }
  }
  for (let i = from; i < statements.length; i++) {
    const stmt = statements[i];
    if (range && stmt.start > range.to) break;
    memo?.statement(i, findings.length, statements.length, () => walker.checkpoint(i));
    if (stmt.error) {
      if (syntaxLevel) push(D.syntaxError, syntaxLevel, { message: `Syntax error: ${stmt.error.message}.`, help: stmt.section.direction === 'down' ? 'This is in the down migration: the rollback would fail here.' : 'PostgreSQL would reject this statement. Other statements of the file are still checked.', start: stmt.error.offset, end: tokenEnd(text, stmt.error.offset, stmt.end) }, stmt);
      continue;
    }
    if (stmt.section.direction !== 'up' || pathDirection === 'verify') continue;
    // A DO block's statements run at its position; the DO itself adds nothing the walker must
    // record once its statements have been (an opaque DO, with no SQL pgsafe can see, still counts).
    const embedded = stmt.kind === 'DoStmt' ? embeddedStatements(stmt, text) : [];
    for (const unit of embedded.length ? [...embedded, stmt] : [stmt]) {
      const ctx = walker.contextFor(unit);
      if (info) recordInfo(info, stmt.index, ctx);
      // Before a fix range, only the walker's state matters (rules are pure and their findings dropped).
      const checked = inRange(stmt);
      for (const { rule, severity } of checked ? rulesFor(unit.kind) : []) {
        walker.statementsRead = false;
        const out = rule.check(unit, ctx);
        if (memo && rule.lookAhead && walker.statementsRead) memo.lookedAhead(i, rule);
        if (!out) continue;
        for (const r of Array.isArray(out) ? out : [out]) push(rule.meta, severity, r, unit, rule.fix && withFixes && checked ? rule.fix(unit, r, ctx) : []);
      }
      if (unit !== stmt || embedded.length === 0) walker.after(unit, ctx.locks);
    }
  }
  memo?.finish(findings, plan?.from ?? 0, statements.length, info);
  if (range) {
    const sups = collectSuppressions(text, split.statements, split.trailingComments);
    const kept = findings.filter((f) => f.statementIndex !== undefined && inRange(statements[f.statementIndex]) && !isSuppressed(sups, f.rule, f.statementIndex));
    return { path, findings: kept.sort((a, b) => a.start - b.start || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)), split, statementInfo: info };
  }

  if (factsBefore && downLevel) {
    const check = checkDown(factsBefore, walker.catalog, downSection);
    const marker = downSection[0].section.marker;
    if (check?.differences.length) push(D.downDoesNotRevert, downLevel, { ...downMessage(check.differences, 'The down section'), start: marker?.start ?? downSection[0].start, end: marker?.end ?? downSection[0].end }, undefined);
  }
  const sups = collectSuppressions(text, split.statements, split.trailingComments);
  let kept = sups.length ? findings.filter((f) => f.rule === D.unusedSuppression.id || !isSuppressed(sups, f.rule, f.statementIndex)) : findings;
  const unusedLevel = levelOf(D.unusedSuppression, config);
  if (unusedLevel) kept.push(...unusedSuppressionFindings(text, sups, unusedLevel, (id) => metaById.has(id)));
  kept = kept.sort((a, b) => a.start - b.start || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return { path, findings: kept, split, statementInfo: info };
}

const regexAsText = (_: string, v: unknown) => (v instanceof RegExp ? String(v) : v);

/** Everything besides the text and the starting schema that a lint's findings depend on. */
function memoKey(path: string, config: PgsafeConfig, o: LintOptions, direction: string | undefined): string {
  const migration = o.migration && { root: o.migration.root, framework: o.migration.framework, files: o.migration.files.map((f) => [f.path, f.role, f.order]) };
  return JSON.stringify({ path, config, framework: o.framework, plan: o.plan, direction, migration, info: !!o.collectStatementInfo }, regexAsText);
}

/** A section as the walker sees it: direction, markers, and the transaction its statements start in. */
function sectionSignature(s: Section, statements: readonly Statement[], config: PgsafeConfig, o: LintOptions): string {
  const scope = sectionScope(s, { transaction: config.transaction, plan: o.plan, framework: o.framework, statements });
  return JSON.stringify({ d: s.direction, f: s.framework, n: s.noTransaction, m: s.marker?.kind, t: s.marker?.text, scope }, regexAsText);
}

function recordInfo(info: StatementInfo[], index: number, ctx: RuleContext): void {
  let entry = info[index];
  if (!entry) {
    entry = info[index] = {
      statementIndex: index, locks: [], newRelation: [],
      inTransaction: ctx.tx.inTransaction, transactionSource: ctx.tx.source, transactionReason: ctx.tx.reason, lockTimeoutSet: ctx.session.lockTimeout !== undefined,
    };
  }
  for (const l of ctx.locks) {
    entry.locks.push(l);
    entry.newRelation.push(ctx.isNew(l.relation));
  }
}


/** End of the word at `at` (to underline the token a syntax error points at). */
function tokenEnd(text: string, at: number, limit: number): number {
  let e = at;
  while (e < text.length && e < Math.max(limit, at + 1) && !/\s/.test(text[e])) e++;
  return Math.max(e, at + 1);
}

// The rule contract: one rule per file, a `meta` block, a pure `check(statement, context)`, and an
// optional `fix` hook (the rewrites themselves are built on top of this in the fixes issue).
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';

export type RuleLevel = 'off' | 'warn' | 'error';
export type Severity = 'error' | 'warning';

export interface RuleMeta {
  id: string;
  /** `hazard`: locks or breaks a live database. `style`: schema conventions (off by default). */
  category: 'hazard' | 'style';
  defaultLevel: RuleLevel;
  /** One line: what the rule reports. */
  description: string;
  docs: string;
  fixable: boolean;
  /** The rule applies from this PostgreSQL major on (inclusive). */
  minPg?: number;
  /** The rule applies up to this PostgreSQL major (inclusive). */
  maxPg?: number;
}

export interface Related {
  start: number;
  end: number;
  message: string;
}

/** What a rule returns for one problem. Offsets are file offsets (UTF-16); default: the statement. */
export interface RuleReport {
  message: string;
  help: string;
  start?: number;
  end?: number;
  related?: Related[];
}

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** New migration files a fix creates (absolute paths). */
  newFiles?: { path: string; content: string }[];
  preferred?: boolean;
  /** The fix writes a placeholder the user must replace (a backfill value, a name): not applied by `--fix`. */
  needsValue?: boolean;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  help: string;
  start: number;
  end: number;
  docs: string;
  statementIndex?: number;
  related: Related[];
  fixes: Fix[];
}

export interface Rule {
  meta: RuleMeta;
  /** Parse-node kinds `check` inspects (e.g. `AlterTableStmt`); omitted: every statement. The
   *  engine uses it only to skip calls that cannot report anything. */
  statementKinds?: readonly string[];
  check(stmt: Statement, ctx: RuleContext): RuleReport | RuleReport[] | undefined;
  /**
   * Rules whose findings on a statement depend on statements after it (read through
   * `ctx.statements`) say which later statements matter: `later` can change what `check` reported
   * on `earlier`. Conservative answers are fine (true re-checks more). The language server's
   * incremental lint re-checks `earlier` when an edit changes such a statement; a rule that reads
   * only the statement, its context and earlier statements leaves this out.
   */
  lookAhead?(later: Statement, earlier: Statement): boolean;
  fix?(stmt: Statement, report: RuleReport, ctx: RuleContext): Fix[];
}

export const DOCS_BASE = 'https://github.com/pgsafe/pgsafe/blob/main/docs/rules/';

export function docsUrl(id: string): string {
  return `${DOCS_BASE}${id}.md`;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

// `-- pgsafe-ignore <rule>[, <rule>] [-- reason]` silences the next statement (however many lines
// it spans); a suppression comment on the same line, after a statement's `;`, silences that
// statement. `-- pgsafe-ignore-file [rules]` silences the whole file. A suppression that
// silences nothing, or names an unknown rule, is reported.
import type { Comment } from './parse/trivia';
import type { Statement } from './parse/statement';

export interface Suppression {
  comment: Comment;
  /** Rule ids; empty = every rule. */
  rules: string[];
  fileWide: boolean;
  /** Statement it applies to (statement-scoped suppressions). */
  statementIndex?: number;
  used: Set<string>;
  usedAll: boolean;
}

const DIRECTIVE = /^pgsafe-ignore(-file)?(?=\s|$)(.*)$/s;

export function parseSuppression(comment: Comment): { fileWide: boolean; rules: string[] } | undefined {
  const m = DIRECTIVE.exec(comment.body);
  if (!m) return undefined;
  let rest = m[2];
  const reason = rest.indexOf('--');
  if (reason !== -1) rest = rest.slice(0, reason);
  const rules = rest.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  return { fileWide: !!m[1], rules };
}

export function collectSuppressions(text: string, statements: readonly Statement[], trailing: readonly Comment[]): Suppression[] {
  const out: Suppression[] = [];
  const add = (c: Comment, target: number | undefined) => {
    const p = parseSuppression(c);
    if (!p) return;
    out.push({ comment: c, rules: p.rules, fileWide: p.fileWide, statementIndex: p.fileWide ? undefined : target, used: new Set(), usedAll: false });
  };
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    const prev = i > 0 ? statements[i - 1] : undefined;
    for (const c of s.leadingComments) {
      const trailsPrev = prev !== undefined && sameLine(text, prev.terminator ?? prev.end, c.start);
      add(c, trailsPrev ? prev.index : s.index);
    }
  }
  const last = statements[statements.length - 1];
  for (const c of trailing) {
    const trailsLast = last !== undefined && sameLine(text, last.terminator ?? last.end, c.start);
    add(c, trailsLast ? last.index : undefined);
  }
  return out;
}

function sameLine(text: string, from: number, to: number): boolean {
  return text.indexOf('\n', from) === -1 || text.indexOf('\n', from) >= to;
}

/** Is a finding of `rule` on `statementIndex` suppressed? Marks the suppression used. */
export function isSuppressed(sups: readonly Suppression[], rule: string, statementIndex: number | undefined): boolean {
  let hit = false;
  for (const s of sups) {
    if (!s.fileWide && (statementIndex === undefined || s.statementIndex !== statementIndex)) continue;
    if (s.rules.length === 0) {
      s.usedAll = true;
      hit = true;
    } else if (s.rules.includes(rule)) {
      s.used.add(rule);
      hit = true;
    }
  }
  return hit;
}

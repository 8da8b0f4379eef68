// Choosing and applying fixes outside an editor (`pgsafe check --fix`): one fix per finding (its
// preferred one), never two that touch the same text, and only safe ones unless asked.
import type { Finding, Fix, TextEdit } from '../rules/types';

export type FixMode = 'safe' | 'all';

const LOCK_TIMEOUT_RULE = 'require-lock-timeout';

/** Applied by `--fix`: stays within the file and needs no value from the user. */
export function isSafeFix(f: Fix): boolean {
  return !f.newFiles?.length && !f.needsValue && f.edits.length > 0;
}

/** Fixes whose edits do not overlap (the first of overlapping ones wins); fixes that create files are left out. */
export function compatibleFixes(fixes: readonly Fix[]): Fix[] {
  const taken: { start: number; end: number }[] = [];
  const out: Fix[] = [];
  for (const f of fixes) {
    const clash = f.edits.some((e) => taken.some((t) => (e.start < t.end && t.start < e.end) || (e.start === e.end && (e.start === t.start || e.start === t.end)) || (t.start === t.end && (t.start === e.start || t.start === e.end))));
    if (clash || f.newFiles?.length) continue;
    taken.push(...f.edits);
    out.push(f);
  }
  return out;
}

export function preferredFix(f: Finding): Fix | undefined {
  return f.fixes.find((x) => x.preferred) ?? f.fixes[0];
}

export interface FixChoice {
  /** Fixes to apply to this file now. */
  apply: Fix[];
  /** Findings whose fix was not applied (needs --fix=all, or waits for the next pass). */
  skipped: { finding: Finding; fix: Fix; reason: 'needs --fix=all' | 'conflict' }[];
}

/**
 * The fixes to apply to one file in one pass. A fix that creates a file is taken alone (at most
 * one per pass when `allowNewFiles`), since the next one must see the files it created.
 */
export function chooseFixes(findings: readonly Finding[], mode: FixMode, allowNewFiles: boolean): FixChoice {
  const apply: Fix[] = [];
  const skipped: FixChoice['skipped'] = [];
  const wanted = findings.map((finding) => ({ finding, fix: preferredFix(finding) })).filter((x): x is { finding: Finding; fix: Fix } => !!x.fix && x.fix.edits.length + (x.fix.newFiles?.length ?? 0) > 0);
  // One fix per statement per pass: each fix was computed for the statement as it is now, and two
  // of them can interact (a lock_timeout put before a CREATE INDEX that another fix makes
  // CONCURRENTLY turns a one-statement file into a two-statement query, which PostgreSQL runs in
  // an implicit transaction). The next pass re-lints and offers what still applies. The fix that
  // changes the statement itself goes first; the lock_timeout wrapper waits.
  const ordered = [...wanted].sort((a, b) => Number(a.finding.rule === LOCK_TIMEOUT_RULE) - Number(b.finding.rule === LOCK_TIMEOUT_RULE));
  const perStatement = new Set<number>();
  const safe: typeof wanted = [];
  for (const w of ordered) {
    if (!isSafeFix(w.fix)) continue;
    const i = w.finding.statementIndex;
    if (i !== undefined && perStatement.has(i)) {
      skipped.push({ ...w, reason: 'conflict' });
      continue;
    }
    if (i !== undefined) perStatement.add(i);
    safe.push(w);
  }
  const chosen = compatibleFixes(safe.map((w) => w.fix));
  for (const w of safe) if (!chosen.includes(w.fix)) skipped.push({ ...w, reason: 'conflict' });
  apply.push(...chosen);
  const unsafe = wanted.filter((w) => !isSafeFix(w.fix));
  if (mode === 'all' && allowNewFiles && apply.length === 0 && unsafe.length) {
    apply.push(unsafe[0].fix);
    for (const w of unsafe.slice(1)) skipped.push({ ...w, reason: 'conflict' });
  } else {
    for (const w of unsafe) skipped.push({ ...w, reason: mode === 'all' ? 'conflict' : 'needs --fix=all' });
  }
  return { apply, skipped };
}

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

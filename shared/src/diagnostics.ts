// Findings the engine itself produces (not rules): they have ids, docs pages and levels like
// rules do, so they can be configured and suppressed the same way.
import type { SplitResult } from './parse/split';
import type { Statement } from './parse/statement';
import type { Suppression } from './suppress';
import { docsUrl, type Finding, type Fix, type RuleMeta, type RuleReport, type Severity } from './rules/types';
import { removeUnused } from './fixes/suppression';

const engine = (id: string, level: RuleMeta['defaultLevel'], description: string): RuleMeta => ({
  id, category: 'hazard', defaultLevel: level, description, docs: docsUrl(id), fixable: false,
});

export const ENGINE_DIAGNOSTICS = {
  syntaxError: engine('syntax-error', 'error', 'A statement PostgreSQL cannot parse; the rest of the file is still checked.'),
  psqlMetaCommand: engine('psql-meta-command', 'warn', 'A psql meta-command (\\set, \\i, …): only psql understands it; pgsafe skips the line.'),
  psqlVariable: engine('psql-variable', 'warn', 'A psql-style :variable placeholder that the migration runner substitutes before running the file.'),
  missingSemicolon: engine('missing-semicolon', 'warn', 'A statement inside a goose/sql-migrate StatementBegin/End block without its terminating semicolon.'),
  unusedSuppression: { ...engine('unused-suppression', 'warn', 'A pgsafe-ignore comment that suppresses nothing, or names an unknown rule.'), fixable: true },
  downDoesNotRevert: engine('down-does-not-revert', 'warn', "A migration's own down part does not undo its up part (replayed on the schema model)."),
  unreadableFile: engine('unreadable-file', 'error', 'A file pgsafe cannot read as SQL text: missing, binary, not UTF-8, or too large.'),
} as const;

export const ENGINE_DIAGNOSTIC_LIST: readonly RuleMeta[] = Object.values(ENGINE_DIAGNOSTICS);

type Push = (meta: RuleMeta, severity: Severity, report: RuleReport, stmt: Statement | undefined) => void;

/** Findings for what the splitter noticed: psql meta-commands, psql variables (once per name), missing semicolons. */
export function reportSourceNotes(split: SplitResult, levelOf: (m: RuleMeta) => Severity | undefined, push: Push): void {
  const D = ENGINE_DIAGNOSTICS;
  const variableUses = new Map<string, number>();
  for (const note of split.notes) if (note.kind === 'psql-variable') variableUses.set(note.text, (variableUses.get(note.text) ?? 0) + 1);
  for (const note of split.notes) {
    const stmt = split.statements.find((s) => s.start <= note.start && note.start <= s.end);
    if (note.kind === 'psql-meta-command') {
      const level = levelOf(D.psqlMetaCommand);
      if (level) push(D.psqlMetaCommand, level, { message: `psql meta-command \`${note.text.trim()}\` is not SQL; pgsafe skips this line (only psql can run it).`, help: 'Run this file with psql, or move the meta-command out of the migration.', start: note.start, end: note.end }, stmt);
    } else if (note.kind === 'missing-semicolon') {
      const level = levelOf(D.missingSemicolon);
      if (level) push(D.missingSemicolon, level, { message: 'This statement has no terminating `;` before `StatementEnd`. The migration runner sends the block as one query, so it runs there, but as a plain script (psql, another runner) it would run into the next statement.', help: 'Add the `;`.', start: Math.max(note.start - 1, stmt?.start ?? 0), end: note.end }, stmt);
    } else {
      const uses = variableUses.get(note.text);
      if (uses === undefined) continue; // reported once per variable, at its first use
      variableUses.delete(note.text);
      const level = levelOf(D.psqlVariable);
      if (level) push(D.psqlVariable, level, { message: `psql variable \`${note.text}\` (${uses} use${uses === 1 ? '' : 's'} in this file) is substituted by the migration runner before the file runs; pgsafe checked those statements with a placeholder name in its place.`, help: 'Findings in those statements refer to the placeholder. If the placeholder is intended, turn psql-variable off for this folder in pgsafe.config.json.', start: note.start, end: note.end }, stmt);
    }
  }
}

/** Suppressions that suppressed nothing, or name unknown rules (run after suppressions were applied). */
export function unusedSuppressionFindings(text: string, sups: readonly Suppression[], severity: Severity, known: (id: string) => boolean): Finding[] {
  const meta = ENGINE_DIAGNOSTICS.unusedSuppression;
  const out: Finding[] = [];
  const add = (s: Suppression, message: string, help: string, fixes: Fix[] = []) =>
    out.push({ rule: meta.id, severity, message, help, start: s.comment.start, end: s.comment.end, docs: meta.docs, related: [], fixes });
  for (const s of sups) {
    const target = s.fileWide ? 'this file' : 'the next statement';
    const unknown = s.rules.filter((r) => !known(r));
    if (unknown.length) add(s, `Unknown rule ${unknown.map((u) => `"${u}"`).join(', ')} in a pgsafe-ignore comment.`, 'Run `pgsafe rules` for the rule ids.');
    const unused = s.rules.filter((r) => known(r) && !s.used.has(r));
    if (s.rules.length === 0 ? !s.usedAll : unused.length > 0) {
      const what = s.rules.length === 0 ? 'suppresses nothing' : `does not suppress anything for ${unused.join(', ')}`;
      add(s, `This pgsafe-ignore comment ${what} on ${target}.`, 'Remove it, or move it directly above the statement it is meant for.', [removeUnused(text, s.comment, s.rules, s.rules.length === 0 ? [] : [...unknown, ...unused])]);
    }
  }
  return out;
}

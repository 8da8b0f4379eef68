// Edits that add or trim pgsafe-ignore comments: the "ignore for this statement / file" code
// actions and the fix for an unused suppression. They only ever insert or remove comment text.
import type { SplitResult } from '../parse/split';
import type { Statement } from '../parse/statement';
import type { Comment } from '../parse/trivia';
import type { Fix, TextEdit } from '../rules/types';
import { parseSuppression } from '../suppress';

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** A line comment `-- pgsafe-ignore a, b` without a `-- reason` can take more rule ids. */
function extendable(c: Comment, fileWide: boolean): boolean {
  const p = !c.block ? parseSuppression(c) : undefined;
  return !!p && p.fileWide === fileWide && p.rules.length > 0 && !c.body.slice('pgsafe-ignore'.length).includes('--');
}

function appendRule(c: Comment, rule: string): TextEdit {
  return { start: c.end, end: c.end, newText: `, ${rule}` };
}

/** `-- pgsafe-ignore <rule>` directly above the statement (or added to the one already there). */
export function ignoreForStatement(text: string, stmt: Statement, rule: string): Fix {
  const title = `Ignore ${rule} for this statement`;
  const last = stmt.leadingComments[stmt.leadingComments.length - 1];
  if (last && extendable(last, false) && text.slice(last.end, stmt.start).trim() === '') {
    const rules = parseSuppression(last)!.rules;
    if (rules.includes(rule)) return { title, edits: [] };
    return { title, edits: [appendRule(last, rule)] };
  }
  const ls = lineStartOf(text, stmt.start);
  const before = text.slice(ls, stmt.start);
  if (/^[ \t]*$/.test(before)) return { title, edits: [{ start: ls, end: ls, newText: `${before}-- pgsafe-ignore ${rule}${eol(text)}` }] };
  // Another statement ends on the same line: the comment goes on a line of its own before this one.
  return { title, edits: [{ start: stmt.start, end: stmt.start, newText: `${eol(text)}-- pgsafe-ignore ${rule}${eol(text)}` }] };
}

/** Leading lines a tool requires first in the file (Liquibase's header, Atlas directives). */
const HEADER = /^--\s*(liquibase formatted sql|atlas:)/i;

/** `-- pgsafe-ignore-file <rule>` at the top of the file (or added to the one already there). */
export function ignoreForFile(text: string, split: SplitResult, rule: string): Fix {
  const title = `Ignore ${rule} for this file`;
  const comments = [...split.statements.flatMap((s) => s.leadingComments), ...split.trailingComments];
  const existing = comments.find((c) => extendable(c, true));
  if (existing) {
    if (parseSuppression(existing)!.rules.includes(rule)) return { title, edits: [] };
    return { title, edits: [appendRule(existing, rule)] };
  }
  let at = 0;
  while (at < text.length) {
    const nl = text.indexOf('\n', at);
    const line = text.slice(at, nl === -1 ? text.length : nl);
    if (!HEADER.test(line.trim())) break;
    at = nl === -1 ? text.length : nl + 1;
  }
  const nl = eol(text);
  const prefix = at === text.length && at > 0 && !text.endsWith('\n') ? nl : '';
  return { title, edits: [{ start: at, end: at, newText: `${prefix}-- pgsafe-ignore-file ${rule}${nl}` }] };
}

/** Remove a suppression comment that silences nothing, or the rule ids in it that silence nothing. */
export function removeUnused(text: string, c: Comment, allRules: readonly string[], unused: readonly string[]): Fix {
  const keep = allRules.filter((r) => !unused.includes(r));
  if (keep.length > 0 && !c.block) {
    const p = parseSuppression(c)!;
    const head = p.fileWide ? 'pgsafe-ignore-file' : 'pgsafe-ignore';
    const reasonAt = c.body.indexOf('--');
    const reason = reasonAt === -1 ? '' : ` ${c.body.slice(reasonAt)}`;
    return { title: `Remove ${unused.join(', ')} from this pgsafe-ignore comment`, edits: [{ start: c.start, end: c.end, newText: `-- ${head} ${keep.join(', ')}${reason}` }], preferred: true };
  }
  const ls = lineStartOf(text, c.start);
  const nl = text.indexOf('\n', c.end);
  const alone = text.slice(ls, c.start).trim() === '' && text.slice(c.end, nl === -1 ? text.length : nl).trim() === '';
  const edit: TextEdit = alone
    ? { start: ls, end: nl === -1 ? text.length : nl + 1, newText: '' }
    : { start: c.start - (text.slice(0, c.start).match(/[ \t]*$/)?.[0].length ?? 0), end: c.end, newText: '' };
  return { title: 'Remove this unused pgsafe-ignore comment', edits: [edit], preferred: true };
}

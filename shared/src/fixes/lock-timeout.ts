// Recipe 8: a lock_timeout before the first traffic-blocking lock. Inside a transaction it is SET
// LOCAL (it ends with the transaction); outside one it is a session SET, reset before any later
// CONCURRENTLY statement (a lock_timeout could cancel it and leave an INVALID index behind).
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, TextEdit } from '../rules/types';
import { nonTransactionalForm } from '../rules/concurrently-in-transaction';
import { afterLine, eol, indentAt, lineStart } from './text';
import { laterInSection } from '../rules/_flow';

export function lockTimeoutFix(stmt: Statement, ctx: RuleContext): Fix[] {
  if ('parent' in stmt) return []; // inside a DO block: the SET belongs before the DO
  const text = ctx.text;
  const nl = eol(text);
  const value = ctx.lockTimeout;
  const at = lineStart(text, stmt.start);
  const onOwnLine = text.slice(at, stmt.start).trim() === '';
  const indent = onOwnLine ? indentAt(text, stmt.start) : '';
  const set = `SET ${ctx.tx.inTransaction ? 'LOCAL ' : ''}lock_timeout = '${value}';`;
  const edits: TextEdit[] = [onOwnLine ? { start: at, end: at, newText: `${indent}${set}${nl}` } : { start: stmt.start, end: stmt.start, newText: `${set}${nl}` }];
  if (!ctx.tx.inTransaction) {
    // Around each later CONCURRENTLY statement: RESET before it, SET again after it when more follow.
    const later = laterInSection(ctx.statements, stmt).filter((s) => !s.error);
    later.forEach((s, i) => {
      if (!nonTransactionalForm(s)) return;
      const prev = later[i - 1];
      if (!prev || !nonTransactionalForm(prev)) {
        const cat = lineStart(text, s.start);
        const own = text.slice(cat, s.start).trim() === '';
        edits.push(own ? { start: cat, end: cat, newText: `${indentAt(text, s.start)}RESET lock_timeout;${nl}` } : { start: s.start, end: s.start, newText: `RESET lock_timeout;${nl}` });
      }
      const next = later[i + 1];
      if (next && !nonTransactionalForm(next)) {
        const at = afterLine(text, s.terminator ?? s.end);
        edits.push({ start: at, end: at, newText: `${indentAt(text, s.start)}SET lock_timeout = '${value}';${nl}` });
      }
    });
  }
  return [{ title: `Set lock_timeout = '${value}' before this statement${ctx.tx.inTransaction ? ' (SET LOCAL: for this transaction)' : ''}`, edits, preferred: true }];
}

// Recipe 8: a lock_timeout before the first traffic-blocking lock. Inside a transaction it is SET
// LOCAL (it ends with the transaction); outside one it is a session SET, reset before any later
// CONCURRENTLY statement (a lock_timeout could cancel it and leave an INVALID index behind).
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, TextEdit } from '../rules/types';
import { nonTransactionalForm } from '../rules/concurrently-in-transaction';
import { eol, indentAt, lineStart } from './text';

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
    const concurrent = ctx.statements.find((s) => s.index > stmt.index && s.section === stmt.section && nonTransactionalForm(s));
    if (concurrent) {
      const cat = lineStart(text, concurrent.start);
      const own = text.slice(cat, concurrent.start).trim() === '';
      edits.push(own ? { start: cat, end: cat, newText: `${indentAt(text, concurrent.start)}RESET lock_timeout;${nl}` } : { start: concurrent.start, end: concurrent.start, newText: `RESET lock_timeout;${nl}` });
    }
  }
  return [{ title: `Set lock_timeout = '${value}' before this statement${ctx.tx.inTransaction ? ' (SET LOCAL: for this transaction)' : ''}`, edits, preferred: true }];
}

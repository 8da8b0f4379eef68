// Shared helpers for rule files (the leading underscore keeps this file out of the registry).
import { displayName, rangeVarName, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { LockEffect } from '../locks/catalogue';
import { describeBlocked, describeBlockedSequence, type LockMode } from '../locks/modes';
import type { Statement } from '../parse/statement';

const commandsCache = new WeakMap<Statement, { table: QName; cmd: any }[]>();

/** The ALTER TABLE subcommands of a statement, with the table they apply to (computed once per
 *  statement: about twenty rules ask for them). */
export function alterCommands(stmt: Statement): readonly { table: QName; cmd: any }[] {
  if (stmt.kind !== 'AlterTableStmt' || !stmt.node) return [];
  let cached = commandsCache.get(stmt);
  if (cached) return cached;
  cached = [];
  const table = rangeVarName(stmt.node.relation);
  if (table && (!stmt.node.objtype || stmt.node.objtype === 'OBJECT_TABLE')) {
    for (const c of stmt.node.cmds ?? []) if (c.AlterTableCmd) cached.push({ table, cmd: c.AlterTableCmd });
  }
  commandsCache.set(stmt, cached);
  return cached;
}

/** "a SHARE lock on orders, which blocks INSERT, UPDATE and DELETE (reads continue)" */
export function lockPhrase(mode: LockMode, relation: QName | undefined, display = displayName(relation), role?: string): string {
  return `${article(mode)} ${mode} lock on ${role === 'sequence' ? `sequence ${display}` : display}, which ${role === 'sequence' ? describeBlockedSequence(mode) : describeBlocked(mode)}`;
}

function article(mode: string): string {
  return /^[AEIOU]/.test(mode) ? 'an' : 'a';
}

/** Effects of this statement on relations that existed before the file (the ones that matter). */
export function existingEffects(ctx: RuleContext): LockEffect[] {
  return ctx.locks.filter((l) => !ctx.isNew(l.relation));
}

export function targetOf(stmt: Statement): QName | undefined {
  return rangeVarName(stmt.node?.relation);
}

/** Range of a node by its `location` (to the end of the statement), falling back to the statement. */
export function rangeAt(stmt: Statement, location: number | undefined): { start: number; end: number } {
  if (location === undefined || location < 0) return { start: stmt.start, end: stmt.end };
  const start = stmt.loc(location);
  return start >= stmt.start && start < stmt.end ? { start, end: stmt.end } : { start: stmt.start, end: stmt.end };
}

export function name(q: QName | undefined): string {
  return displayName(q);
}



export function related(stmt: Statement | undefined, message: string) {
  return stmt ? [{ start: stmt.start, end: stmt.end, message }] : [];
}

/** Why this statement is in a transaction block, for messages. */
export function transactionCause(ctx: RuleContext): string {
  return ctx.tx.source === 'begin' ? 'the BEGIN earlier in this file opened a transaction block' : ctx.tx.reason;
}

/** How to run a statement outside the transaction it is in: a clause such as "move it to …". */
export function leaveTransaction(ctx: RuleContext, what = 'it'): string {
  if (ctx.tx.source === 'begin') return `put a COMMIT before ${what} (or move ${what} to its own migration)`;
  if (ctx.tx.runner === 'config') return `run ${what} in a migration your runner does not wrap in a transaction (config "transaction": "always" says it wraps every one)`;
  if (ctx.tx.optOut) return `move ${what} to ${ctx.tx.optOut}, so the other statements keep their transaction`;
  if (ctx.tx.runner) return `${ctx.tx.runner} has no way to run a migration outside its transaction: run ${what} separately, outside the migration tool`;
  return `move ${what} to its own migration that the runner does not wrap in a transaction`;
}

export function sentence(clause: string): string {
  return clause.charAt(0).toUpperCase() + clause.slice(1) + (/[.!?]$/.test(clause) ? '' : '.');
}

/**
 * What depends on a table or column, from the replayed schema, as a sentence for DROP messages:
 * indexes and constraints on it go with it; views and other tables' foreign keys make a plain DROP
 * fail ("other objects depend on it") and are dropped too by CASCADE. '' when nothing is known.
 */
export function dependentsSentence(ctx: RuleContext, table: QName, column?: string): string {
  const deps = ctx.catalog.dependentsOf(table, column);
  if (deps.length === 0) return '';
  const label = (d: (typeof deps)[number]) => `${d.kind} ${quoteName(d.name)}${d.kind === 'foreign key' && d.on ? ` on ${displayName(d.on)}` : ''}`;
  const blocking = deps.filter((d) => d.kind === 'view' || d.kind === 'materialized view' || d.kind === 'foreign key');
  const along = deps.filter((d) => d.kind === 'index' || d.kind === 'constraint');
  const subject = column ? `${displayName(table)}.${quoteName(column)}` : displayName(table);
  const parts: string[] = [];
  if (along.length) parts.push(`dropping ${subject} also drops ${along.map(label).join(', ')}`);
  if (blocking.length) parts.push(`${blocking.map(label).join(', ')} depend${blocking.length === 1 ? 's' : ''} on ${subject}, so a plain DROP fails and CASCADE drops ${blocking.length === 1 ? 'it' : 'them'} too`);
  return ` From the migrations before this one: ${parts.join('; ')}.`;
}

function quoteName(n: string): string {
  return displayName({ name: n });
}

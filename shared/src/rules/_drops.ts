import { leaveTransaction, transactionCause } from './_helpers';
import { laterInSection } from './_flow';
// Shared code of the drop / rename / maintenance / partition / trigger rules (group "drops").
import { listName, rangeVarName, sameName, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import { embeddedStatements } from '../parse/embedded';

/** Parsed statements of the up part that come before `stmt` in the file. */
export function earlierStatements(ctx: RuleContext, stmt: Statement): Statement[] {
  return ctx.statements.filter((s) => s.start < stmt.start && s.node && !s.error && s.section.direction === 'up');
}

/** Parsed statements of the same section that come after `stmt` (a statement of the file, not of a DO block). */
export function laterStatements(ctx: RuleContext, stmt: Statement): Statement[] {
  return laterInSection(ctx.statements, stmt).filter((s) => s.node && !s.error);
}

const TX_END = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE', 'TRANS_STMT_COMMIT_PREPARED', 'TRANS_STMT_ROLLBACK_PREPARED']);

/** The statements after `stmt` inside the same DO block (undefined when it is not in one). */
function doBlockSiblingsAfter(stmt: Statement): Statement[] | undefined {
  const parent: Statement | undefined = (stmt as Statement & { parent?: Statement }).parent;
  if (!parent) return undefined;
  // The DO statement's own text at its own offsets is all embeddedStatements reads.
  const text = ' '.repeat(parent.start) + parent.text;
  const all = embeddedStatements(parent, text);
  const key = JSON.stringify(stmt.node);
  const i = all.findIndex((s) => s.start === stmt.start && s.kind === stmt.kind && JSON.stringify(s.node) === key);
  return i === -1 ? [] : all.slice(i + 1);
}

/**
 * What runs after `stmt`: `atomic` are the statements that commit together with it (the rest of
 * its transaction, or of its DO block); `later` is everything after it in the section.
 */
export function followingStatements(ctx: RuleContext, stmt: Statement): { atomic: Statement[]; later: Statement[] } {
  const siblings = doBlockSiblingsAfter(stmt);
  const parent: Statement | undefined = (stmt as Statement & { parent?: Statement }).parent;
  const top = laterStatements(ctx, parent ?? stmt);
  const later = [...(siblings ?? []), ...top];
  let atomic: Statement[] = siblings ?? [];
  if (ctx.tx.inTransaction) {
    const end = top.findIndex((s) => s.kind === 'TransactionStmt' && TX_END.has(s.node?.kind));
    atomic = [...atomic, ...(end === -1 ? top : top.slice(0, end))];
  }
  return { atomic, later };
}

export type ObjectKind = 'schema' | 'database' | 'type' | 'function' | 'extension';

/** Name of the object a CREATE statement makes, by kind (undefined when it makes something else). */
function createdName(s: Statement, kind: ObjectKind): QName | undefined {
  const n = s.node;
  if (!n) return undefined;
  switch (kind) {
    case 'schema':
      if (s.kind !== 'CreateSchemaStmt') return undefined;
      return n.schemaname ? { name: n.schemaname } : n.authrole?.rolename ? { name: n.authrole.rolename } : undefined;
    case 'database':
      return s.kind === 'CreatedbStmt' && n.dbname ? { name: n.dbname } : undefined;
    case 'type':
      if (s.kind === 'CompositeTypeStmt') return rangeVarName(n.typevar);
      if (s.kind === 'CreateEnumStmt' || s.kind === 'CreateRangeStmt') return listName(n.typeName);
      if (s.kind === 'CreateDomainStmt') return listName(n.domainname);
      if (s.kind === 'DefineStmt' && n.kind === 'OBJECT_TYPE') return listName(n.defnames);
      return undefined;
    case 'function':
      return s.kind === 'CreateFunctionStmt' ? listName(n.funcname) : undefined;
    case 'extension':
      return s.kind === 'CreateExtensionStmt' && n.extname ? { name: n.extname } : undefined;
  }
}

/** Was an object of this kind and name created earlier in the file (so nobody else uses it yet)? */
export function createdEarlier(ctx: RuleContext, stmt: Statement, kind: ObjectKind, q: QName | undefined): boolean {
  if (!q) return false;
  return earlierStatements(ctx, stmt).some((s) => {
    const made = createdName(s, kind);
    return !!made && sameName(made, q);
  });
}

/**
 * For the CONCURRENTLY forms that cannot run in a transaction block: a sentence telling the user
 * that this statement is in one and how to get out of it ('' when it is not in one).
 */
export function outsideTransactionNote(ctx: RuleContext, form: string): string {
  if (!ctx.tx.inTransaction) return '';
  return ` ${form} cannot run inside a transaction block, and this statement is in one (${transactionCause(ctx)}): ${leaveTransaction(ctx)}.`;
}

/** "a", "a and b", "a, b and c" */
export function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** `VACUUM (FULL false)` and friends: the option is off when its argument says so. */

/** A DEFAULT partition of `parent` created or attached earlier in this file (CONCURRENTLY refuses those). */
export function defaultPartitionSeen(ctx: RuleContext, stmt: Statement, parent: QName): QName | undefined {
  let found: QName | undefined;
  for (const s of earlierStatements(ctx, stmt)) {
    const n = s.node ?? {};
    if (s.kind === 'CreateStmt' && n?.partbound?.is_default) {
      const p = rangeVarName(n.inhRelations?.[0]?.RangeVar);
      if (p && sameName(p, parent)) found = rangeVarName(n.relation);
    } else if (s.kind === 'AlterTableStmt' && rangeVarName(n?.relation) && sameName(rangeVarName(n.relation)!, parent)) {
      for (const c of n.cmds ?? []) {
        const pc = c.AlterTableCmd?.def?.PartitionCmd;
        const child = rangeVarName(pc?.name);
        if (c.AlterTableCmd?.subtype === 'AT_AttachPartition' && pc?.bound?.is_default) found = child;
        if (c.AlterTableCmd?.subtype === 'AT_DetachPartition' && found && child && sameName(child, found)) found = undefined;
      }
    }
  }
  return found;
}


// Helpers shared by the transaction-shape, data-change and column-type style rules (the leading
// underscore keeps this file out of the registry).
import { displayName, quoteIdent, rangeVarName, type QName } from '../ast/names';
import { typeRef, type TypeRef } from '../ast/types';
import type { Statement } from '../parse/statement';

/** Visit every object in a parse tree; `fn(key, value)` gets the key an object sits under. */
export function walk(node: any, fn: (key: string, value: any) => void, key = ''): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) walk(x, fn, key);
    return;
  }
  fn(key, node);
  // for…in, not Object.entries: no array per node (these walks run over every parse tree).
  for (const k in node) {
    const v = node[k];
    if (v !== null && typeof v === 'object') walk(v, fn, k);
  }
}

/** Does any SELECT inside `node` carry a LIMIT / FETCH FIRST (other than LIMIT ALL / NULL)? */
export function containsLimit(node: any): boolean {
  let found = false;
  walk(node, (key, value) => {
    if (found || key !== 'SelectStmt') return;
    const lc = value.limitCount;
    if (lc && !lc.A_Const?.isnull) found = true;
  });
  return found;
}

/** A key-range bound: `col BETWEEN a AND b`, or `col >(=) a AND col <(=) b` on the same column. */
export function containsKeyRange(where: any): boolean {
  const lower = new Set<string>();
  const upper = new Set<string>();
  let between = false;
  const colKey = (n: any): string | undefined => {
    const f = n?.ColumnRef?.fields;
    if (!Array.isArray(f)) return undefined;
    const last = f[f.length - 1]?.String?.sval;
    return typeof last === 'string' ? last : undefined;
  };
  walk(where, (key, value) => {
    if (key !== 'A_Expr') return;
    if ((value.kind === 'AEXPR_BETWEEN' || value.kind === 'AEXPR_BETWEEN_SYM') && colKey(value.lexpr)) {
      between = true;
      return;
    }
    if (value.kind !== 'AEXPR_OP') return;
    const op = value.name?.[0]?.String?.sval;
    if (!['<', '<=', '>', '>='].includes(op)) return;
    const l = colKey(value.lexpr);
    const r = colKey(value.rexpr);
    if (l && !r) (op.startsWith('>') ? lower : upper).add(l);
    else if (r && !l) (op.startsWith('<') ? lower : upper).add(r);
  });
  return between || [...lower].some((c) => upper.has(c));
}

/** Statement text squeezed to one short line, for messages: `ALTER TABLE orders ADD COLUMN …`. */
export function snippet(stmt: Statement, max = 60): string {
  const s = stmt.text.replace(/--[^\n]*\n/g, ' ').replace(/\s+/g, ' ').trim();
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()} …`;
}

export function transactionKind(stmt: Statement): string | undefined {
  return stmt.kind === 'TransactionStmt' ? String(stmt.node?.kind ?? '') : undefined;
}

export function isBegin(stmt: Statement): boolean {
  const k = transactionKind(stmt);
  return k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START';
}

/** COMMIT / END / ROLLBACK / ABORT / PREPARE TRANSACTION (… AND CHAIN keeps a transaction open). */
export function endsTransaction(stmt: Statement): boolean {
  const k = transactionKind(stmt);
  if (k === 'TRANS_STMT_PREPARE') return true;
  return (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK') && !stmt.node?.chain;
}

/**
 * The first statement after `stmt` in its section that satisfies `pred`. A section's statements are
 * one run of the file's, so the search starts after `stmt` and stops at the section's end instead of
 * scanning the whole file for every statement (quadratic on large files).
 */
export function nextInSection(all: readonly Statement[], stmt: Statement, pred: (s: Statement) => boolean): Statement | undefined {
  for (let i = stmt.index + 1; i < all.length && all[i].section === stmt.section; i++) if (pred(all[i])) return all[i];
  return undefined;
}

/** The statements after `stmt` in its section (see nextInSection). */
export function laterInSection(all: readonly Statement[], stmt: Statement): Statement[] {
  let end = stmt.index + 1;
  while (end < all.length && all[end].section === stmt.section) end++;
  return all.slice(stmt.index + 1, end);
}

export function isEmbedded(stmt: Statement): boolean {
  return 'parent' in stmt;
}

/** The statement's keyword form for messages: BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, … */
export function leadingWords(stmt: Statement): string {
  const m = /^\s*([A-Za-z]+)(\s+(TRANSACTION|WORK|PREPARED))?/i.exec(stmt.text);
  return m ? `${m[1]}${m[3] ? ` ${m[3]}` : ''}`.toUpperCase() : stmt.kind;
}

/** Range of a string literal whose parse-tree location is `location` (falls back to the statement). */
export function literalRange(stmt: Statement, location: number | undefined): { start: number; end: number } {
  if (location === undefined || location < 0) return { start: stmt.start, end: stmt.end };
  const start = stmt.loc(location);
  const i = start - stmt.start;
  if (i < 0 || i >= stmt.text.length) return { start: stmt.start, end: stmt.end };
  let j = stmt.text.indexOf("'", i);
  if (j === -1 || j - i > 3) return { start, end: Math.min(stmt.end, start + 1) };
  for (j = j + 1; j < stmt.text.length; j++) {
    if (stmt.text[j] === "'") {
      if (stmt.text[j + 1] === "'") j++;
      else return { start, end: stmt.start + j + 1 };
    }
  }
  return { start, end: stmt.end };
}

/** A column type written in the statement: CREATE TABLE columns, ADD COLUMN, ALTER COLUMN … TYPE. */
export interface ColumnTypeSite {
  table: QName | undefined;
  column: string;
  type: TypeRef;
  form: 'create table' | 'add column' | 'alter column type';
  start: number;
  end: number;
}

const TYPE_TEXT = /^(?:"[^"]*"|[\w$]+)(?:\s*\.\s*(?:"[^"]*"|[\w$]+))*(?:\s+varying|\s+precision)?(?:\s*\([^()]*\))?(?:\s+(?:with|without)\s+time\s+zone)?(?:\s*\[\s*\d*\s*\])*/i;

function typeRange(stmt: Statement, location: number | undefined): { start: number; end: number } {
  if (location === undefined || location < 0) return { start: stmt.start, end: stmt.end };
  const start = stmt.loc(location);
  const i = start - stmt.start;
  if (i < 0 || i >= stmt.text.length) return { start: stmt.start, end: stmt.end };
  const m = TYPE_TEXT.exec(stmt.text.slice(i));
  return { start, end: m ? start + m[0].length : stmt.end };
}

export function columnTypeSites(stmt: Statement): ColumnTypeSite[] {
  const n = stmt.node;
  if (!n) return [];
  const out: ColumnTypeSite[] = [];
  const add = (table: QName | undefined, def: any, form: ColumnTypeSite['form'], column?: string) => {
    const type = typeRef(def?.typeName);
    const col = column ?? def?.colname;
    if (!type || typeof col !== 'string') return;
    out.push({ table, column: col, type, form, ...typeRange(stmt, def.typeName.location) });
  };
  if (stmt.kind === 'CreateStmt') {
    const table = rangeVarName(n.relation);
    for (const e of n.tableElts ?? []) if (e.ColumnDef) add(table, e.ColumnDef, 'create table');
  } else if (stmt.kind === 'AlterTableStmt' && (!n.objtype || n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_FOREIGN_TABLE')) {
    const table = rangeVarName(n.relation);
    for (const c of n.cmds ?? []) {
      const cmd = c.AlterTableCmd;
      if (cmd?.subtype === 'AT_AddColumn') add(table, cmd.def?.ColumnDef, 'add column');
      else if (cmd?.subtype === 'AT_AlterColumnType') add(table, cmd.def?.ColumnDef, 'alter column type', cmd.name);
    }
  }
  return out;
}

export function columnLabel(site: ColumnTypeSite): string {
  return site.table ? `${displayName(site.table)}.${quoteIdent(site.column)}` : quoteIdent(site.column);
}

/**
 * `WHERE id = <value>` (or `id IN (<values>)`) as one of the AND-ed conditions: a change of a
 * few rows by primary key, not a bulk change. <value> is a constant, a parameter, or — when the
 * statement has no FROM/USING — a qualified name that is not the target (a PL/pgSQL variable).
 */
export function isKeyLookup(n: any): boolean {
  const where = n.whereClause;
  if (!where) return false;
  const target = n.relation?.relname;
  const alias = n.relation?.alias?.aliasname;
  const joins = (n.fromClause?.length ?? 0) + (n.usingClause?.length ?? 0) > 0;
  const isTargetId = (e: any): boolean => {
    const f = e?.ColumnRef?.fields;
    if (!Array.isArray(f) || f[f.length - 1]?.String?.sval !== 'id') return false;
    if (f.length === 1) return true;
    const q = f[f.length - 2]?.String?.sval;
    return q === target || q === alias;
  };
  const isValue = (e: any): boolean => {
    if (!e) return false;
    if (e.A_Const || e.ParamRef) return true;
    if (e.TypeCast) return isValue(e.TypeCast.arg);
    const f = e.ColumnRef?.fields;
    if (!joins && Array.isArray(f) && f.length >= 2) {
      const q = f[f.length - 2]?.String?.sval;
      return q !== target && q !== alias;
    }
    return false;
  };
  const conjuncts: any[] = where.BoolExpr?.boolop === 'AND_EXPR' ? where.BoolExpr.args ?? [] : [where];
  return conjuncts.some((c) => {
    const e = c.A_Expr;
    if (!e || e.name?.[0]?.String?.sval !== '=') return false;
    if (e.kind === 'AEXPR_OP') return (isTargetId(e.lexpr) && isValue(e.rexpr)) || (isTargetId(e.rexpr) && isValue(e.lexpr));
    if (e.kind === 'AEXPR_IN') return isTargetId(e.lexpr) && Array.isArray(e.rexpr?.List?.items) && e.rexpr.List.items.every(isValue);
    return false;
  });
}

/** What a lock effect locks, for messages: the table, or "the table of index x" when only the index is known. */
export function lockedTable(effect: { relation: QName; role: string }): string {
  return effect.role === 'index' ? `the table of index ${displayName(effect.relation)}` : displayName(effect.relation);
}

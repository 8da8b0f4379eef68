// Helpers shared by the constraint and column rules (group "columns"). The leading underscore
// keeps this file out of the rule registry.
import { displayName, listName, quoteIdent, sameName, type QName } from '../ast/names';
import type { TypeRef } from '../ast/types';
import { transactionCause } from './_helpers';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';

/** The constraints of a ColumnDef (DEFAULT, NOT NULL, CHECK, IDENTITY, GENERATED, …). */
export function columnConstraints(def: any): any[] {
  return (def?.constraints ?? []).map((c: any) => c?.Constraint).filter(Boolean);
}


/** Range from a parse-tree location to the end of the token run there (a name or a type such as
 *  `pg_catalog.json[]`), for underlining one column instead of the rest of the statement. */
export function spanAt(stmt: Statement, location: number | undefined, pattern = /^(?:"(?:[^"]|"")*"|[\w$.]+)(?:\s*\(\s*[\d\s,]*\))?(?:\s*\[\s*\d*\s*\])*/): { start: number; end: number } {
  if (location === undefined || location < 0) return { start: stmt.start, end: stmt.end };
  const start = stmt.loc(location);
  if (start < stmt.start || start >= stmt.end) return { start: stmt.start, end: stmt.end };
  const rest = stmt.text.slice(start - stmt.start);
  const m = pattern.exec(rest);
  return { start, end: m && m[0].length > 0 ? start + m[0].length : stmt.end };
}

/** From the column name of a ColumnDef to the end of its type (`payload json`). */
export function columnSpan(stmt: Statement, def: any): { start: number; end: number } {
  const head = spanAt(stmt, def?.location);
  const type = spanAt(stmt, def?.typeName?.location);
  if (head.start === stmt.start && head.end === stmt.end) return type;
  if (type.start === stmt.start && type.end === stmt.end) return head;
  return { start: Math.min(head.start, type.start), end: Math.max(head.end, type.end) };
}

/** Column names of a constraint's key list. */
export function keyList(c: any): string[] {
  return (c?.keys ?? []).map((k: any) => k?.String?.sval).filter((s: unknown): s is string => typeof s === 'string');
}

/** How a statement's transaction came about, for messages. */
export const transactionWhy = transactionCause;

/** Where to move `what` (a statement) so it runs in its own transaction, by how the transaction was opened. */
export function separateTransactionAdvice(ctx: RuleContext, what: string): string {
  if (ctx.tx.source === 'begin') return `put a COMMIT before ${what} (or move it to a later migration)`;
  if (ctx.tx.runner && ctx.tx.runner !== 'config') return `move ${what} to the next migration file (${ctx.tx.runner} wraps each migration in its own transaction)`;
  return `run ${what} in a separate transaction (a later migration)`;
}

/** The NOT NULL step of the expand recipes, correct for the PostgreSQL major. */
export function notNullRecipe(table: QName, column: string, pgVersion: number): string {
  const t = displayName(table);
  const k = quoteIdent(`${table.name}_${column}_not_null`);
  column = quoteIdent(column);
  if (pgVersion >= 18) return `\`ALTER TABLE ${t} ADD CONSTRAINT ${k} NOT NULL ${column} NOT VALID;\`, then \`ALTER TABLE ${t} VALIDATE CONSTRAINT ${k};\` in a separate transaction`;
  if (pgVersion >= 12) return `\`ALTER TABLE ${t} ADD CONSTRAINT ${k} CHECK (${column} IS NOT NULL) NOT VALID;\`, VALIDATE CONSTRAINT ${k} in a separate transaction, then SET NOT NULL (no scan on PostgreSQL ${pgVersion} once the check is validated) and drop the check`;
  return `\`ALTER TABLE ${t} ADD CONSTRAINT ${k} CHECK (${column} IS NOT NULL) NOT VALID;\` and VALIDATE CONSTRAINT ${k} in a separate transaction (before PostgreSQL 12, SET NOT NULL always scans, so keep the CHECK instead)`;
}

export interface DomainFacts {
  name: QName;
  /** Created by a statement earlier in this file. */
  createdInFile: boolean;
  /** Constraints it is known to have (CHECK / NOT NULL), from CREATE DOMAIN or ALTER DOMAIN earlier in the file. */
  constraints: string[];
}

/** Per file: the statements that create, alter or drop domains (most files have none). */
const domainStatements = new WeakMap<readonly Statement[], Statement[]>();

function domainStatementsOf(all: readonly Statement[]): Statement[] {
  let list = domainStatements.get(all);
  if (!list) {
    list = all.filter((s) => s.kind === 'CreateDomainStmt' || s.kind === 'AlterDomainStmt' || (s.kind === 'DropStmt' && s.node?.removeType === 'OBJECT_DOMAIN'));
    domainStatements.set(all, list);
  }
  return list;
}

/** Domains seen in the statements before `stmt` (the catalog does not model domains). */
export function domainsBefore(ctx: RuleContext, stmt: Statement): DomainFacts[] {
  const out: DomainFacts[] = [];
  const find = (q: QName) => out.find((d) => sameName(d.name, q));
  for (const s of domainStatementsOf(ctx.statements)) {
    if (s.index >= stmt.index) break;
    const n = s.node;
    if (!n) continue;
    if (s.kind === 'CreateDomainStmt') {
      const name = listName(n.domainname);
      if (!name) continue;
      const cons = (n.constraints ?? []).map((c: any) => c?.Constraint?.contype).filter((t: any) => t === 'CONSTR_CHECK' || t === 'CONSTR_NOTNULL');
      const existing = find(name);
      if (existing) {
        existing.createdInFile = true;
        existing.constraints = cons;
      } else out.push({ name, createdInFile: true, constraints: cons });
    } else if (s.kind === 'AlterDomainStmt') {
      const name = listName(n.typeName);
      if (!name) continue;
      let d = find(name);
      if (!d) {
        d = { name, createdInFile: false, constraints: [] };
        out.push(d);
      }
      if (n.subtype === 'C' && ['CONSTR_CHECK', 'CONSTR_NOTNULL'].includes(n.def?.Constraint?.contype)) d.constraints.push(n.def.Constraint.contype);
      if (n.subtype === 'O') d.constraints.push('CONSTR_NOTNULL'); // SET NOT NULL
    } else if (s.kind === 'DropStmt' && n.removeType === 'OBJECT_DOMAIN') {
      for (const o of n.objects ?? []) {
        const items = o?.TypeName?.names ?? o?.List?.items;
        const q = listName(items);
        if (!q) continue;
        const i = out.findIndex((d) => sameName(d.name, q));
        if (i !== -1) out.splice(i, 1);
      }
    }
  }
  return out;
}

/** The domain a column type names, when the file told us about it. */
export function domainOf(domains: DomainFacts[], t: TypeRef | undefined): DomainFacts | undefined {
  if (!t || t.array) return undefined;
  const q: QName = t.schema ? { schema: t.schema, name: t.name } : { name: t.name };
  return domains.find((d) => sameName(d.name, q));
}

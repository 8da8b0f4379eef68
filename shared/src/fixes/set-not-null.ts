// Recipe 3: SET NOT NULL on an existing column without the long ACCESS EXCLUSIVE scan.
// PG 18: `ADD CONSTRAINT … NOT NULL col NOT VALID`, then VALIDATE in a separate transaction.
// PG 12–17: `CHECK (col IS NOT NULL) NOT VALID`; then, in a separate transaction, VALIDATE, SET NOT
// NULL (PostgreSQL skips the scan because the validated check proves it) and drop the check.
import { displayName, quoteIdent, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix } from '../rules/types';
import { alterCommands } from '../rules/_helpers';
import { afterTransaction } from './placement';
import { slugOf } from './naming';
import { commentsOf, eol, keywordCase, tokensOf } from './text';

/** Name of the constraint that proves `col` NOT NULL (truncated to PostgreSQL's 63 bytes). */
export function notNullConstraintName(table: QName, col: string): string {
  const n = `${table.name}_${col}_not_null`;
  return quoteIdent(Buffer.byteLength(n) > 63 ? n.slice(0, 63) : n);
}

/**
 * The SQL of recipe 3 for `table.col` (PostgreSQL 12+): `add` (no `;`) takes the brief lock and
 * proves nothing yet; `follow` (with `;`) must run in a separate transaction after it.
 */
export function notNullSteps(table: QName, col: string, pgVersion: number, k: (w: string) => string, nl: string): { add: string; follow: string; name: string; pg18: boolean } {
  const t = displayName(table);
  const c = quoteIdent(col);
  const name = notNullConstraintName(table, col);
  const pg18 = pgVersion >= 18;
  const add = pg18
    ? `${k('ALTER TABLE')} ${t} ${k('ADD CONSTRAINT')} ${name} ${k('NOT NULL')} ${c} ${k('NOT VALID')}`
    : `${k('ALTER TABLE')} ${t} ${k('ADD CONSTRAINT')} ${name} ${k('CHECK')} (${c} ${k('IS NOT NULL')}) ${k('NOT VALID')}`;
  const follow = pg18
    ? `${k('ALTER TABLE')} ${t} ${k('VALIDATE CONSTRAINT')} ${name};`
    : [
      `${k('ALTER TABLE')} ${t} ${k('VALIDATE CONSTRAINT')} ${name};`,
      `${k('ALTER TABLE')} ${t} ${k('ALTER COLUMN')} ${c} ${k('SET NOT NULL')};`,
      `${k('ALTER TABLE')} ${t} ${k('DROP CONSTRAINT')} ${name};`,
    ].join(nl);
  return { add, follow, name, pg18 };
}

export function setNotNullSafely(stmt: Statement, ctx: RuleContext): Fix[] {
  const cmds = alterCommands(stmt);
  // Only a statement that does nothing else: it is replaced as a whole.
  if (cmds.length !== 1 || cmds[0].cmd.subtype !== 'AT_SetNotNull' || ctx.pgVersion < 12 || 'parent' in stmt) return [];
  // The statement is rewritten whole: never when that would drop a comment inside it.
  if (commentsOf(stmt).length) return [];
  const { table, cmd } = cmds[0];
  const col: string = cmd.name;
  // A primary key added later in the file needs the column NOT NULL already (a NOT VALID constraint is not enough).
  if ((lastPrimaryKeyAdd(ctx.statements, stmt).get(table.name) ?? -1) > stmt.index) return [];
  const toks = tokensOf(stmt);
  const k = (w: string) => keywordCase(toks[0]?.text ?? 'ALTER', w);
  const nl = eol(ctx.text);
  const { add, follow, pg18 } = notNullSteps(table, col, ctx.pgVersion, k, nl);
  const edits = [{ start: stmt.start, end: stmt.end, newText: add }];
  const title = pg18
    ? 'Add the NOT NULL constraint NOT VALID, then VALIDATE it in a separate transaction (PostgreSQL 18)'
    : `Prove NOT NULL with a CHECK … NOT VALID, then VALIDATE, SET NOT NULL and drop the check in a separate transaction (PostgreSQL ${ctx.pgVersion})`;
  const fix = afterTransaction(stmt, ctx, edits, title, follow, slugOf(`not_null_${table.name}_${col}`), !pg18);
  return fix ? [fix] : [];
}

/**
 * Per file and section: the last statement on each table (by name) that adds a PRIMARY KEY. Built
 * once per file: asking every SET NOT NULL to scan the later statements was quadratic.
 */
const primaryKeyAdds = new WeakMap<readonly Statement[], Map<unknown, Map<string, number>>>();

function lastPrimaryKeyAdd(all: readonly Statement[], stmt: Statement): Map<string, number> {
  let bySection = primaryKeyAdds.get(all);
  if (!bySection) {
    bySection = new Map();
    for (const s of all) {
      if (s.error) continue;
      let m = bySection.get(s.section);
      if (!m) bySection.set(s.section, (m = new Map()));
      const rel: string | undefined = s.node?.relation?.relname;
      // Only table definitions and ALTER TABLE carry a PRIMARY KEY constraint node.
      if (rel && addsPrimaryKey(s)) m.set(rel, s.index);
    }
    primaryKeyAdds.set(all, bySection);
  }
  return bySection.get(stmt.section) ?? new Map();
}

/** A CREATE TABLE or ALTER TABLE that defines a PRIMARY KEY (on a column or as a table constraint). */
function addsPrimaryKey(s: Statement): boolean {
  const isPk = (c: any) => c?.Constraint?.contype === 'CONSTR_PRIMARY';
  const columnPk = (def: any) => !!def?.ColumnDef?.constraints?.some(isPk);
  if (s.kind === 'CreateStmt') return !!s.node?.tableElts?.some((e: any) => isPk(e) || columnPk(e));
  if (s.kind === 'AlterTableStmt') return !!s.node?.cmds?.some((c: any) => isPk(c.AlterTableCmd?.def) || columnPk(c.AlterTableCmd?.def));
  return false;
}

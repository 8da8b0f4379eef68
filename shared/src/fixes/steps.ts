// Several statements that must run after the transaction of the statement a fix changes, each in a
// transaction of its own (or, for a backfill DO block that commits per batch, outside any): right
// after the statement when statements are sent one by one outside a transaction; after the file's
// COMMIT; otherwise in new migrations after the last one — one file without a transaction for
// runners that send statements one by one (goose, sql-migrate), one file per step for runners that
// send a file as one query (golang-migrate, sqlx, dbmate, plain), since one query is one implicit
// transaction. Used by the recipes that chain steps (6: backfill then NOT NULL; 7: expand).
import { basename } from 'node:path';
import type { MigrationInfo, RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, TextEdit } from '../rules/types';
import { endsTransaction, nextInSection } from '../rules/_flow';
import { newestOrder, newMigration, newMigrationFiles, slugOf, withMigrations } from './naming';
import { ONE_QUERY_MIGRATION, STATEMENT_MIGRATION, sentStatementByStatement } from './placement';
import { afterLine, eol } from './text';

export interface Step {
  /** The step's SQL, with its `;` ('\n' line endings). */
  sql: string;
  /** A DO block whose body holds `;` lines: goose / sql-migrate need it between StatementBegin/End. */
  block?: boolean;
  /** Why it is a step of its own, for a new file's header ("it must run in a separate transaction."). */
  why: string;
  /** What undoes it, for a new migration's down part. */
  down: string;
  slug: string;
  /** Takes a traffic-blocking lock: needs a lock_timeout where it runs. */
  heavy?: boolean;
}

/** goose / sql-migrate split at lines ending in `;`: a body with such lines goes in a StatementBegin/End block. */
export function wrapBlock(sql: string, framework: string | undefined): string {
  if (framework !== 'goose' && framework !== 'sql-migrate') return sql;
  const tag = framework === 'goose' ? 'goose' : 'migrate';
  return `-- +${tag} StatementBegin\n${sql}\n-- +${tag} StatementEnd`;
}

/**
 * Run `steps` in order after `stmt`'s transaction. `edits` change the file itself; `insertAt` is
 * where the steps go when they stay in the file (after the statement). Undefined when the
 * framework gives no safe place (Flyway, a later migration exists, …).
 */
export function stepsAfterTransaction(stmt: Statement, ctx: RuleContext, edits: TextEdit[], insertAt: number, title: string, steps: readonly Step[]): Fix | undefined {
  if ('parent' in stmt || stmt.block !== undefined || !steps.length) return undefined;
  const text = ctx.text;
  const nl = eol(text);
  const tx = ctx.tx;
  const byStatement = sentStatementByStatement(ctx);
  const withNl = (s: string) => (nl === '\n' ? s : s.replace(/\r?\n/g, nl));
  const timeout = `SET lock_timeout = '${ctx.lockTimeout}';\n`;
  // Heavy steps get a session lock_timeout before the first of them, unless one is already set for
  // the session (a SET LOCAL ends with the statement's transaction).
  const covered = !!ctx.session.lockTimeout && !/\bLOCAL\b/i.test(ctx.session.lockTimeout.text);
  const inFile = (fw: string | undefined, hasTimeout: boolean) => {
    let set = hasTimeout;
    return steps.map((s) => {
      const sql = s.block ? wrapBlock(s.sql, fw) : s.sql;
      if (!s.heavy || set) return sql;
      set = true;
      return timeout + sql;
    }).join('\n');
  };
  const at = (offset: number): TextEdit => ({ start: offset, end: offset, newText: `${offset === text.length && !text.endsWith('\n') ? nl : ''}${withNl(inFile(stmt.section.framework, covered))}${nl}` });
  if (!tx.inTransaction && byStatement) return { title, edits: [...edits, at(insertAt)], preferred: true };
  if (tx.inTransaction && tx.source === 'begin' && byStatement) {
    const commit = nextInSection(ctx.statements, stmt, endsTransaction);
    if (commit && /^\s*(COMMIT|END)\b/i.test(commit.text)) return { title: `${title} (after the file's COMMIT)`, edits: [...edits, at(afterLine(text, commit.terminator ?? commit.end))], preferred: true };
    return undefined;
  }
  const m = ctx.migration;
  if (!m || stmt.section.direction !== 'up' || m.framework === 'flyway') return undefined;
  const currentOrder = newestOrder(m, ctx.path);
  if (currentOrder === undefined) return undefined;
  const from = basename(ctx.path);
  const files: { path: string; content: string }[] = [];
  if (STATEMENT_MIGRATION.has(m.framework)) {
    const target = newMigration(m, steps[0].slug);
    if (!target) return undefined;
    const down = steps.map((s) => s.down).reverse().join('\n');
    const why = steps.length === 1 ? steps[0].why : 'each statement runs in a transaction of its own.';
    files.push(...newMigrationFiles(target, inFile(m.framework, false), down, `-- Follows ${from} (pgsafe): ${why}\n`));
  } else if (ONE_QUERY_MIGRATION.has(m.framework)) {
    // One file per step: a file sent as one query would run the steps in one implicit transaction.
    let known: MigrationInfo = m;
    let order = currentOrder;
    let previous = from;
    for (const s of steps) {
      const target = newMigration(known, slugOf(s.slug));
      if (!target) return undefined;
      files.push(...newMigrationFiles(target, `${s.heavy ? timeout : ''}${s.sql}`, s.down, `-- Follows ${previous} (pgsafe): ${s.why}\n`));
      known = withMigrations(known, [{ path: target.up, order: ++order }]);
      previous = basename(target.up);
    }
  } else return undefined;
  const names = files.filter((f) => !/\.down\.sql$/.test(f.path)).map((f) => basename(f.path));
  return { title: `${title} (in ${names.length === 1 ? 'a new migration' : 'new migrations'} ${names.join(', ')})`, edits, newFiles: files.map((f) => ({ path: f.path, content: withNl(f.content) })), preferred: true };
}

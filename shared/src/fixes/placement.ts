// Getting a statement out of its transaction, the way the file's framework allows: in place when
// it already runs outside one; the framework's opt-out marker when every statement of the file can
// run without a transaction; splitting an explicit BEGIN … COMMIT; otherwise a new migration file
// after the existing ones (the statement leaves this file).
import { basename } from 'node:path';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, TextEdit } from '../rules/types';
import { nonTransactionalForm } from '../rules/concurrently-in-transaction';
import { endsTransaction } from '../rules/_flow';
import { newMigration, newMigrationFiles } from './naming';
import { afterLine, eol, lineStart, removalRange, sectionStatements } from './text';

export interface Relocation {
  /** Title of the fix when the statement stays where it is ("Use CREATE INDEX CONCURRENTLY"). */
  title: string;
  /** Edits inside the statement that give its safe form. */
  rewrite: TextEdit[];
  /** The statement's SQL to run outside a transaction, with its `;` (the rewrite applied). */
  sql: string;
  /** SQL that undoes it, for a new migration's down part. */
  down: string;
  /** File-name slug for a new migration. */
  slug: string;
}

/** Can this statement run outside a transaction without changing what the migration means? */
function allowsNoTransaction(s: Statement): boolean {
  return !!nonTransactionalForm(s) || s.kind === 'VariableSetStmt' || s.kind === 'VariableShowStmt';
}

/** Apply edits (file offsets) to the statement's source (from its start through its `;`). */
export function rewriteSource(text: string, stmt: Statement, edits: readonly TextEdit[]): string {
  const from = stmt.start;
  const to = stmt.terminator !== undefined ? stmt.terminator + 1 : stmt.end;
  let out = text.slice(from, to);
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start - from) + e.newText + out.slice(e.end - from);
  return stmt.terminator === undefined ? out + ';' : out;
}

export function outsideTransaction(stmt: Statement, ctx: RuleContext, r: Relocation): Fix | undefined {
  const text = ctx.text;
  const nl = eol(text);
  const tx = ctx.tx;
  const mine = sectionStatements(ctx.statements, stmt);
  const alone = mine.every((s) => s === stmt || allowsNoTransaction(s));
  if (!tx.inTransaction) {
    // An unknown runner may send the file as one query (an implicit transaction): a file of its own is safe either way.
    if (tx.assumption && !alone) return moveToNewMigration(stmt, ctx, r) ?? { title: r.title, edits: r.rewrite, preferred: true };
    return { title: r.title, edits: r.rewrite, preferred: true };
  }

  if (tx.source === 'begin' && tx.begin) {
    const commit = ctx.statements.find((s) => s.index > stmt.index && s.section === stmt.section && endsTransaction(s));
    const edits: TextEdit[] = [...r.rewrite];
    if (tx.earlier.length === 0) edits.push({ ...removalRange(text, tx.begin), newText: '' });
    else edits.push({ start: lineStart(text, stmt.start), end: lineStart(text, stmt.start), newText: `COMMIT;${nl}` });
    const stmtEnd = afterLine(text, stmt.terminator ?? stmt.end);
    const next = ctx.statements[stmt.index + 1];
    if (commit && next === commit) edits.push({ ...removalRange(text, commit), newText: '' });
    else {
      // The second transaction keeps the lock_timeout the first one set with SET LOCAL.
      const local = ctx.session.lockTimeout && /\bLOCAL\b/i.test(ctx.session.lockTimeout.text) ? `${ctx.session.lockTimeout.text.trim()};${nl}` : '';
      edits.push({ start: stmtEnd, end: stmtEnd, newText: `BEGIN;${nl}${local}` });
    }
    return { title: `${r.title}, outside the file's BEGIN … COMMIT`, edits, preferred: true };
  }

  const marker = stmt.section.marker;
  if (tx.source === 'runner' && alone && marker && !stmt.section.noTransaction && stmt.section.direction === 'up') {
    let markerEdit: TextEdit | undefined;
    if (marker.framework === 'goose') markerEdit = { start: marker.start, end: marker.start, newText: `-- +goose NO TRANSACTION${nl}` };
    else if (marker.framework === 'sql-migrate') markerEdit = { start: marker.end, end: marker.end, newText: ' notransaction' };
    else if (marker.framework === 'dbmate') markerEdit = { start: marker.end, end: marker.end, newText: ' transaction:false' };
    if (markerEdit) return { title: `${r.title}, and run this migration without a transaction (${marker.framework} marker)`, edits: [markerEdit, ...r.rewrite], preferred: true };
  }
  // Flyway runs a migration made only of such statements without a transaction by itself.
  if (tx.runner === 'flyway' && mine.length === 1) {
    return { title: `${r.title} (Flyway then runs it without a transaction; deploy with flyway.postgresql.transactional.lock=false)`, edits: r.rewrite, preferred: true };
  }
  return moveToNewMigration(stmt, ctx, r);
}

function moveToNewMigration(stmt: Statement, ctx: RuleContext, r: Relocation): Fix | undefined {
  const text = ctx.text;
  const nl = eol(text);
  const m = ctx.migration;
  const target = m && newMigration(m, r.slug);
  if (!target) return undefined;
  const header = `-- Moved here from ${basename(ctx.path)} by pgsafe: it cannot run inside a transaction.${nl}`;
  const files = newMigrationFiles(target, r.sql, r.down, header).map((f) => ({ path: f.path, content: nl === '\n' ? f.content : f.content.replace(/\n/g, nl) }));
  const flyway = m!.framework === 'flyway' ? ' (deploy with flyway.postgresql.transactional.lock=false)' : '';
  return {
    title: `${r.title} in a new migration ${basename(target.up)}${flyway}`,
    edits: [{ ...removalRange(text, stmt, true), newText: '' }],
    newFiles: files,
    preferred: true,
  };
}

/**
 * Run `sql` in its own transaction after the one `stmt` runs in: right after it when it runs
 * outside a transaction, after the file's COMMIT, or in a new migration after the last one (the
 * runner's transaction ends with the file). `edits` are the changes to `stmt` itself.
 */
export function afterTransaction(stmt: Statement, ctx: RuleContext, edits: TextEdit[], title: string, sql: string, slug: string, heavy = false): Fix | undefined {
  const text = ctx.text;
  const nl = eol(text);
  const tx = ctx.tx;
  const insertAfter = (s: Statement): TextEdit => {
    const at = afterLine(text, s.terminator ?? s.end);
    const needNl = at === text.length && !text.endsWith('\n');
    return { start: at, end: at, newText: `${needNl ? nl : ''}${sql}${nl}` };
  };
  if (!tx.inTransaction && !(tx.assumption && sectionStatements(ctx.statements, stmt).length > 1)) {
    return { title, edits: [...edits, insertAfter(stmt)], preferred: true };
  }
  if (tx.source === 'begin') {
    const commit = ctx.statements.find((s) => s.index > stmt.index && s.section === stmt.section && endsTransaction(s));
    if (commit && /^\s*(COMMIT|END)\b/i.test(commit.text)) return { title: `${title} (after the file's COMMIT)`, edits: [...edits, insertAfter(commit)], preferred: true };
  }
  const target = ctx.migration && newMigration(ctx.migration, slug);
  if (!target) return undefined;
  // Statements that take a traffic-blocking lock get the lock_timeout their old place may have had.
  const header = `-- Follows ${basename(ctx.path)} (pgsafe): it must run in a separate transaction.${nl}${heavy ? `SET LOCAL lock_timeout = '${ctx.lockTimeout}';${nl}` : ''}`;
  const files = newMigrationFiles(target, sql, '-- Nothing to undo.', header, true).map((f) => ({ path: f.path, content: nl === '\n' ? f.content : f.content.replace(/\n/g, nl) }));
  return { title: `${title} (in a new migration ${basename(target.up)})`, edits, newFiles: files, preferred: true };
}

// Getting a statement out of its transaction, the way the file's framework allows: in place when
// it already runs outside one; the framework's opt-out marker when every statement of the file can
// run without a transaction; splitting an explicit BEGIN … COMMIT; otherwise a new migration file
// after the existing ones (the statement leaves this file).
import { basename } from 'node:path';
import { namesInTree } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, TextEdit } from '../rules/types';
import { nonTransactionalForm } from '../rules/concurrently-in-transaction';
import { endsTransaction, nextInSection } from '../rules/_flow';
import { laterUpExists, newestOrder, newMigration, newMigrationFiles, withMigrations } from './naming';
import { afterLine, eol, indentAt, lineStart, removalRange, sectionStatements } from './text';
import { transactionPlan } from '../project/transactions';
import { stepsAfterTransaction } from './steps';

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
  // A statement inside a DO block runs in the block's transaction: CONCURRENTLY can never work there.
  if ('parent' in stmt) return undefined;
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

  // Splitting the file's BEGIN … COMMIT helps only when the runner sends statements one by one.
  if (tx.source === 'begin' && tx.begin && sentStatementByStatement(ctx)) {
    const commit = nextInSection(ctx.statements, stmt, endsTransaction);
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
  if (!m || laterMigrationExists(ctx)) return undefined;
  // A unique index that a later statement of the file may need (a foreign key references it) stays.
  if (stmt.kind === 'IndexStmt' && stmt.node?.unique && stmt.node.relation?.relname && usedLater(ctx, stmt, stmt.node.relation.relname)) return undefined;
  const target = newMigration(m, r.slug);
  if (!target) return undefined;
  const header = `-- Moved here from ${basename(ctx.path)} by pgsafe: it cannot run inside a transaction.${nl}`;
  // The comments that belong to the statement move with it.
  const { range, source } = statementWithComments(text, stmt);
  const files = newMigrationFiles(target, source + r.sql, r.down, header).map((f) => ({ path: f.path, content: nl === '\n' ? f.content : f.content.replace(/\n/g, nl) }));
  const flyway = m!.framework === 'flyway' ? ' (deploy with flyway.postgresql.transactional.lock=false)' : '';
  return {
    title: `${r.title} in a new migration ${basename(target.up)}${flyway}`,
    edits: [{ ...range, newText: '' }],
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
    const commit = nextInSection(ctx.statements, stmt, endsTransaction);
    if (commit && /^\s*(COMMIT|END)\b/i.test(commit.text)) return { title: `${title} (after the file's COMMIT)`, edits: [...edits, insertAfter(commit)], preferred: true };
  }
  // Later migrations were written for the state this migration leaves: the follow-up cannot run after them.
  if (laterMigrationExists(ctx)) return undefined;
  const target = ctx.migration && newMigration(ctx.migration, slug);
  if (!target) return undefined;
  // Statements that take a traffic-blocking lock get the lock_timeout their old place may have had.
  const header = `-- Follows ${basename(ctx.path)} (pgsafe): it must run in a separate transaction.${nl}${heavy ? `SET LOCAL lock_timeout = '${ctx.lockTimeout}';${nl}` : ''}`;
  const files = newMigrationFiles(target, sql, '-- Nothing to undo.', header, true).map((f) => ({ path: f.path, content: nl === '\n' ? f.content : f.content.replace(/\n/g, nl) }));
  return { title: `${title} (in a new migration ${basename(target.up)})`, edits, newFiles: files, preferred: true };
}

/** A statement that needs another statement run outside any transaction before it (recipe 4: the
 *  unique index built CONCURRENTLY before `ADD CONSTRAINT … USING INDEX`). */
export interface Preparation {
  /** Title of the fix when both statements stay in this file. */
  title: string;
  /** Edits inside the statement. */
  rewrite: TextEdit[];
  /** The statement with the rewrite applied, with its `;`. */
  sql: string;
  /** What undoes the statement, for a new migration's down part. */
  down: string;
  /** SQL (with its `;`) that must run outside a transaction, and be done, before the statement. */
  prep: string;
  /** What undoes `prep`. */
  prepDown: string;
  /** What undoes the statement when `prep` ran in an earlier migration (which stays applied). */
  splitDown?: string;
  /** Relation the statement changes: the move to a later migration is refused when later statements use it. */
  relation: string;
  slug: string;
  prepSlug: string;
}

/** A migration after this file exists: a new migration "after the last one" would run after it,
 *  which was written for the schema this file leaves (the corpus run showed such moves breaking
 *  later migrations that use the moved index or a table renamed meanwhile). */
export function laterMigrationExists(ctx: RuleContext): boolean {
  const m = ctx.migration;
  return !!m && laterUpExists(m, ctx.path);
}

/** Frameworks whose new migration files can hold a statement that must run outside a transaction. */
export const ONE_QUERY_MIGRATION = new Set(['golang-migrate', 'sqlx', 'flyway', 'plain', 'dbmate']);
export const STATEMENT_MIGRATION = new Set(['goose', 'sql-migrate']);

/** How the runner sends this file: one statement at a time (true), or the file/section as one query. */
export function sentStatementByStatement(ctx: RuleContext): boolean {
  const plan = transactionPlan(ctx.migration?.framework ?? 'plain', ctx.path, ctx.text);
  return plan.sending === 'statement' && !plan.assumed && !ctx.tx.assumption;
}

/** Comments directly above a statement that belong to it (not a section marker), and the range that removes both. */
function statementWithComments(text: string, stmt: Statement): { range: { start: number; end: number }; source: string } {
  const own = stmt.leadingComments.filter((c) => c.start >= stmt.section.start && !/^--\s*(\+goose|\+migrate|migrate:|----)/i.test(text.slice(c.start, c.end)));
  // Only the comments after the last marker-like one (a suffix of the comment block).
  let first = stmt.leadingComments.length;
  for (let i = stmt.leadingComments.length - 1; i >= 0 && own.includes(stmt.leadingComments[i]); i--) first = i;
  const comments = stmt.leadingComments.slice(first);
  const range = removalRange(text, stmt);
  if (comments.length) {
    const ls = lineStart(text, comments[0].start);
    range.start = /^[ \t]*$/.test(text.slice(ls, comments[0].start)) ? ls : comments[0].start;
  }
  const source = comments.length ? text.slice(comments[0].start, stmt.start) : '';
  return { range, source };
}

/** Is the relation used by a statement after `stmt` in its section (it would then run before the moved statement)? */
/** Per file: for each section, the last statement index that names each relation (and the last unparsed one). */
const lastUse = new WeakMap<readonly Statement[], Map<unknown, { byName: Map<string, number>; unparsed: number }>>();

export function usedLater(ctx: RuleContext, stmt: Statement, relation: string): boolean {
  let bySection = lastUse.get(ctx.statements);
  if (!bySection) {
    bySection = new Map();
    for (const s of ctx.statements) {
      let e = bySection.get(s.section);
      if (!e) bySection.set(s.section, (e = { byName: new Map(), unparsed: -1 }));
      if (s.error || !s.node) {
        e.unparsed = s.index;
        continue;
      }
      for (const n of namesInTree(s.node, new Set())) e.byName.set(n, s.index);
    }
    lastUse.set(ctx.statements, bySection);
  }
  const e = bySection.get(stmt.section);
  return !!e && ((e.byName.get(relation) ?? -1) > stmt.index || e.unparsed > stmt.index);
}

/**
 * Run `p.prep` outside any transaction before the statement, the way the framework allows: both in
 * place when the file is sent statement by statement outside a transaction; the file's BEGIN …
 * COMMIT split before the statement; goose / sql-migrate's no-transaction marker when nothing else
 * in the migration needs the transaction; otherwise the statement leaves this file for new
 * migrations after the last one — one file without a transaction for runners that send statements
 * one by one (goose, sql-migrate), two files (prep alone, then the statement) for runners that send
 * a file or section as one query. A move is refused when this is not the last migration or later
 * statements of the file use the relation (they would run before the moved statement).
 */
export function prepareOutsideTransaction(stmt: Statement, ctx: RuleContext, p: Preparation): Fix | undefined {
  if ('parent' in stmt || stmt.block !== undefined) return undefined;
  const text = ctx.text;
  const nl = eol(text);
  const tx = ctx.tx;
  const byStatement = sentStatementByStatement(ctx);
  const indent = indentAt(text, stmt.start);
  const ownLine = text.slice(lineStart(text, stmt.start), stmt.start).trim() === '';
  const before = (at: number, sql: string): TextEdit => ({ start: at, end: at, newText: sql });
  const prepBeforeStmt = (sql: string): TextEdit => (ownLine ? before(lineStart(text, stmt.start), `${indent}${sql.split(nl).join(nl + indent).replace(new RegExp(`${indent}$`), '')}`) : before(stmt.start, sql));

  if (!tx.inTransaction && byStatement) {
    return { title: p.title, edits: [prepBeforeStmt(`${p.prep}${nl}`), ...p.rewrite], preferred: true };
  }
  if (tx.inTransaction && tx.source === 'begin' && tx.begin && byStatement) {
    const edits: TextEdit[] = [...p.rewrite];
    if (tx.earlier.length === 0) edits.push(before(lineStart(text, tx.begin.start), `${p.prep}${nl}`));
    else {
      // The second transaction keeps the first one's SET LOCAL lock_timeout; when the first one took a
      // heavy lock without any, the second one gets its own (else both would be unprotected).
      const local = ctx.session.lockTimeout
        ? (/\bLOCAL\b/i.test(ctx.session.lockTimeout.text) ? `${ctx.session.lockTimeout.text.trim()};${nl}` : '')
        : tx.unprotectedHeavyLock ? `SET LOCAL lock_timeout = '${ctx.lockTimeout}';${nl}` : '';
      edits.push(prepBeforeStmt(`COMMIT;${nl}${p.prep}${nl}BEGIN;${nl}${local}`));
    }
    return { title: `${p.title}, outside the file's BEGIN … COMMIT`, edits, preferred: true };
  }
  const mine = sectionStatements(ctx.statements, stmt);
  const marker = stmt.section.marker;
  const othersAllow = mine.every((s) => s === stmt || (allowsNoTransaction(s) && !/\bLOCAL\b/i.test(s.text)));
  if (tx.inTransaction && tx.source === 'runner' && othersAllow && marker && !stmt.section.noTransaction && stmt.section.direction === 'up' && (marker.framework === 'goose' || marker.framework === 'sql-migrate')) {
    const markerEdit: TextEdit = marker.framework === 'goose'
      ? { start: marker.start, end: marker.start, newText: `-- +goose NO TRANSACTION${nl}` }
      : { start: marker.end, end: marker.end, newText: ' notransaction' };
    return { title: `${p.title}, and run this migration without a transaction (${marker.framework} marker)`, edits: [markerEdit, prepBeforeStmt(`${p.prep}${nl}`), ...p.rewrite], preferred: true };
  }
  return moveWithPreparation(stmt, ctx, p);
}

function moveWithPreparation(stmt: Statement, ctx: RuleContext, p: Preparation): Fix | undefined {
  const m = ctx.migration;
  if (!m || stmt.section.direction !== 'up') return undefined;
  const currentOrder = newestOrder(m, ctx.path);
  if (currentOrder === undefined) return undefined;
  if (usedLater(ctx, stmt, p.relation)) return undefined;
  const text = ctx.text;
  const nl = eol(text);
  const { range, source } = statementWithComments(text, stmt);
  const withNl = (files: { path: string; content: string }[]) => files.map((f) => ({ path: f.path, content: nl === '\n' ? f.content : f.content.replace(/\r?\n/g, nl) }));
  const timeout = (local: boolean) => `SET ${local ? 'LOCAL ' : ''}lock_timeout = '${ctx.lockTimeout}';\n`;
  const moved = `${source.replace(/\r\n/g, '\n')}${p.sql.replace(/\r\n/g, '\n')}`;
  const from = basename(ctx.path);
  const removal: TextEdit = { ...range, newText: '' };
  if (STATEMENT_MIGRATION.has(m.framework)) {
    const target = newMigration(m, p.slug);
    if (!target) return undefined;
    const header = `-- Moved here from ${from} by pgsafe: the index is built without a transaction first.\n`;
    const files = newMigrationFiles(target, `${p.prep}\n${timeout(false)}${moved}`, p.down, header);
    return { title: `${p.title} in a new migration ${basename(target.up)}`, edits: [removal], newFiles: withNl(files), preferred: true };
  }
  if (!ONE_QUERY_MIGRATION.has(m.framework)) return undefined;
  const first = newMigration(m, p.prepSlug);
  if (!first) return undefined;
  const after = withMigrations(m, [{ path: first.up, order: currentOrder + 1 }]);
  const second = newMigration(after, p.slug);
  if (!second) return undefined;
  // sqlx runs a migration in a transaction unless its first line says otherwise.
  const noTx = m.framework === 'sqlx' ? '-- no-transaction\n' : '';
  const prepFiles = newMigrationFiles(first, p.prep, p.prepDown, `${noTx}-- Moved here from ${from} by pgsafe: it cannot run inside a transaction; ${basename(second.up)} follows.\n`);
  const stmtFiles = newMigrationFiles(second, `${timeout(true)}${moved}`, p.splitDown ?? p.down, `-- Moved here from ${from} by pgsafe: it needs ${basename(first.up)}, which runs without a transaction.\n`, true);
  const flyway = m.framework === 'flyway' ? ' (deploy with flyway.postgresql.transactional.lock=false)' : '';
  return { title: `${p.title} in new migrations ${basename(first.up)} and ${basename(second.up)}${flyway}`, edits: [removal], newFiles: withNl([...prepFiles, ...stmtFiles]), preferred: true };
}

/**
 * Run `sql` — one statement that commits by itself (a DO block with COMMIT between batches) — as a
 * query of its own, outside any transaction, after the transaction `stmt` runs in has committed:
 * right after `after` (the last edit's statement) when statements are sent one by one outside a
 * transaction; after the file's COMMIT; otherwise alone in a new migration after the last one
 * (never when a later migration exists, which would run before it). `edits` change the file itself.
 */
export function aloneAfterTransaction(stmt: Statement, ctx: RuleContext, edits: TextEdit[], insertAt: number, title: string, sql: string, slug: string): Fix | undefined {
  return stepsAfterTransaction(stmt, ctx, edits, insertAt, title, [{ sql, block: true, why: 'it commits batch by batch, so it runs alone, outside any transaction.', down: '-- Nothing to undo.', slug }]);
}

// Recipe 7: changes that break running code or rewrite the table, as an expand/contract plan
// (lock-facts-and-safety-tools.md §4.3, §5.2):
// - ALTER COLUMN … TYPE that rewrites → expand: a new column of the new type, a trigger that keeps
//   it equal to the old one on every write, a batched backfill; contract: in one transaction, drop
//   the trigger, swap the names, drop the old column.
// - RENAME COLUMN → expand: the new column, a two-way sync trigger (old code writes the old name,
//   new code the new one), a batched backfill; contract: drop the trigger and the old column.
// - RENAME TABLE → expand: the rename plus an updatable view under the old name, in one
//   transaction; contract: drop the view.
// The expand replaces the statement; the backfill runs outside the transaction (steps.ts); the
// contract is a new migration after the last one, marked to deploy only after the application
// change. The plan creates files, so only `--fix=all` or the editor applies it.
import { basename } from 'node:path';
import { displayName, quoteIdent, type QName } from '../ast/names';
import { typeToString } from '../ast/types';
import type { ColumnInfo } from '../context/catalog';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, TextEdit } from '../rules/types';
import { alterCommands } from '../rules/_helpers';
import { backfillBlock, batchKey } from './backfill';
import { lastOrder, newestOrder, newMigration, newMigrationFiles, slugOf, withMigrations } from './naming';
import { sentStatementByStatement, usedLater } from './placement';
import { stepsAfterTransaction, wrapBlock, type Step } from './steps';
import { afterLine, commentsOf, eol, keywordCase, tokensOf } from './text';
import { relationText } from './unique-using-index';

const ident = (s: string) => quoteIdent(Buffer.byteLength(s) > 63 ? s.slice(0, 63) : s);

interface Plan {
  title: string;
  /** Replaces the statement, in its transaction (statements joined by '\n', the last without `;`). */
  expand: string;
  /** Run after the expand's transaction has committed (the backfill). */
  steps: Step[];
  contract: string;
  contractDown: string;
  slug: string;
  /** What every running instance must do before the contract runs. */
  ready: string;
  /** Relation names (as namesInTree spells them) later statements of the file must not use. */
  relations: string[];
}

function hasComment(stmt: Statement): boolean {
  return commentsOf(stmt).length > 0;
}

/** The expand in place of the statement (and its steps), then the contract as a new migration after everything. */
function expandContract(stmt: Statement, ctx: RuleContext, p: Plan): Fix[] {
  const m = ctx.migration;
  if (!m || 'parent' in stmt || stmt.block !== undefined || stmt.section.direction !== 'up') return [];
  // Later migrations were written for the schema without the expand's column, trigger or view (a
  // view under the old name blocks their type changes): the plan is for the newest migration only.
  if (newestOrder(m, ctx.path) === undefined) return [];
  // Later statements of this file would run before the backfill (and, for a table, beside the view).
  if (p.relations.some((r) => usedLater(ctx, stmt, r))) return [];
  const nl = eol(ctx.text);
  const withNl = (s: string) => (nl === '\n' ? s : s.replace(/\r?\n/g, nl));
  const edits: TextEdit[] = [{ start: stmt.start, end: stmt.end, newText: withNl(p.expand) }];
  const fix = p.steps.length
    ? stepsAfterTransaction(stmt, ctx, edits, afterLine(ctx.text, stmt.terminator ?? stmt.end), p.title, p.steps)
    : { title: p.title, edits, preferred: true };
  if (!fix) return [];
  const ups = (fix.newFiles ?? []).filter((f) => !/\.down\.sql$/.test(f.path)).map((f) => f.path);
  const last = lastOrder(m);
  const known = withMigrations(m, ups.map((path, i) => ({ path, order: last + 1 + i })));
  const target = newMigration(known, slugOf(p.slug));
  if (!target) return [];
  const header = `-- pgsafe CONTRACT of ${basename(ctx.path)}: deploy after the application change.\n-- Run this migration only once every running instance ${p.ready}.\n`;
  const contract = newMigrationFiles(target, p.contract, p.contractDown, header, true).map((f) => ({ path: f.path, content: withNl(f.content) }));
  return [{ ...fix, title: `${fix.title}; contract in a new migration ${basename(target.up)}, to deploy after the application change`, newFiles: [...(fix.newFiles ?? []), ...contract], preferred: true }];
}

/** A column the plan can move: known, nullable, no default, and nothing (index, constraint, view) built on it. */
function movableColumn(ctx: RuleContext, table: QName, column: string, newName: string): ColumnInfo | undefined {
  const rel = ctx.catalog.relation(table);
  if (!rel || rel.uncertain || rel.partial || rel.kind !== 'table' || rel.columns.has(newName)) return undefined;
  const col = rel.columns.get(column);
  if (!col?.type || col.notNull || col.hasDefault || col.identity || col.generated) return undefined;
  if (ctx.catalog.dependentsOf(table, column).length) return undefined;
  // Expression indexes and CHECKs name columns inside parse trees: any mention refuses the plan.
  const mention = new RegExp(`"sval":"${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`);
  if (ctx.catalog.indexesOn(table).some((i) => (i.columns ?? []).some((c) => c.startsWith('(') && c.includes(column)))) return undefined;
  if ([...rel.constraints.values()].some((c) => c.expression !== undefined && mention.test(JSON.stringify(c.expression)))) return undefined;
  return col;
}

function triggerSql(fnText: string, tableText: string, body: string[], k: (w: string) => string, pgVersion: number, framework: string | undefined, triggerName: string): string[] {
  const fn = [
    `${k('CREATE FUNCTION')} ${fnText}() ${k('RETURNS trigger LANGUAGE plpgsql AS')} $sync$`,
    `${k('BEGIN')}`,
    ...body.map((l) => `  ${l}`),
    `  ${k('RETURN')} NEW;`,
    `${k('END')}`,
    `$sync$;`,
  ].join('\n');
  return [
    wrapBlock(fn, framework),
    `-- pgsafe-ignore trigger-on-existing-table -- the expand/contract sync trigger; the contract migration drops it`,
    `${k('CREATE TRIGGER')} ${triggerName} ${k('BEFORE INSERT OR UPDATE ON')} ${tableText} ${k('FOR EACH ROW EXECUTE')} ${pgVersion >= 11 ? k('FUNCTION') : k('PROCEDURE')} ${fnText}();`,
  ];
}

/** Outside a transaction each statement commits alone: the new column must exist before the trigger that writes it. */
function ordered(ctx: RuleContext, addColumn: string, trigger: string[]): string {
  const parts = ctx.tx.inTransaction ? [...trigger, addColumn] : [addColumn, ...trigger];
  return parts.join('\n').replace(/;$/, '');
}

/** ALTER TABLE t ALTER COLUMN c TYPE x (rewrites) → expand/contract through a column c_new. */
export function typeChangeExpandContract(stmt: Statement, ctx: RuleContext): Fix[] {
  const cmds = alterCommands(stmt);
  if (cmds.length !== 1 || cmds[0].cmd.subtype !== 'AT_AlterColumnType' || stmt.node?.missing_ok || hasComment(stmt)) return [];
  const { table, cmd } = cmds[0];
  const def = cmd.def?.ColumnDef;
  if (!def || def.raw_default || def.collClause) return [];
  const column: string = cmd.name;
  const neu = `${column}_new`;
  const col = movableColumn(ctx, table, column, neu);
  if (!col) return [];
  const toks = tokensOf(stmt);
  const t0 = toks.findIndex((t) => t.start === stmt.loc(def.typeName?.location));
  const relation = relationText(stmt, toks, ctx.text);
  if (t0 === -1 || !relation) return [];
  const typeText = ctx.text.slice(toks[t0].start, toks[toks.length - 1].end);
  const k = (w: string) => keywordCase(toks[0].text, w);
  const { tableText, schemaPrefix } = relation;
  const c = quoteIdent(column);
  const n = ident(neu);
  const fnName = ident(`${table.name}_${neu}_sync`);
  const fnText = schemaPrefix ? `${schemaPrefix}.${fnName}` : fnName;
  const trigger = triggerSql(fnText, tableText, [`NEW.${n} := NEW.${c}::${typeText};`], k, ctx.pgVersion, stmt.section.framework, fnName);
  const add = `${k('ALTER TABLE')} ${tableText} ${k('ADD COLUMN')} ${n} ${typeText};`;
  const old = ident(`${column}_old`);
  const label = `${displayName(table)}.${n}`;
  return expandContract(stmt, ctx, {
    title: `Expand/contract: add ${n} ${typeText} kept in step by a trigger, backfill it in batches`,
    expand: ordered(ctx, add, trigger),
    steps: [{ sql: backfillBlock(tableText, n, `${c}::${typeText}`, batchKey(ctx, table), label, k, `${n} ${k('IS NULL AND')} ${c} ${k('IS NOT NULL')}`), block: true, why: 'it commits batch by batch, so it runs alone, outside any transaction.', down: '-- Nothing to undo.', slug: `backfill_${table.name}_${neu}` }],
    contract: [
      `${k('SET LOCAL lock_timeout')} = '${ctx.lockTimeout}';`,
      `-- pgsafe-ignore trigger-on-existing-table -- the sync trigger of the expand migration`,
      `${k('DROP TRIGGER')} ${fnName} ${k('ON')} ${tableText};`,
      `${k('DROP FUNCTION')} ${fnText}();`,
      `-- pgsafe-ignore rename-column -- the swap keeps the name ${c}: running code keeps working`,
      `${k('ALTER TABLE')} ${tableText} ${k('RENAME COLUMN')} ${c} ${k('TO')} ${old};`,
      `-- pgsafe-ignore rename-column -- the swap keeps the name ${c}: running code keeps working`,
      `${k('ALTER TABLE')} ${tableText} ${k('RENAME COLUMN')} ${n} ${k('TO')} ${c};`,
      `-- IRREVERSIBLE: drops ${displayName(table)}.${c} of type ${typeToString(col.type!)}; the expand migration copied its values to ${n}.`,
      `${k('ALTER TABLE')} ${tableText} ${k('DROP COLUMN')} ${old};`,
    ].join('\n'),
    contractDown: `-- The contract dropped the old ${typeToString(col.type!)} column: restore it from a backup to undo.`,
    slug: `contract_${table.name}_${column}_type`,
    ready: `works with ${displayName(table)}.${c} as ${typeText}`,
    relations: [table.name],
  });
}

/** ALTER TABLE t RENAME COLUMN a TO b → expand (b synced both ways with a) / contract (drop a). */
export function renameColumnExpandContract(stmt: Statement, ctx: RuleContext): Fix[] {
  const n = stmt.node;
  if (stmt.kind !== 'RenameStmt' || n?.renameType !== 'OBJECT_COLUMN' || n.relationType !== 'OBJECT_TABLE' || n.missing_ok || hasComment(stmt)) return [];
  const toks = tokensOf(stmt);
  const relation = relationText(stmt, toks, ctx.text);
  const table: QName = { schema: n.relation?.schemaname, name: n.relation?.relname };
  const from = String(n.subname);
  const to = String(n.newname);
  const col = relation && movableColumn(ctx, table, from, to);
  if (!relation || !col) return [];
  const k = (w: string) => keywordCase(toks[0].text, w);
  const { tableText, schemaPrefix } = relation;
  const a = quoteIdent(from);
  const b = quoteIdent(to);
  const typeText = typeToString(col.type!);
  const fnName = ident(`${table.name}_${to}_sync`);
  const fnText = schemaPrefix ? `${schemaPrefix}.${fnName}` : fnName;
  // Old code writes a, new code writes b: an insert fills the missing one, an update copies the changed one.
  const body = [
    `${k('IF')} TG_OP = 'INSERT' ${k('THEN')}`,
    `  NEW.${b} := ${k('COALESCE')}(NEW.${b}, NEW.${a});`,
    `  NEW.${a} := ${k('COALESCE')}(NEW.${a}, NEW.${b});`,
    `${k('ELSIF')} NEW.${b} ${k('IS DISTINCT FROM')} OLD.${b} ${k('THEN')}`,
    `  NEW.${a} := NEW.${b};`,
    `${k('ELSE')}`,
    `  NEW.${b} := NEW.${a};`,
    `${k('END IF')};`,
  ];
  const trigger = triggerSql(fnText, tableText, body, k, ctx.pgVersion, stmt.section.framework, fnName);
  const add = `${k('ALTER TABLE')} ${tableText} ${k('ADD COLUMN')} ${b} ${typeText};`;
  return expandContract(stmt, ctx, {
    title: `Expand/contract: add ${b} kept in step with ${a} by a trigger, backfill it in batches`,
    expand: ordered(ctx, add, trigger),
    steps: [{ sql: backfillBlock(tableText, b, a, batchKey(ctx, table), `${displayName(table)}.${b}`, k, `${b} ${k('IS NULL AND')} ${a} ${k('IS NOT NULL')}`), block: true, why: 'it commits batch by batch, so it runs alone, outside any transaction.', down: '-- Nothing to undo.', slug: `backfill_${table.name}_${to}` }],
    contract: [
      `${k('SET LOCAL lock_timeout')} = '${ctx.lockTimeout}';`,
      `-- pgsafe-ignore trigger-on-existing-table -- the sync trigger of the expand migration`,
      `${k('DROP TRIGGER')} ${fnName} ${k('ON')} ${tableText};`,
      `${k('DROP FUNCTION')} ${fnText}();`,
      `-- IRREVERSIBLE: drops ${displayName(table)}.${a}; the expand migration copied its values to ${b} and kept them in step.`,
      `${k('ALTER TABLE')} ${tableText} ${k('DROP COLUMN')} ${a};`,
    ].join('\n'),
    contractDown: `${k('ALTER TABLE')} ${tableText} ${k('ADD COLUMN')} ${a} ${typeText};\n${k('UPDATE')} ${tableText} ${k('SET')} ${a} = ${b};`,
    slug: `contract_${table.name}_${from}`,
    ready: `reads and writes ${displayName(table)}.${b} and no longer uses ${a}`,
    relations: [table.name],
  });
}

/** ALTER TABLE a RENAME TO b → the rename and an updatable view a in one transaction; contract: DROP VIEW a. */
export function renameTableExpandContract(stmt: Statement, ctx: RuleContext): Fix[] {
  const n = stmt.node;
  if (stmt.kind !== 'RenameStmt' || n?.renameType !== 'OBJECT_TABLE' || n.missing_ok || hasComment(stmt)) return [];
  const old: QName = { schema: n.relation?.schemaname, name: n.relation?.relname };
  const rel = ctx.catalog.relation(old);
  if (!rel || rel.kind !== 'table') return [];
  const toks = tokensOf(stmt);
  const relation = relationText(stmt, toks, ctx.text);
  if (!relation) return [];
  const k = (w: string) => keywordCase(toks[0].text, w);
  const neu = `${relation.schemaPrefix ? `${relation.schemaPrefix}.` : ''}${quoteIdent(String(n.newname))}`;
  const view = `${k('CREATE VIEW')} ${relation.tableText} ${k('AS SELECT')} * ${k('FROM')} ${neu};`;
  const statement = ctx.text.slice(stmt.start, stmt.end);
  // The view must appear in the rename's transaction: statements sent one by one get a BEGIN … COMMIT.
  const wrap = !ctx.tx.inTransaction && sentStatementByStatement(ctx);
  const expand = `${wrap ? `${k('BEGIN')};\n` : ''}${statement};\n-- The old name stays usable (a simple view is updatable) until the contract migration.\n${view}${wrap ? `\n${k('COMMIT')};` : ''}`.replace(/;$/, '');
  return expandContract(stmt, ctx, {
    title: `Expand/contract: rename the table and keep ${relation.tableText} as an updatable view`,
    expand,
    steps: [],
    contract: `${k('SET LOCAL lock_timeout')} = '${ctx.lockTimeout}';\n${k('DROP VIEW')} ${relation.tableText};`,
    contractDown: view,
    slug: `contract_drop_view_${old.name}`,
    ready: `uses ${displayName({ schema: old.schema, name: String(n.newname) })} and no longer uses ${displayName(old)}`,
    relations: [old.name, String(n.newname)],
  });
}

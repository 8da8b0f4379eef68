// Recipe 5: ADD COLUMN with a volatile DEFAULT → the column added without it (instant), `SET
// DEFAULT` right after it in the same transaction (new rows get it), and a batched backfill of the
// existing rows — a DO block that updates keyed batches locked with FOR UPDATE SKIP LOCKED, reports
// progress, commits after each batch and pauses — run alone, outside the DDL transaction.
import { displayName, quoteIdent, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, RuleReport, TextEdit } from '../rules/types';
import { alterCommands } from '../rules/_helpers';
import { columnConstraints } from '../rules/_columns';
import { slugOf } from './naming';
import { aloneAfterTransaction } from './placement';
import { afterLine, eol, indentAt, keywordCase, subcommandEnd, tokensOf } from './text';
import { commentBetween, relationText } from './unique-using-index';

const BATCH = 1000;

/** The key the backfill walks: the primary key when the replayed schema knows it, else ctid. */
export function batchKey(ctx: RuleContext, table: QName): string {
  const rel = ctx.catalog.relation(table);
  const pk = rel && !rel.uncertain ? [...rel.constraints.values()].find((c) => c.type === 'primary' && c.columns?.length) : undefined;
  if (!pk) return 'ctid';
  const cols = pk.columns!.map(quoteIdent);
  return cols.length === 1 ? cols[0] : `(${cols.join(', ')})`;
}

/** A DO block that fills `col` of `table` with `value` where it is NULL (or where `pending` holds:
 *  a condition the update makes false, else the loop would never end), in committed batches. */
export function backfillBlock(tableText: string, colText: string, value: string, key: string, label: string, k: (w: string) => string, pending = `${colText} ${k('IS NULL')}`): string {
  const note = label.replace(/'/g, "''");
  return [
    `${k('DO')} $backfill$`,
    `${k('DECLARE')}`,
    `  done bigint := 0;`,
    `  n bigint;`,
    `${k('BEGIN')}`,
    `  -- ${BATCH} rows per batch, each committed; rows other sessions hold locked are skipped and retried.`,
    `  ${k('LOOP')}`,
    `    ${k('UPDATE')} ${tableText} ${k('SET')} ${colText} = ${value}`,
    `    ${k('WHERE')} ${key} ${k('IN')} (${k('SELECT')} ${key} ${k('FROM')} ${tableText} ${k('WHERE')} ${pending} ${k('LIMIT')} ${BATCH} ${k('FOR UPDATE SKIP LOCKED')});`,
    `    ${k('GET DIAGNOSTICS')} n = ${k('ROW_COUNT')};`,
    `    done := done + n;`,
    `    ${k('IF')} n = 0 ${k('THEN')}`,
    `      ${k('EXIT WHEN NOT EXISTS')} (${k('SELECT FROM')} ${tableText} ${k('WHERE')} ${pending});`,
    `      ${k('PERFORM')} pg_sleep(1); -- the rows left are locked by other sessions`,
    `    ${k('ELSE')}`,
    `      ${k('RAISE NOTICE')} 'backfill of ${note}: % rows', done;`,
    `    ${k('END IF')};`,
    `    ${k('COMMIT')};`,
    `    ${k('PERFORM')} pg_sleep(0.1);`,
    `  ${k('END LOOP')};`,
    `${k('END')}`,
    `$backfill$;`,
  ].join('\n');
}

export function volatileDefaultBackfill(stmt: Statement, report: RuleReport, ctx: RuleContext): Fix[] {
  if ('parent' in stmt) return [];
  const found = alterCommands(stmt).find(({ cmd }) => {
    if (cmd.subtype !== 'AT_AddColumn') return false;
    const d = columnConstraints(cmd.def?.ColumnDef).find((c: any) => c.contype === 'CONSTR_DEFAULT');
    return d && stmt.loc(d.location) === report.start;
  });
  if (!found) return [];
  const { table, cmd } = found;
  const def = cmd.def.ColumnDef;
  // Only a column whose one constraint is the DEFAULT: NOT NULL, keys, checks and references need more steps.
  if (columnConstraints(def).length !== 1 || stmt.node?.missing_ok || cmd.missing_ok) return [];
  const toks = tokensOf(stmt);
  const d = toks.findIndex((t) => t.start === report.start && t.word === 'DEFAULT');
  if (d < 1 || d + 1 >= toks.length) return [];
  const last = subcommandEnd(toks, d);
  if (last <= d) return [];
  // The DEFAULT clause leaves the statement: never when that would drop a comment.
  if (commentBetween(stmt, toks[d - 1].end, toks[last].end)) return [];
  const value = ctx.text.slice(toks[d + 1].start, toks[last].end);
  const colTok = toks.find((t) => t.start === stmt.loc(def.location));
  const relation = relationText(stmt, toks, ctx.text);
  if (!colTok || !relation) return [];
  const colText = colTok.text;
  const k = (w: string) => keywordCase(toks[d].text, w);
  const nl = eol(ctx.text);
  const edits: TextEdit[] = [{ start: toks[d - 1].end, end: toks[last].end, newText: '' }];
  const after = afterLine(ctx.text, stmt.terminator ?? stmt.end);
  const indent = indentAt(ctx.text, stmt.start);
  const setDefault = `${indent}${k('ALTER TABLE')} ${relation.tableText} ${k('ALTER COLUMN')} ${colText} ${k('SET DEFAULT')} ${value};${nl}`;
  edits.push({ start: after, end: after, newText: `${after === ctx.text.length && !ctx.text.endsWith('\n') ? nl : ''}${setDefault}` });
  const block = backfillBlock(relation.tableText, colText, value, batchKey(ctx, table), `${displayName(table)}.${quoteIdent(def.colname)}`, k);
  const fix = aloneAfterTransaction(stmt, ctx, edits, after, 'Add the column without the volatile default, SET DEFAULT for new rows, then backfill existing rows in committed batches outside the transaction', block, slugOf(`backfill_${table.name}_${def.colname}`));
  if (!fix) return [];
  // Both edits insert at `after` when the backfill goes right after the statement: SET DEFAULT first.
  const ins = fix.edits.filter((e) => e.start === after && e.end === after);
  if (ins.length === 2) {
    fix.edits = [...fix.edits.filter((e) => !ins.includes(e)), { start: after, end: after, newText: ins[0].newText + ins[1].newText }];
  }
  return [fix];
}

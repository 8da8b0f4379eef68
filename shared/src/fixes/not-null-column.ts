// Recipe 6: ADD COLUMN … NOT NULL without a DEFAULT (fails as soon as the table has a row) → the
// three steps: the column added nullable (instant); a batched backfill of the existing rows with a
// value the user must choose (recipe 5's block, outside the DDL transaction); then NOT NULL without
// the long scan (recipe 3's statements, for the target PostgreSQL). The value is a marked call to a
// function that does not exist: the SQL parses, and running it unchanged fails loudly instead of
// writing a made-up value, so the fix is `needsValue` (only `--fix=all` or the editor applies it).
import { displayName, quoteIdent } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, RuleReport } from '../rules/types';
import { alterCommands } from '../rules/_helpers';
import { columnConstraints } from '../rules/_columns';
import { backfillBlock, batchKey } from './backfill';
import { notNullSteps } from './set-not-null';
import { stepsAfterTransaction } from './steps';
import { afterLine, keywordCase, tokensOf } from './text';
import { commentBetween, relationText } from './unique-using-index';

/** What the fix writes where the user must put the value for existing rows. */
export const BACKFILL_VALUE_PLACEHOLDER = '/* TODO pgsafe: choose the value for existing rows */ pgsafe_todo_value()';

export function notNullColumnInSteps(stmt: Statement, report: RuleReport, ctx: RuleContext): Fix[] {
  if ('parent' in stmt || ctx.pgVersion < 12) return [];
  const found = alterCommands(stmt).find(({ cmd }) => {
    if (cmd.subtype !== 'AT_AddColumn') return false;
    const nn = columnConstraints(cmd.def?.ColumnDef).find((c: any) => c.contype === 'CONSTR_NOTNULL');
    return nn && stmt.loc(nn.location) === report.start;
  });
  if (!found) return [];
  const { table, cmd } = found;
  const def = cmd.def.ColumnDef;
  const cons = columnConstraints(def);
  // Only an unnamed NOT NULL alone: defaults, keys, checks and references need other steps.
  if (cons.length !== 1 || cons[0].conname || stmt.node?.missing_ok || cmd.missing_ok) return [];
  const toks = tokensOf(stmt);
  const i = toks.findIndex((t) => t.start === report.start && t.word === 'NOT');
  if (i < 1 || toks[i + 1]?.word !== 'NULL') return [];
  if (commentBetween(stmt, toks[i - 1].end, toks[i + 1].end)) return [];
  const colTok = toks.find((t) => t.start === stmt.loc(def.location));
  const relation = relationText(stmt, toks, ctx.text);
  if (!colTok || !relation) return [];
  const k = (w: string) => keywordCase(toks[i].text, w);
  const col: string = def.colname;
  const label = `${displayName(table)}.${quoteIdent(col)}`;
  const block = [
    `-- pgsafe: replace the TODO value below with the value existing rows get. Deploy code that writes ${quoteIdent(col)} on every insert first:`,
    `-- rows inserted with NULL after the backfill would make the NOT NULL validation fail.`,
    backfillBlock(relation.tableText, colTok.text, BACKFILL_VALUE_PLACEHOLDER, batchKey(ctx, table), label, k),
  ].join('\n');
  const nn = notNullSteps(table, col, ctx.pgVersion, k, '\n');
  const undoAdd = `${k('ALTER TABLE')} ${displayName(table)} ${k('DROP CONSTRAINT IF EXISTS')} ${nn.name};`;
  const undoFollow = nn.pg18 ? '-- Nothing to undo.' : `${k('ALTER TABLE')} ${displayName(table)} ${k('ALTER COLUMN')} ${quoteIdent(col)} ${k('DROP NOT NULL')};`;
  const fix = stepsAfterTransaction(stmt, ctx, [{ start: toks[i - 1].end, end: toks[i + 1].end, newText: '' }], afterLine(ctx.text, stmt.terminator ?? stmt.end),
    `Add the column nullable, backfill existing rows in batches with a value you choose, then SET NOT NULL without a long lock (PostgreSQL ${nn.pg18 ? '18' : ctx.pgVersion})`,
    [
      { sql: block, block: true, why: 'it commits batch by batch, so it runs alone, outside any transaction.', down: '-- Nothing to undo.', slug: `backfill_${table.name}_${col}` },
      { sql: `${nn.add};`, heavy: true, why: 'it must run after the backfill, in a transaction of its own.', down: undoAdd, slug: `not_null_${table.name}_${col}` },
      { sql: nn.follow, heavy: !nn.pg18, why: 'VALIDATE must run in a separate transaction from the NOT VALID constraint.', down: undoFollow, slug: `validate_not_null_${table.name}_${col}` },
    ]);
  if (!fix) return [];
  fix.needsValue = true;
  return [fix];
}

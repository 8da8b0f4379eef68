// Recipe 2: a foreign key or CHECK added without NOT VALID → `ADD CONSTRAINT … NOT VALID`, then
// `VALIDATE CONSTRAINT` in a separate transaction (after the statement, after the file's COMMIT,
// or in the next migration, as the framework allows).
import { displayName, quoteIdent } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, RuleReport, TextEdit } from '../rules/types';
import { alterCommands } from '../rules/_helpers';
import { afterTransaction } from './placement';
import { slugOf } from './naming';
import { keywordCase, subcommandEnd, tokensOf } from './text';

function columnRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) columnRefs(x, out);
  else if (node && typeof node === 'object') {
    const ref = (node as any).ColumnRef;
    if (ref) {
      const last = ref.fields?.[ref.fields.length - 1]?.String?.sval;
      if (last) out.push(last);
    }
    for (const k in node) columnRefs((node as Record<string, unknown>)[k], out);
  }
  return out;
}

function truncate(name: string): string {
  return Buffer.byteLength(name) > 63 ? name.slice(0, 63) : name;
}

export function notValidThenValidate(stmt: Statement, report: RuleReport, ctx: RuleContext, contype: 'CONSTR_FOREIGN' | 'CONSTR_CHECK'): Fix[] {
  const found = alterCommands(stmt).find(({ cmd }) => {
    const c = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
    return c?.contype === contype && !c.skip_validation && stmt.loc(c.location) === report.start;
  });
  if (!found) return [];
  const { table } = found;
  const c = found.cmd.def.Constraint;
  const toks = tokensOf(stmt);
  const first = toks.findIndex((t) => t.start >= report.start!);
  if (first === -1) return [];
  const last = subcommandEnd(toks, first);
  const kw = (w: string) => keywordCase(toks[first].text, w);
  const edits: TextEdit[] = [];
  let name: string = c.conname;
  if (!name) {
    // VALIDATE needs the name: write the one PostgreSQL would choose.
    const cols = contype === 'CONSTR_FOREIGN' ? (c.fk_attrs ?? []).map((a: any) => a.String?.sval) : columnRefs(c.raw_expr).slice(0, 1);
    name = truncate(`${table.name}_${cols.length ? cols.join('_') + '_' : ''}${contype === 'CONSTR_FOREIGN' ? 'fkey' : 'check'}`);
    edits.push({ start: toks[first].start, end: toks[first].start, newText: `${kw('CONSTRAINT')} ${quoteIdent(name)} ` });
  }
  edits.push({ start: toks[last].end, end: toks[last].end, newText: ` ${kw('NOT VALID')}` });
  const kind = contype === 'CONSTR_FOREIGN' ? 'foreign key' : 'CHECK constraint';
  const validate = `${kw('ALTER TABLE')} ${displayName(table)} ${kw('VALIDATE CONSTRAINT')} ${quoteIdent(name)};`;
  const fix = afterTransaction(stmt, ctx, edits, `Add the ${kind} NOT VALID, then VALIDATE it in a separate transaction`, validate, slugOf(`validate_${name}`));
  return fix ? [fix] : [];
}

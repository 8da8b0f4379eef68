// Recipe 4: ADD UNIQUE / PRIMARY KEY without USING INDEX → `CREATE UNIQUE INDEX CONCURRENTLY IF NOT
// EXISTS <name> ON <table> (<columns>)` outside any transaction, then `ADD CONSTRAINT <name> UNIQUE |
// PRIMARY KEY USING INDEX <name>` (instant). The index must exist before the ALTER TABLE runs; see
// prepareOutsideTransaction for where each framework lets it go.
import { quoteIdent } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix, RuleReport, TextEdit } from '../rules/types';
import { alterCommands } from '../rules/_helpers';
import { keyList } from '../rules/_columns';
import { slugOf } from './naming';
import { prepareOutsideTransaction, rewriteSource } from './placement';
import { commentsOf, keywordCase, tokensOf, type Tok } from './text';

const NAMEDATALEN = 64;

/** The first `bytes` bytes of `s`, never splitting a character (pg_mbcliplen). */
function clipBytes(s: string, bytes: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}

/** PostgreSQL's makeObjectName: name1_name2_label, shortening the longer of name1/name2 to fit 63 bytes. */
export function makeObjectName(name1: string, name2: string | undefined, label: string): string {
  let n1 = Buffer.byteLength(name1);
  let n2 = name2 === undefined ? 0 : Buffer.byteLength(name2);
  const overhead = (name2 === undefined ? 0 : 1) + label.length + 1;
  const avail = NAMEDATALEN - 1 - overhead;
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return `${clipBytes(name1, n1)}${name2 === undefined ? '' : `_${clipBytes(name2, n2)}`}_${label}`;
}

/** ChooseIndexNameAddition: the column names joined by `_`, stopping once the name is long enough. */
function nameAddition(cols: readonly string[]): string {
  let out = '';
  for (const c of cols) {
    if (out) out += '_';
    out += clipBytes(c, NAMEDATALEN - 1 - Buffer.byteLength(out));
    if (Buffer.byteLength(out) >= NAMEDATALEN - 1) break;
  }
  return out;
}

/** PostgreSQL's name for an unnamed UNIQUE (`t_a_b_key`, INCLUDE columns too) or PRIMARY KEY (`t_pkey`) constraint. */
export function defaultKeyName(table: string, pk: boolean, cols: readonly string[]): string {
  return pk ? makeObjectName(table, undefined, 'pkey') : makeObjectName(table, nameAddition(cols), 'key');
}

/** Index of the `)` that closes the `(` at `open`. */
function closing(toks: readonly Tok[], open: number): number {
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    if (toks[i].text === '(') depth++;
    else if (toks[i].text === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Is there a comment between these file offsets of the statement? */
export function commentBetween(stmt: Statement, from: number, to: number): boolean {
  return commentsOf(stmt).some((c) => c.start >= from && c.start < to);
}

/** The statement's table as the user wrote it (quoting, schema), and its schema part with the dot. */
export function relationText(stmt: Statement, toks: readonly Tok[], text: string): { tableText: string; schemaPrefix: string } | undefined {
  const relLoc = stmt.loc(stmt.node?.relation?.location);
  const r0 = toks.findIndex((t) => t.start === relLoc);
  if (r0 === -1) return undefined;
  let r1 = r0;
  while (toks[r1 + 1]?.text === '.' && toks[r1 + 2]) r1 += 2;
  return { tableText: text.slice(toks[r0].start, toks[r1].end), schemaPrefix: r1 > r0 ? text.slice(toks[r0].start, toks[r1 - 1].end) : '' };
}

export function uniqueUsingIndex(stmt: Statement, report: RuleReport, ctx: RuleContext): Fix[] {
  const cmds = alterCommands(stmt);
  const found = cmds.find(({ cmd }) => {
    const c = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
    return (c?.contype === 'CONSTR_UNIQUE' || c?.contype === 'CONSTR_PRIMARY') && !c.indexname && stmt.loc(c.location) === report.start;
  });
  if (!found || stmt.node?.missing_ok) return [];
  const { table } = found;
  const c = found.cmd.def.Constraint;
  const pk = c.contype === 'CONSTR_PRIMARY';
  // Index options the constraint syntax has but a plain CREATE INDEX spells differently: left to the user.
  if (c.options?.length || c.indexspace || c.without_overlaps) return [];
  const cols = keyList(c);
  const include = keyList({ keys: c.including });
  if (!cols.length) return [];
  const rel = ctx.catalog.relation(table);
  // USING INDEX does not exist for partitioned tables.
  if (rel?.kind === 'partitioned') return [];
  // PRIMARY KEY USING INDEX runs SET NOT NULL (a full scan) on nullable columns: only when every key column is known NOT NULL.
  if (pk && (!rel || rel.partial || rel.uncertain || !cols.every((k) => rel.columns.get(k)?.notNull))) return [];
  // Other subcommands of the statement that add or change these columns would run after the index build.
  const touched = new Set([...cols, ...include]);
  if (cmds.some(({ cmd }) => cmd !== found.cmd && (touched.has(cmd.name) || touched.has(cmd.def?.ColumnDef?.colname)))) return [];

  const toks = tokensOf(stmt);
  const first = toks.findIndex((t) => t.start >= report.start!);
  if (first === -1) return [];
  const k = toks.findIndex((t, i) => i >= first && (t.word === 'UNIQUE' || t.word === 'PRIMARY'));
  if (k === -1) return [];
  let i = pk ? k + 1 : k; // PRIMARY KEY / UNIQUE
  const kwEnd = i;
  let nulls = '';
  if (toks[i + 1]?.word === 'NULLS') {
    const from = i + 1;
    i += toks[i + 2]?.word === 'NOT' ? 3 : 2;
    nulls = ctx.text.slice(toks[from].start, toks[i].end);
  }
  if (toks[i + 1]?.text !== '(') return [];
  const close = closing(toks, i + 1);
  if (close === -1) return [];
  const colText = ctx.text.slice(toks[i + 2].start, toks[close - 1].end);
  let last = close;
  let includeText = '';
  if (include.length) {
    if (toks[close + 1]?.word !== 'INCLUDE' || toks[close + 2]?.text !== '(') return [];
    last = closing(toks, close + 2);
    if (last === -1) return [];
    includeText = ctx.text.slice(toks[close + 1].start, toks[last].end);
  }
  // The rewrite replaces the column list: never when that would drop a comment.
  if (commentBetween(stmt, toks[kwEnd].end, toks[last].end)) return [];

  const kw = (w: string) => keywordCase(toks[k].text, w);
  const named = toks[first].word === 'CONSTRAINT' && first + 1 < k;
  const name = named ? toks[first + 1].text : quoteIdent(defaultKeyName(table.name, pk, [...cols, ...include]));
  const plainName: string = c.conname ?? defaultKeyName(table.name, pk, [...cols, ...include]);
  // IF NOT EXISTS would keep a different index of that name; the constraint would then attach it.
  if (ctx.catalog.index({ schema: table.schema, name: plainName }) || rel?.constraints.has(plainName)) return [];

  const relation = relationText(stmt, toks, ctx.text);
  if (!relation) return [];
  const { tableText, schemaPrefix } = relation;

  const edits: TextEdit[] = [];
  if (!named) edits.push({ start: toks[k].start, end: toks[k].start, newText: `${kw('CONSTRAINT')} ${name} ` });
  edits.push({ start: toks[kwEnd].end, end: toks[last].end, newText: ` ${kw('USING INDEX')} ${name}` });
  const indexDef = `${name} ${kw('ON')} ${tableText} (${colText})${includeText ? ` ${includeText}` : ''}${nulls ? ` ${nulls}` : ''};`;
  const prep = `${kw('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS')} ${indexDef}`;
  const down = `${kw('ALTER TABLE')} ${tableText} ${kw('DROP CONSTRAINT IF EXISTS')} ${name};`;
  const kind = pk ? 'primary key' : 'unique constraint';
  const fix = prepareOutsideTransaction(stmt, ctx, {
    title: `Build the ${kind}'s index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint USING INDEX`,
    rewrite: edits,
    sql: rewriteSource(ctx.text, stmt, edits),
    down,
    // Dropping the constraint drops its index, which the earlier migration built: build it again.
    splitDown: `${down}\n${kw('CREATE UNIQUE INDEX IF NOT EXISTS')} ${indexDef}`,
    prep,
    prepDown: `${kw('DROP INDEX CONCURRENTLY IF EXISTS')} ${schemaPrefix}${name};`,
    relation: table.name,
    slug: slugOf(`add_${plainName}`),
    prepSlug: slugOf(`create_${plainName}`),
  });
  return fix ? [fix] : [];
}

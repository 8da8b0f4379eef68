// Recipe 10: DROP COLUMN / DROP TABLE → an IRREVERSIBLE comment header above the statement: what
// it destroys, what depends on it (replayed schema), the backup command to run first, and a
// rollback plan. The drop rules accept a statement whose comment block directly above it holds a
// line starting with `IRREVERSIBLE` as acknowledged (see docs/rules/drop-column.md).
import { basename, dirname } from 'node:path';
import { displayName, quoteIdent, type QName } from '../ast/names';
import { typeToString } from '../ast/types';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { Fix } from '../rules/types';
import { eol, indentAt, lineStart } from './text';

/** The comment block directly above the statement (no blank line in it or after it) has a line starting with IRREVERSIBLE. */
export function acknowledgedIrreversible(text: string, stmt: Statement): boolean {
  let next = stmt.start;
  for (let i = stmt.leadingComments.length - 1; i >= 0; i--) {
    const c = stmt.leadingComments[i];
    if (!/^[ \t]*(\r?\n)?[ \t]*$/.test(text.slice(c.end, next))) return false;
    if (/^IRREVERSIBLE\b/.test(c.body)) return true;
    next = c.start;
  }
  return false;
}

/** `0005_drop_legacy.up.sql` → `0005_drop_legacy`; Prisma / Diesel `…/<name>/migration.sql` → `<name>`. */
function migrationStem(path: string): string {
  const stem = basename(path).replace(/(\.(up|down))?\.sql$/i, '');
  return stem === 'migration' || stem === 'up' ? basename(dirname(path)) : stem;
}

/** A table name for the shell: single-quoted unless plain. */
function shellArg(s: string): string {
  return /^[A-Za-z0-9_.]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

/** Wrap a sentence into comment lines of about 100 characters (continuations indented). */
function commentLines(first: string, width = 100): string[] {
  const out: string[] = [];
  const words = first.split(' ');
  let line = `-- ${words[0]}`;
  // Whether the line holds a word besides its `--` (an empty first word leaves it bare).
  let worded = words[0].trim() !== '';
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (line.length + 1 + w.length > width && worded) {
      out.push(line);
      line = `--   ${w}`;
      worded = w.trim() !== '';
    } else {
      line += ` ${w}`;
      worded ||= w.trim() !== '';
    }
  }
  out.push(line);
  return out;
}

/** A command or SQL line of the rollback plan: never wrapped, so it can be copied. */
function cmd(line: string): string {
  return `--   ${line}`;
}

/** Prose inside the plan, wrapped, indented like the commands. */
function note(sentence: string): string[] {
  return commentLines(sentence).map((l) => l.replace(/^-- /, '--   '));
}

function dependents(ctx: RuleContext, table: QName, column?: string): { affected: string; recreate: string[] } {
  const deps = ctx.catalog.dependentsOf(table, column);
  const rel = ctx.catalog.relation(table);
  if (!deps.length) {
    const unknown = !rel || rel.partial || rel.uncertain;
    return { affected: unknown ? 'not known (the earlier migrations do not fully define this table).' : 'no index, constraint, view or foreign key depends on it.', recreate: [] };
  }
  const label = (d: (typeof deps)[number]) => `${d.kind} ${quoteIdent(d.name)}${d.kind === 'foreign key' && d.on ? ` on ${displayName(d.on)}` : ''}`;
  const along = deps.filter((d) => d.kind === 'index' || d.kind === 'constraint').map(label);
  const blocking = deps.filter((d) => d.kind !== 'index' && d.kind !== 'constraint').map(label);
  const parts: string[] = [];
  if (along.length) parts.push(`${along.join(', ')} (dropped with it)`);
  if (blocking.length) parts.push(`${blocking.join(', ')} (${blocking.length === 1 ? 'depends' : 'depend'} on it: a plain DROP fails, CASCADE drops ${blocking.length === 1 ? 'it' : 'them'})`);
  return { affected: `${parts.join('; ')}.`, recreate: deps.map(label) };
}

function header(lines: string[], stmt: Statement, ctx: RuleContext, title: string): Fix {
  const text = ctx.text;
  const nl = eol(text);
  const at = lineStart(text, stmt.start);
  const ownLine = text.slice(at, stmt.start).trim() === '';
  const indent = ownLine ? indentAt(text, stmt.start) : '';
  const block = lines.map((l) => `${indent}${l}${nl}`).join('');
  // After another statement on the same line: the header starts a new line (no trailing blanks left).
  const from = stmt.start - /[ \t]*$/.exec(text.slice(at, stmt.start))![0].length;
  const edit = ownLine ? { start: at, end: at, newText: block } : { start: from, end: stmt.start, newText: `${nl}${block}` };
  // The header acknowledges an irreversible step and carries a placeholder: never applied by a blanket --fix.
  return { title, edits: [edit], preferred: true, needsValue: true };
}

const RELEASE = '<release>';

export function dropColumnHeader(stmt: Statement, ctx: RuleContext, table: QName, cols: readonly string[]): Fix[] {
  if ('parent' in stmt || !cols.length) return [];
  const t = displayName(table);
  const stem = migrationStem(ctx.path);
  const dump = fileSafe(`${table.name}_before_${stem}.dump`);
  const rel = ctx.catalog.relation(table);
  const names = cols.map((c) => `${t}.${quoteIdent(c)}`).join(', ');
  const lines: string[] = [];
  lines.push(...commentLines(`IRREVERSIBLE: drops column${cols.length > 1 ? 's' : ''} ${names} and ${cols.length > 1 ? 'their' : 'its'} data; only a backup brings ${cols.length > 1 ? 'them' : 'it'} back.`));
  for (const c of cols) lines.push(...commentLines(`Affected${cols.length > 1 ? ` by ${quoteIdent(c)}` : ''} (from the earlier migrations): ${dependents(ctx, table, c).affected}`));
  lines.push(...commentLines(`Deploy only after the application stopped reading and writing ${cols.length > 1 ? 'them' : 'it'}: since release ${RELEASE}.`));
  lines.push('-- Backup first:', cmd(`pg_dump -Fc -t ${shellArg(t)} -f ${dump} "$DATABASE_URL"`));
  lines.push('-- Rollback:');
  for (const c of cols) {
    const info = rel && !rel.partial && !rel.uncertain ? rel.columns.get(c) : undefined;
    const col = quoteIdent(c);
    lines.push(cmd(`ALTER TABLE ${t} ADD COLUMN ${col} ${info?.type ? typeToString(info.type) : '<its type, from the migration that added it>'};`));
    if (info?.generated) lines.push(...note('(a generated column: add it back with its GENERATED expression from the migration that added it)'));
    else if (info?.identity) lines.push(...note('(an identity column: add GENERATED … AS IDENTITY back and restart it after the values)'));
    else if (info?.hasDefault) lines.push(...note('(it had a DEFAULT: set it again as in the migration that added it)'));
  }
  lines.push(...note(`restore the values from ${dump}: pg_restore it into a scratch schema or database, then UPDATE ${t} SET … FROM the restored copy, matching rows by primary key;`));
  for (const c of cols) {
    const info = rel?.columns.get(c);
    if (info?.notNull) lines.push(cmd(`ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(c)} SET NOT NULL;`));
    const recreate = dependents(ctx, table, c).recreate;
    if (recreate.length) lines.push(...note(`re-create ${recreate.join(', ')} as in the migrations that created ${recreate.length === 1 ? 'it' : 'them'}.`));
  }
  return [header(lines, stmt, ctx, `Add an IRREVERSIBLE header above the DROP COLUMN: affected objects, backup command, rollback plan (fill in ${RELEASE})`)];
}

export function dropTableHeader(stmt: Statement, ctx: RuleContext, tables: readonly QName[]): Fix[] {
  if ('parent' in stmt || !tables.length) return [];
  const stem = migrationStem(ctx.path);
  const many = tables.length > 1;
  const lines: string[] = [];
  lines.push(...commentLines(`IRREVERSIBLE: drops table${many ? 's' : ''} ${tables.map(displayName).join(', ')} and all ${many ? 'their' : 'its'} rows; only a backup brings ${many ? 'them' : 'it'} back.`));
  for (const table of tables) lines.push(...commentLines(`Affected${many ? ` by ${displayName(table)}` : ''} (from the earlier migrations): ${dependents(ctx, table).affected}`));
  lines.push(...commentLines(`Deploy only after the application stopped using ${many ? 'them' : 'it'}: since release ${RELEASE}.`));
  const dumps = tables.map((table) => ({ table, t: displayName(table), dump: fileSafe(`${table.name}_before_${stem}.dump`) }));
  lines.push('-- Backup first:', ...dumps.map((d) => cmd(`pg_dump -Fc -t ${shellArg(d.t)} -f ${d.dump} "$DATABASE_URL"`)));
  lines.push('-- Rollback:');
  for (const d of dumps) {
    lines.push(cmd(`pg_restore -d "$DATABASE_URL" ${d.dump}`));
    lines.push(...note(`(re-creates ${d.t} with its rows, indexes and constraints)`));
    const rel = ctx.catalog.relation(d.table);
    if (rel && !rel.partial && !rel.uncertain && rel.columns.size) {
      const cols = [...rel.columns.values()].map((c) => `${quoteIdent(c.name)} ${typeToString(c.type)}${c.notNull ? ' NOT NULL' : ''}`);
      lines.push(...note(`its columns, from the earlier migrations: ${cols.join(', ')}.`));
    }
    const recreate = dependents(ctx, d.table).recreate.filter((r) => !r.startsWith('index ') && !r.startsWith('constraint '));
    if (recreate.length) lines.push(...note(`then re-create ${recreate.join(', ')} as in the migrations that created ${recreate.length === 1 ? 'it' : 'them'}.`));
  }
  return [header(lines, stmt, ctx, `Add an IRREVERSIBLE header above the DROP TABLE: affected objects, backup command, rollback plan (fill in ${RELEASE})`)];
}

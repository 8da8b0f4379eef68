// Markdown descriptions of what statements lock: the hover of one statement and the lock report
// of a file. Editor-free (the language server and the CLI both print these).
import { describeBlocked, describeBlockedSequence, blocksTraffic } from '../locks/modes';
import type { LockEffect } from '../locks/catalogue';
import type { StatementInfo } from '../engine';
import type { Statement } from '../parse/statement';
import type { Finding } from '../rules/types';
import { LineIndex } from '../parse/offsets';

const qname = (l: LockEffect) => (l.relation.schema ? `${l.relation.schema}.${l.relation.name}` : l.relation.name);
const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

function roleNote(l: LockEffect): string {
  switch (l.role) {
    case 'referenced': return ' (referenced by the foreign key)';
    case 'referencing': return ' (has a foreign key to it)';
    case 'parent': return ' (partitioned parent)';
    case 'partition': return ' (partition)';
    case 'index': return ' (index)';
    case 'sequence': return ' (sequence)';
    default: return '';
  }
}

const blocked = (l: LockEffect) => (l.role === 'sequence' ? describeBlockedSequence(l.mode) : describeBlocked(l.mode));

function lockLine(l: LockEffect, isNew: boolean): string {
  const parts = [`**${l.mode}** on ${code(qname(l))}${roleNote(l)} by ${l.action}: ${blocked(l)}`];
  if (l.rewrite) parts.push(`rewrites the table${l.rewriteUnless ? ` unless ${l.rewriteUnless}` : ''} (time grows with its size; the lock is held throughout)`);
  else if (l.newStorage) parts.push('replaces the table\'s storage with a new, empty file (instant: no row is copied)');
  else if (l.rewriteUnknown) parts.push('may rewrite the table (depends on the column\'s current type, which pgsafe does not know)');
  if (l.scan) parts.push('scans the table while holding the lock');
  let line = `- ${parts.join('; ')}.`;
  if (isNew) line += ` ${code(qname(l))} is created earlier in this migration, so no other session uses it yet: harmless.`;
  return line;
}

/** First line of a statement, shortened, for headings and tables. */
export function statementTitle(stmt: Statement): string {
  const first = stmt.text.split('\n', 1)[0].trim();
  return first.length > 80 ? first.slice(0, 77) + '…' : first;
}

/** Hover text for one statement: its locks, what they block, its transaction, and the safe recipe. */
export function statementLockMarkdown(stmt: Statement, info: StatementInfo | undefined, findings: readonly Finding[]): string {
  const out: string[] = [];
  if (!info) {
    out.push(stmt.error ? `This statement does not parse: ${stmt.error.message}.` : 'pgsafe does not check this statement (it is in a down or verify part).');
    return out.join('\n');
  }
  if (info.locks.length === 0) out.push('Takes no table-level lock on an existing relation that pgsafe knows of.');
  else {
    out.push('**Locks**', '');
    info.locks.forEach((l, i) => out.push(lockLine(l, info.newRelation[i])));
  }
  out.push('');
  const heavy = info.locks.some((l, i) => blocksTraffic(l.mode) && !info.newRelation[i]);
  out.push(info.inTransaction ? `Runs inside a transaction (${info.transactionReason}): locks are held until it commits.` : `Runs outside a transaction block (${info.transactionReason}).`);
  if (heavy) out.push(info.lockTimeoutSet ? 'A `lock_timeout` is set, so a blocked lock request gives up instead of queueing traffic.' : 'No `lock_timeout` is set: while this waits for its lock, every query on the table queues behind it.');
  const mine = findings.filter((f) => f.statementIndex === stmt.index);
  if (mine.length) {
    out.push('', '**Safe recipe**', '');
    for (const f of mine) out.push(`- [${f.rule}](${f.docs}): ${f.help}`);
  }
  return out.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A file's lock report: every statement that locks something, in order, with the findings. */
export function fileLockReport(file: string, text: string, statements: readonly Statement[], info: readonly (StatementInfo | undefined)[], findings: readonly Finding[]): string {
  const lines = new LineIndex(text);
  const out: string[] = [`# Lock report: ${file}`, ''];
  const rows: string[] = [];
  let heavy = 0;
  for (const stmt of statements) {
    const i = info[stmt.index];
    if (!i || i.locks.length === 0) continue;
    const line = lines.position(stmt.start).line + 1;
    const rules = [...new Set(findings.filter((f) => f.statementIndex === stmt.index).map((f) => f.rule))].join(', ');
    i.locks.forEach((l, k) => {
      const isNew = i.newRelation[k];
      if (blocksTraffic(l.mode) && !isNew) heavy++;
      const flags = [l.rewrite ? 'rewrite' : l.rewriteUnknown ? 'rewrite?' : l.newStorage ? 'new empty file' : '', l.scan ? 'scan' : ''].filter(Boolean).join(', ');
      rows.push(`| ${line} | ${code(cell(statementTitle(stmt)))} | ${code(qname(l))}${roleNote(l)}${isNew ? ' (new)' : ''} | ${l.mode} | ${cell(blocked(l))} | ${flags || '–'} | ${i.inTransaction ? 'yes' : 'no'} | ${rules || '–'} |`);
    });
  }
  if (rows.length === 0) out.push('No statement takes a table-level lock on an existing relation.');
  else {
    out.push(`${rows.length} lock${rows.length === 1 ? '' : 's'}; ${heavy} block${heavy === 1 ? 's' : ''} application traffic on an existing table.`, '');
    out.push('| Line | Statement | Relation | Lock | Blocks | Work | In transaction | Findings |', '|---:|---|---|---|---|---|---|---|', ...rows);
  }
  const hazards = findings.filter((f) => f.statementIndex !== undefined);
  if (hazards.length) {
    out.push('', '## Findings', '');
    for (const f of hazards) out.push(`- Line ${lines.position(f.start).line + 1}, [${f.rule}](${f.docs}): ${f.message} ${f.help}`);
  }
  return out.join('\n') + '\n';
}

// Liquibase formatted SQL keeps each changeset's rollback in the changeset itself, as
// `--rollback <sql>` comment lines (or a `/* liquibase rollback … */` block), and rolls back
// changeset by changeset, last first (../shared/reference/frameworks.md §2). So the down is
// generated per changeset, against the schema after the changesets before it, and written as
// `--rollback` lines at the end of the changesets that have none. A changeset that already has a
// rollback is never changed: a differing one is shown as a diff.
import { layoutSections } from '../parse/sections';
import { splitStatements } from '../parse/split';
import { lineDiff } from './diff';
import { advance, downForText, type RollbackState } from './generate';
import type { Placement } from './placement';
import type { DownSql } from './types';

export interface Changeset {
  /** `author:id` from the `--changeset` line. */
  id: string;
  /** The `--changeset` line's start, the body's start (after that line) and end (next changeset or end of file). */
  start: number;
  bodyStart: number;
  end: number;
  /** The rollback SQL the changeset already has (Liquibase's reading of its `--rollback` lines / block), if any. */
  rollback?: string;
}

// Liquibase's ROLLBACK_REGEX `\s*\-\-[\s]*rollback (.*)` and ROLLBACK_MULTI_LINE_START_REGEX `\s*/\*\s*liquibase\s*rollback\s*$`.
const ROLLBACK_LINE = /^\s*--\s*rollback (.*)$/i;
const ROLLBACK_BLOCK_START = /^\s*\/\*\s*liquibase\s*rollback\s*$/i;
const BLOCK_END = /^\s*\*\/\s*$/;

export function isLiquibase(text: string): boolean {
  return layoutSections(text).framework === 'liquibase';
}

/** The changesets of a Liquibase formatted SQL file, with the rollback each already has. */
export function changesets(text: string): Changeset[] {
  const markers = layoutSections(text).markers.filter((m) => m.framework === 'liquibase' && m.kind === 'up');
  return markers.map((m, i) => {
    const end = i + 1 < markers.length ? markers[i + 1].start : text.length;
    const bodyStart = Math.min(end, m.end + 1);
    const id = /^--\s*changeset\s+(\S+)/i.exec(m.text)?.[1] ?? '?';
    const lines: string[] = [];
    let found = false;
    let inBlock = false;
    for (const line of text.slice(bodyStart, end).split('\n')) {
      if (inBlock) {
        if (BLOCK_END.test(line)) inBlock = false;
        else lines.push(line);
        continue;
      }
      if (ROLLBACK_BLOCK_START.test(line)) {
        found = inBlock = true;
        continue;
      }
      const r = ROLLBACK_LINE.exec(line);
      if (r) {
        found = true;
        lines.push(r[1]);
      }
    }
    return { id, start: m.start, bodyStart, end, rollback: found ? lines.join('\n') : undefined };
  });
}

/** The `--rollback` lines for a generated down: its statements; its header kept as plain comments. */
function rollbackLines(down: DownSql): string {
  const out: string[] = [];
  const lossy = down.sql.split('\n').filter((l) => l.startsWith('-- ') && !l.startsWith('-- Down for '));
  for (const l of lossy) out.push(l);
  for (const s of splitStatements(down.sql, 'up').statements) {
    const text = s.text.trim();
    for (const line of `${text}${text.endsWith(';') ? '' : ';'}`.split('\n')) out.push(`--rollback ${line}`);
  }
  return out.join('\n');
}

const normalise = (sql: string) => splitStatements(sql, 'up').statements.map((s) => s.text.replace(/\s+/g, ' ').trim().replace(/;$/, '')).join(';\n');

/**
 * The down of each changeset placed as `--rollback` lines. `state` is the schema before the file;
 * it is not changed.
 */
export function placeLiquibase(path: string, text: string, state: RollbackState): Placement {
  const sets = changesets(text);
  const notes: string[] = [];
  const s: RollbackState = { catalog: state.catalog.clone(), ledger: state.ledger.clone() };
  const inserts: { at: number; text: string }[] = [];
  const diffs: string[] = [];
  for (const c of sets) {
    const body = text.slice(c.bodyStart, c.end);
    // The text before the changeset blanked out (newlines kept), so reported lines are the file's.
    const down = downForText(text.slice(0, c.bodyStart).replace(/[^\n]/g, ' ') + body, s, `changeset ${c.id}`);
    advance(s, body);
    const lines = rollbackLines(down);
    const statements = splitStatements(down.sql, 'up').statements;
    if (statements.some((x) => x.text.replace(/\$([A-Za-z_]\w*)?\$[^]*?\$\1\$/g, '').replace(/'[^']*'/g, '').includes(';'))) {
      notes.push(`changeset ${c.id}: a rollback statement contains ';' (a function body?): Liquibase splits rollback SQL on ';', so check it runs, or add splitStatements:false.`);
    }
    if (c.rollback !== undefined) {
      if (normalise(c.rollback) !== normalise(down.sql)) {
        diffs.push(lineDiff(c.rollback, statements.map((x) => `${x.text.trim()};`).join('\n'), `${path} (changeset ${c.id} rollback)`, 'pgsafe down'));
      }
      continue;
    }
    if (!statements.length) {
      notes.push(`changeset ${c.id}: nothing to roll back (no --rollback lines written).`);
      continue;
    }
    // After the changeset's last non-blank line, before the blank lines that separate it from the next.
    inserts.push({ at: c.bodyStart + body.trimEnd().length, text: lines });
  }
  if (!sets.length) notes.push('no --changeset line: Liquibase reads nothing from this file.');
  let content: string | undefined;
  if (inserts.length) {
    content = '';
    let pos = 0;
    for (const ins of inserts) {
      content += `${text.slice(pos, ins.at)}\n${ins.text}${ins.at === text.length ? '\n' : ''}`;
      pos = ins.at;
    }
    content += text.slice(pos);
  }
  if (diffs.length) notes.push(`${diffs.length} changeset${diffs.length === 1 ? ' has' : 's have'} a rollback already: not overwritten (diff shown).`);
  else if (!inserts.length && sets.length) notes.push('Every changeset already has this rollback.');
  return { target: path, kind: 'section', content, diff: diffs.length ? diffs.join('') : undefined, notes };
}

/** Liquibase's rollback of the whole file: each changeset's rollback SQL, last changeset first. */
export function liquibaseRollback(text: string): string {
  return changesets(text).reverse().map((c) => c.rollback ?? '').filter((s) => s.trim()).join('\n');
}

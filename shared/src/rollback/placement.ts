// Where a framework expects a migration's down part (../shared/reference/frameworks.md §2, §4), and
// the text to write there. Frameworks with no down migrations (Prisma, Drizzle, Supabase, Atlas,
// Graphile Migrate, plain folders) get a file in a `rollback/` folder next to the migrations
// folder: their runners apply any numbered .sql file in the folder (Supabase, dbmate-style
// runners) or a folder per migration (Prisma, Drizzle v1), so a down file inside would be taken
// for an up migration. An existing down part is never overwritten: the result carries a diff.
import { basename, dirname, join, relative, sep } from 'node:path';
import { layoutSections, type Marker } from '../parse/sections';
import { splitStatements } from '../parse/split';
import type { ProjectFs } from '../project/fs';
import type { DetectedFramework, MigrationSet } from '../project/types';
import { lineDiff } from './diff';
import type { DownSql } from './types';

export interface Placement {
  /** The file the down goes into. */
  target: string;
  /** `section`: the down section of the migration itself; `file`: a file of its own. */
  kind: 'section' | 'file';
  /** The target's whole new text (undefined when an existing down part is in the way). */
  content?: string;
  /** The target exists and already has a down part: what it has vs what pgsafe generated. */
  diff?: string;
  /** Framework-specific remarks (Flyway Teams, the sqitch plan, a missing NO TRANSACTION, …). */
  notes: string[];
}

const DOWN_MARKER: Partial<Record<string, (noTx: boolean) => string>> = {
  goose: () => '-- +goose Down',
  'sql-migrate': (noTx) => `-- +migrate Down${noTx ? ' notransaction' : ''}`,
  dbmate: (noTx) => `-- migrate:down${noTx ? ' transaction:false' : ''}`,
  tern: () => '---- create above / drop below ----',
  'node-pg-migrate': () => '-- Down Migration',
};

const hasStatements = (sql: string, direction: 'up' | 'down' = 'down') => splitStatements(sql, direction).statements.length > 0;

/** goose / sql-migrate split on `;` at line ends: statements with inner semicolons need StatementBegin/End. */
function bracketed(sql: string, framework: string): string {
  if (framework !== 'goose' && framework !== 'sql-migrate') return sql;
  const { statements } = splitStatements(sql, 'up');
  let out = '';
  let pos = 0;
  for (const s of statements) {
    const end = s.terminator !== undefined ? s.terminator + 1 : s.end;
    if (!s.text.includes(';')) continue;
    const tag = framework === 'goose' ? '+goose' : '+migrate';
    out += sql.slice(pos, s.start) + `-- ${tag} StatementBegin\n` + sql.slice(s.start, end) + `\n-- ${tag} StatementEnd`;
    pos = end;
  }
  return out + sql.slice(pos);
}

/** The file stem a rollback file is named after. */
function stemOf(path: string): string {
  const base = basename(path);
  if (base === 'migration.sql' || base === 'up.sql') return basename(dirname(path));
  return base.replace(/(\.up)?\.sql$/i, '');
}

export function placeDown(path: string, set: MigrationSet | undefined, framework: DetectedFramework, text: string, down: DownSql, fs: ProjectFs): Placement {
  const layout = layoutSections(text);
  const inFile = layout.framework && DOWN_MARKER[layout.framework] ? layout.framework : undefined;
  if (inFile) return inSection(path, inFile, text, down, layout.markers);
  const notes: string[] = [];
  const root = set?.root ?? dirname(path);
  let target: string;
  let content = down.sql;
  const base = basename(path);
  if (/\.up\.sql$/i.test(base) && ['golang-migrate', 'sqlx', 'ory', 'node-pg-migrate', 'plain'].includes(framework)) {
    target = path.replace(/\.up\.sql$/i, '.down.sql');
  } else if (framework === 'diesel' && base === 'up.sql') {
    target = join(dirname(path), 'down.sql');
  } else if (framework === 'flyway' && /^V\d/.test(base)) {
    target = join(dirname(path), base.replace(/^V/, 'U'));
    notes.push('Flyway runs U… undo migrations only in its Teams/Enterprise editions (`flyway undo`); with the Community edition, apply this file by hand.');
  } else if (framework === 'sqitch' && relative(root, path).split(sep)[0] === 'deploy') {
    target = join(root, 'revert', relative(join(root, 'deploy'), path));
    const change = relative(join(root, 'deploy'), path).replace(/\.sql$/, '');
    const project = /^%project=(\S+)/m.exec(fs.readText(join(root, 'sqitch.plan')) ?? '')?.[1] ?? 'project';
    content = `-- Revert ${project}:${change} from pg\n\n${down.needsNoTransaction ? down.sql : `BEGIN;\n\n${down.sql}\nCOMMIT;\n`}`;
    notes.push(`sqitch reverts ${change} with this script; the change is already in sqitch.plan.`);
  } else {
    const dir = join(dirname(root), 'rollback');
    target = join(dir, `${stemOf(path)}.down.sql`);
    notes.push(`${framework === 'plain' ? 'The runner of this folder is not known' : `${framework} has no down migrations`}: the down is written to ${relative(dirname(root), dir) || dir}/ beside the migrations folder, where the runner does not read it (a .sql file inside the folder would be applied as an up migration). Run it by hand (psql -f) to roll back.`);
  }
  const existing = fs.readText(target);
  if (existing !== undefined && existing.trim() === content.trim()) return { target, kind: 'file', notes: [...notes, `${target} already holds exactly this down.`] };
  if (existing !== undefined && hasStatements(existing)) {
    return { target, kind: 'file', diff: lineDiff(existing, content, target, 'pgsafe down'), notes: [...notes, `${target} already has a down: not overwritten.`] };
  }
  if (existing !== undefined && existing.trim()) content = `${existing.replace(/\s*$/, '')}\n${content}`;
  return { target, kind: 'file', content, notes };
}

function inSection(path: string, framework: string, text: string, down: DownSql, markers: Marker[]): Placement {
  const notes: string[] = [];
  const body = bracketed(down.sql, framework);
  const downMarkers = markers.filter((m) => m.kind === 'down' && m.framework === framework);
  if (framework === 'goose' && down.needsNoTransaction && !markers.some((m) => m.kind === 'no-transaction')) {
    notes.push('The down drops an index CONCURRENTLY, which cannot run in goose\'s transaction: add `-- +goose NO TRANSACTION` to the file (it applies to both directions).');
  }
  if (downMarkers.length > 1) notes.push('The file has several down sections; the generated down reverts the whole up part.');
  const marker = downMarkers[0];
  if (marker) {
    const end = markers.filter((m) => (m.kind === 'up' || m.kind === 'down') && m.start > marker.start)[0]?.start ?? text.length;
    const existing = text.slice(marker.end, end);
    if (existing.trim() === body.trim()) return { target: path, kind: 'section', notes: [...notes, 'The down section already holds exactly this down.'] };
    if (hasStatements(existing, 'up')) {
      return { target: path, kind: 'section', diff: lineDiff(existing.replace(/^\n/, ''), body, `${path} (down section)`, 'pgsafe down'), notes: [...notes, 'The file already has a down section: not overwritten.'] };
    }
    let line = marker.text;
    const want = DOWN_MARKER[framework]!(down.needsNoTransaction);
    if (want !== line && (framework === 'dbmate' || framework === 'sql-migrate') && down.needsNoTransaction) line = want;
    const content = text.slice(0, marker.start) + line + '\n' + body + text.slice(marker.end).replace(/^\n/, '');
    return { target: path, kind: 'section', content, notes };
  }
  const sep = text.endsWith('\n') ? '\n' : '\n\n';
  return { target: path, kind: 'section', content: `${text}${sep}${DOWN_MARKER[framework]!(down.needsNoTransaction)}\n${body}`, notes };
}

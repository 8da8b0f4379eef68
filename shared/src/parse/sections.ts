// In-file section markers of the migration runners that keep up and down SQL in one file.
// The runners find these markers line by line (goose, sql-migrate and dbmate all read the file a
// line at a time), so we do the same: a marker is a whole comment line, wherever it sits.

export type MarkerFramework = 'goose' | 'sql-migrate' | 'dbmate' | 'tern' | 'node-pg-migrate' | 'liquibase';
export type Direction = 'up' | 'down';

export interface Marker {
  framework: MarkerFramework;
  /** up / down start a section; statement-begin/-end are goose & sql-migrate statement brackets. */
  kind: 'up' | 'down' | 'statement-begin' | 'statement-end' | 'no-transaction' | 'disable-tx';
  start: number; // offset of the line start
  end: number; // offset of the line end (before the newline)
  text: string;
  /** `transaction:false` (dbmate), `notransaction` (sql-migrate), `NO TRANSACTION` (goose, file-wide). */
  noTransaction: boolean;
}

export interface Section {
  direction: Direction;
  start: number;
  end: number;
  marker?: Marker;
  /** The runner whose markers define this section (undefined: a plain SQL file). */
  framework?: MarkerFramework;
  /** The runner runs this section outside a transaction (a marker opted out). */
  noTransaction: boolean;
}

export interface SectionLayout {
  framework?: MarkerFramework;
  markers: Marker[];
  sections: Section[];

}

const GOOSE = /^--\s*\+goose\s+(up|down|statementbegin|statementend|no\s+transaction|envsub\s+on|envsub\s+off)\b/i;
const SQL_MIGRATE = /^--\s*\+migrate\s+(up|down|statementbegin|statementend)\b(.*)$/i;
const DBMATE = /^--\s*migrate:(up|down)(?:\s+(.*))?$/i;
const TERN = /^----\s*create\s+above\s*\/\s*drop\s+below\s*----\s*$/i;
const TERN_DISABLE_TX = /^----\s*tern:\s*disable-tx\s*----\s*$/i;
const NODE_PG_MIGRATE = /^--[\s-]*(up|down)\s+migration\b/i;
/** Liquibase formatted SQL: each changeset is its own unit (and transaction unless runInTransaction:false). */
const LIQUIBASE_CHANGESET = /^--\s*changeset\s+\S+/i;

function classify(line: string): Omit<Marker, 'start' | 'end' | 'text'> | undefined {
  if (!line.startsWith('--')) return undefined;
  let m = GOOSE.exec(line);
  if (m) {
    const word = m[1].toLowerCase().replace(/\s+/g, ' ');
    if (word === 'up' || word === 'down') return { framework: 'goose', kind: word, noTransaction: false };
    if (word === 'statementbegin') return { framework: 'goose', kind: 'statement-begin', noTransaction: false };
    if (word === 'statementend') return { framework: 'goose', kind: 'statement-end', noTransaction: false };
    if (word === 'no transaction') return { framework: 'goose', kind: 'no-transaction', noTransaction: true };
    return undefined; // ENVSUB: no effect on sections
  }
  m = SQL_MIGRATE.exec(line);
  if (m) {
    const word = m[1].toLowerCase();
    const noTx = /\bnotransaction\b/i.test(m[2] ?? '');
    if (word === 'up' || word === 'down') return { framework: 'sql-migrate', kind: word, noTransaction: noTx };
    return { framework: 'sql-migrate', kind: word === 'statementbegin' ? 'statement-begin' : 'statement-end', noTransaction: false };
  }
  m = DBMATE.exec(line);
  if (m) {
    const noTx = /\btransaction\s*:\s*false\b/i.test(m[2] ?? '');
    return { framework: 'dbmate', kind: m[1].toLowerCase() as Direction, noTransaction: noTx };
  }
  if (TERN.test(line)) return { framework: 'tern', kind: 'down', noTransaction: false };
  if (TERN_DISABLE_TX.test(line)) return { framework: 'tern', kind: 'disable-tx', noTransaction: true };
  if (LIQUIBASE_CHANGESET.test(line)) return { framework: 'liquibase', kind: 'up', noTransaction: /\brunInTransaction\s*:\s*false\b/i.test(line) };
  m = NODE_PG_MIGRATE.exec(line);
  if (m) return { framework: 'node-pg-migrate', kind: m[1].toLowerCase() as Direction, noTransaction: false };
  return undefined;
}

/**
 * Find the markers and cut the text into up/down sections. A file without markers is one
 * section in `defaultDirection` (up, unless the file name says it is a down migration).
 */
export function layoutSections(text: string, defaultDirection: Direction = 'up'): SectionLayout {
  const markers: Marker[] = [];
  let pos = 0;
  // Only lines that start with "--" (after indentation) can be markers; skip the rest quickly.
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    let s = pos;
    while (s < nl && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
    if (text.charCodeAt(s) === 45 && text.charCodeAt(s + 1) === 45) {
      let e = nl;
      while (e > s && /\s/.test(text[e - 1])) e--;
      const line = text.slice(s, e);
      const c = classify(line);
      if (c) markers.push({ ...c, start: pos, end: e, text: line });
    }
    pos = nl + 1;
  }

  const sectionMarkers = markers.filter((m) => m.kind === 'up' || m.kind === 'down');
  const framework = (sectionMarkers[0] ?? markers.find((m) => m.framework === 'goose' || m.kind === 'disable-tx'))?.framework;
  const fileNoTx = markers.some((m) => m.kind === 'no-transaction');

  const sections: Section[] = [];
  if (sectionMarkers.length === 0) {
    sections.push({ direction: defaultDirection, start: 0, end: text.length, framework, noTransaction: fileNoTx });
  } else {
    const first = sectionMarkers[0];
    if (first.start > 0) {
      // Text before the first marker is up SQL (tern's separator puts "up" above it; goose and
      // dbmate files usually hold only comments there).
      sections.push({ direction: 'up', start: 0, end: first.start, framework, noTransaction: fileNoTx });
    }
    sectionMarkers.forEach((m, i) => {
      const end = i + 1 < sectionMarkers.length ? sectionMarkers[i + 1].start : text.length;
      sections.push({ direction: m.kind as Direction, start: m.end, end, marker: m, framework, noTransaction: fileNoTx || m.noTransaction });
    });
  }
  // tern's `---- tern: disable-tx ----` applies to the section it is in.
  for (const m of markers) {
    if (m.kind !== 'disable-tx') continue;
    const section = sections.find((x) => m.start >= x.start && m.start <= x.end);
    if (section) section.noTransaction = true;
  }
  return { framework, markers, sections };
}

/** Direction implied by the file's name alone (down files of golang-migrate, Diesel, sqitch, Flyway undo). */
export function directionFromPath(path: string): Direction | 'verify' | undefined {
  const p = path.replace(/\\/g, '/');
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (/\.down\.sql$/i.test(base) || /^down\.sql$/i.test(base) || /^U\d[\w.]*__.*\.sql$/.test(base)) return 'down';
  if (/(^|\/)revert\/[^/]+\.sql$/i.test(p)) return 'down';
  if (/(^|\/)verify\/[^/]+\.sql$/i.test(p)) return 'verify';
  return undefined;
}

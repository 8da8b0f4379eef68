// The language server's incremental lint (lint-memo: walker checkpoints, findings reused before the
// first changed statement) must report exactly what a lint from scratch reports. Differential and
// randomized: many edits (insert / delete / replace statements, BEGIN/COMMIT, lock_timeout,
// section markers, suppression comments, objects created and then used, syntax errors) on real
// multi-statement files, compared after every edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { lintTextSync, type LintOptions, type LintResult, type StatementInfo } from '../../shared/src/engine';
import { LintMemo } from '../../shared/src/lint-memo';
import { ParseCache, splitStatements } from '../../shared/src/parse/split';
import { defaultConfig } from '../../shared/src/config/types';
import { selectFiles } from '../../server/src/cli/files';
import { LspDocument } from '../../server/src/lsp/document';
import { Workspace } from '../../server/src/lsp/workspace';
import { rng } from '../helpers/random';

const { hazardFile } = require('../../../bench/generate.js') as { hazardFile(n: number): string };
const root = join(__dirname, '..', '..', '..');
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');

const SNIPPETS = [
  'BEGIN;', 'COMMIT;', 'ROLLBACK;', 'COMMIT AND CHAIN;', "SET lock_timeout = '2s';", "SET LOCAL lock_timeout = '1s';", 'SET lock_timeout = 0;',
  '-- +goose Up', '-- +goose Down', '-- +goose StatementBegin', '-- +goose StatementEnd', '-- +goose NO TRANSACTION',
  '-- pgsafe-ignore require-concurrent-index-creation', '-- pgsafe-ignore-file drop-column', '-- pgsafe-ignore foreign-key-without-index',
  '-- pgsafe-ignore set-not-null, require-lock-timeout', '-- IRREVERSIBLE: dropping legacy data',
  'CREATE TABLE memo_t (id bigint PRIMARY KEY, ref bigint, note varchar(20));',
  'ALTER TABLE memo_t ADD CONSTRAINT memo_fk FOREIGN KEY (ref) REFERENCES memo_t (id);',
  'CREATE INDEX memo_idx ON memo_t (ref);', 'DROP TABLE memo_t;', 'ALTER TABLE memo_t ADD COLUMN flag boolean NOT NULL DEFAULT false;',
  'CREATE INDEX CONCURRENTLY memo_cidx ON orders_1 (status);', 'DROP INDEX CONCURRENTLY memo_cidx;',
  'ALTER TABLE orders_1 ADD CONSTRAINT o_fk FOREIGN KEY (account_id) REFERENCES accounts_1 (id);',
  'CREATE INDEX ON orders_1 (account_id);', 'ALTER TABLE orders_1 ADD CONSTRAINT o_pk PRIMARY KEY (account_id);',
  'ALTER TABLE users_2 RENAME TO users_old;', 'CREATE VIEW users_2 AS SELECT * FROM users_old;',
  'DROP TRIGGER trg ON orders_3;', 'CREATE TRIGGER trg BEFORE INSERT ON orders_3 FOR EACH ROW EXECUTE FUNCTION f();',
  'DO $$ BEGIN ALTER TABLE orders_4 ADD COLUMN z int; CREATE INDEX z_idx ON orders_4 (z); END $$;',
  'UPDATE orders_5 SET status = \'x\';', 'ALTER TABLE orders_6 ALTER COLUMN status SET NOT NULL;',
  'ALTER TABLE orders_7 ADD CONSTRAINT c7 CHECK (total > 0) NOT VALID;', 'ALTER TABLE orders_7 VALIDATE CONSTRAINT c7;',
  "ALTER TYPE mood ADD VALUE 'meh';", "SELECT 'unterminated", 'ALTER TABLE broken ADD;', 'ALTER TABLE accounts_0 ALTER COLUMN name TYPE text;',
  'LOCK TABLE orders_2 IN ACCESS EXCLUSIVE MODE;', 'VACUUM FULL orders_2;', 'TRUNCATE orders_8;',
];

/** One random edit of `text`, at statement granularity or inside a statement. */
function randomEdit(text: string, r: () => number, snippets: readonly string[] = SNIPPETS): string {
  const stmts = splitStatements(text).statements;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const snippet = () => pick(snippets);
  // Edits near the end are the common case in an editor; keep some anywhere.
  const k = stmts.length === 0 ? 0 : r() < 0.5 ? Math.max(0, stmts.length - 1 - Math.floor(r() * 20)) : Math.floor(r() * stmts.length);
  const s = stmts[k];
  const op = r();
  if (!s || op < 0.35) {
    const at = s ? s.start : text.length;
    return `${text.slice(0, at)}${snippet()}\n${text.slice(at)}`;
  }
  const end = s.terminator !== undefined ? s.terminator + 1 : s.end;
  if (op < 0.55) return text.slice(0, s.start) + text.slice(end);
  if (op < 0.8) return `${text.slice(0, s.start)}${snippet()}${text.slice(end)}`;
  // A keystroke inside the statement (may break it).
  const at = s.start + Math.floor(r() * (s.end - s.start + 1));
  return text.slice(0, at) + pick([' ', 'x', ';', "'", '\n', '(']) + text.slice(at);
}

const shape = (r: LintResult) => ({
  findings: r.findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, help: f.help, start: f.start, end: f.end, statementIndex: f.statementIndex, related: f.related })),
  info: (r.statementInfo ?? []).map((x: StatementInfo | undefined) => x && JSON.stringify(x)),
});

/** Apply `edits` random edits, comparing the incremental lint with a fresh one after each; returns statements reused in total. */
function differential(name: string, text: string, edits: number, seed: number, options: LintOptions): number {
  const r = rng(seed);
  const memo = new LintMemo<StatementInfo>();
  const cache = new ParseCache();
  let reused = 0;
  for (let e = 0; e <= edits; e++) {
    if (e > 0) text = randomEdit(text, r);
    const incremental = lintTextSync(text, { ...options, withFixes: false, collectStatementInfo: true, memo, parseCache: cache });
    const fresh = lintTextSync(text, { ...options, withFixes: false, collectStatementInfo: true });
    assert.deepEqual(shape(incremental), shape(fresh), `${name}: edit ${e} (seed ${seed}) differs; text:\n${text}`);
    reused += memo.lastFrom;
  }
  return reused;
}

test('incremental lint equals a lint from scratch after every random edit (generated and hand-written files)', async () => {
  await ensureParser();
  const mixed = [
    '-- +goose Up', "SET lock_timeout = '1s';", 'CREATE TABLE accounts_1 (id serial PRIMARY KEY, name text);', ...SNIPPETS.filter((s) => !s.startsWith('--') && !s.includes('unterminated')),
    'COMMIT;', '-- +goose Down', 'DROP TABLE accounts_1;',
  ].join('\n');
  let reused = 0;
  reused += differential('hazard template', hazardFile(240), 60, 1, { path: '0001_bench.sql' });
  reused += differential('mixed goose file', mixed, 60, 2, { path: '20240101_mixed.sql' });
  reused += differential('hazard template, runner transaction', hazardFile(120), 40, 3, { path: 'V1__x.sql', config: { ...defaultConfig(), transaction: 'always' } });
  reused += differential('plain file with BEGIN', `BEGIN;\n${hazardFile(100)}COMMIT;\n`, 40, 4, { path: 'plain.sql' });
  // The test must exercise reuse, not only fall back to full lints.
  assert.ok(reused > 1000, `statements reused in total: ${reused}`);
});

test('typing in the middle of a large file resumes right before the edited statement from the second keystroke on', async () => {
  await ensureParser();
  let text = hazardFile(2000);
  const memo = new LintMemo<StatementInfo>();
  const cache = new ParseCache();
  const options: LintOptions = { path: 'x.sql', withFixes: false, collectStatementInfo: true };
  lintTextSync(text, { ...options, memo, parseCache: cache });
  // Keystrokes that add statements at line 1,000, one after the other (statement index 1,000 + k).
  const at = (k: number) => text.split('\n').slice(0, 1000 + k).join('\n').length + 1;
  for (let k = 0; k < 6; k++) {
    const p = at(k);
    text = `${text.slice(0, p)}ALTER TABLE typed ADD COLUMN c${k} int;\n${text.slice(p)}`;
    const incremental = lintTextSync(text, { ...options, memo, parseCache: cache });
    assert.deepEqual(shape(incremental), shape(lintTextSync(text, options)), `keystroke ${k}`);
    if (k > 0) {
      assert.ok(memo.lastFrom >= 1000 + k - 1, `keystroke ${k} resumed from statement ${memo.lastFrom}, not right before ${1000 + k}`);
      assert.ok(memo.lastWalked <= text.split('\n').length - 1000, `keystroke ${k} walked ${memo.lastWalked}`);
    }
  }
});

test('an edit at the end re-checks early statements whose findings depend on it (look-ahead rules, section scope)', async () => {
  await ensureParser();
  const filler = Array.from({ length: 90 }, (_, i) => `CREATE TABLE filler_${i} (id bigint);`).join('\n');
  // [first part, what is appended after the filler, a framework]: the appended statement changes a finding of the first part.
  const cases: [string, string, ('goose' | undefined)?][] = [
    ['CREATE TABLE parent (id bigint PRIMARY KEY);\nCREATE TABLE child (id bigint, parent_id bigint REFERENCES parent (id));', 'CREATE INDEX child_parent_idx ON child (parent_id);'],
    ['BEGIN;\nALTER TABLE t ADD COLUMN x int;', 'COMMIT;'],
    ['ALTER TABLE users RENAME TO users_old;', 'CREATE VIEW users AS SELECT * FROM users_old;'],
    ['-- +goose Up\nCREATE INDEX CONCURRENTLY i1 ON t (a);\nALTER TABLE t ADD COLUMN x int;', '-- +goose NO TRANSACTION', 'goose'],
  ];
  for (const [head, later, framework] of cases) {
    const memo = new LintMemo<StatementInfo>();
    const options: LintOptions = { path: 'x.sql', framework, withFixes: false, collectStatementInfo: true };
    const before = `${head}\n${filler}\n`;
    const after = `${before}${later}\n`;
    lintTextSync(before, { ...options, memo });
    const incremental = lintTextSync(after, { ...options, memo });
    const fresh = lintTextSync(after, options);
    const early = (r: LintResult) => r.findings.filter((f) => f.start < head.length).map((f) => `${f.rule}: ${f.message}`);
    assert.notDeepEqual(early(fresh), early(lintTextSync(before, options)), `the case must change an early finding: ${later}`);
    assert.deepEqual(shape(incremental), shape(fresh), `after appending ${later}`);
  }
  // And an edit that none of them cares about reuses the first part.
  const memo = new LintMemo<StatementInfo>();
  const text = `${cases[0][0]}\n${filler}\n`;
  lintTextSync(text, { path: 'x.sql', withFixes: false, memo });
  lintTextSync(`${text}ALTER TABLE filler_1 ADD COLUMN n int;\n`, { path: 'x.sql', withFixes: false, memo });
  assert.ok(memo.lastFrom > 50, `resumed at statement ${memo.lastFrom}`);
});

test('every rule that reads other statements of the file either declares lookAhead or reads only earlier ones', async () => {
  const dir = join(root, 'shared', 'src', 'rules');
  // Reviewed: these read only statements before the one checked (s.index < stmt.index, or a loop that stops there).
  const backwardOnly = new Set(['alter-table-rewrite.ts', 'require-cic-guard.ts']);
  const readers = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.startsWith('_') && !['index.ts', 'types.ts'].includes(f))
    .filter((f) => /ctx\.statements|followingStatements\(|laterStatements\(/.test(readFileSync(join(dir, f), 'utf8')));
  assert.ok(readers.length >= 8, `rules reading the file's statements: ${readers.join(', ')}`);
  for (const f of readers) {
    const source = readFileSync(join(dir, f), 'utf8');
    assert.ok(/\blookAhead\b/.test(source) || backwardOnly.has(f), `${f} reads the file's statements but declares no lookAhead (the incremental lint would reuse stale findings)`);
  }
});

test('incremental lint equals a lint from scratch on real migrations (corpus)', { skip: existsSync(corpus) ? false : `corpus not found at ${corpus}` }, async () => {
  await ensureParser();
  const { files } = selectFiles([corpus], process.cwd());
  // The files with the most statements (where reuse matters), plus goose / sql-migrate ones with markers.
  const sized = files.map((f) => ({ f, text: readFileSync(f, 'utf8') })).map((x) => ({ ...x, n: splitStatements(x.text).statements.length }));
  const big = sized.filter((x) => x.n <= 300).sort((a, b) => b.n - a.n).slice(0, 6);
  const marked = sized.filter((x) => /\+goose|\+migrate|migrate:up/.test(x.text) && x.n >= 8).slice(0, 4);
  let reused = 0;
  [...big, ...marked].forEach((x, i) => (reused += differential(x.f, x.text, 30, 100 + i, { path: x.f })));
  assert.ok(reused > 100, `statements reused in total: ${reused}`);
});

test('language server workspace: diagnostics after edits equal a fresh workspace\'s (migration set with an earlier file)', async () => {
  await ensureParser();
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-memo-'));
  writeFileSync(join(dir, '0001_init.sql'), 'CREATE TABLE accounts_1 (id bigint PRIMARY KEY);\nCREATE TABLE orders_1 (id bigint, account_id bigint, status text);\n');
  const path = join(dir, '0002_change.sql');
  let text = hazardFile(150);
  writeFileSync(path, text);
  const uri = `file://${path}`;
  const ws = new Workspace([dir]);
  const doc = new LspDocument(uri, 1, text, 'sql', 'utf-16');
  ws.open(doc);
  ws.lint(doc);
  const r = rng(7);
  // Without framework markers: typing one into an open file does not re-detect its folder's
  // framework (the set is re-detected on file-structure changes only), with or without reuse.
  const snippets = SNIPPETS.filter((s) => !s.includes('+goose'));
  for (let v = 2; v < 40; v++) {
    text = randomEdit(text, r, snippets);
    doc.update([{ text }], v);
    ws.changed(doc);
    const fresh = new Workspace([dir]);
    const other = new LspDocument(uri, v, text, 'sql', 'utf-16');
    fresh.open(other);
    assert.deepEqual(shape(ws.lint(doc)), shape(fresh.lint(other)), `version ${v}`);
  }
});

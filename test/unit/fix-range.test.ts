// A code action on a large file computes the fixes of the statements under the cursor only
// (LintOptions.fixRange): the walk resumes from the incremental lint's checkpoint before them and
// stops after them. Its findings and fixes must be exactly those a whole-file lint with fixes gives
// for those statements, including fixes that read the schema built long before the checkpoint and
// statements inside the file's own transaction; and when the memo is stale (the text changed
// since), the walk starts from the top and is still right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { lintTextSync, type LintOptions, type LintResult, type StatementInfo } from '../../shared/src/engine';
import { GRID, LintMemo } from '../../shared/src/lint-memo';
import { ParseCache, splitStatements } from '../../shared/src/parse/split';
import { Catalog } from '../../shared/src/context/catalog';
import { applyStatement } from '../../shared/src/context/apply';
import { rng } from '../helpers/random';

const { hazardFile } = require('../../../bench/generate.js') as { hazardFile(n: number): string };

const shape = (findings: LintResult['findings']) => findings.map((f) => ({ rule: f.rule, start: f.start, end: f.end, message: f.message, statementIndex: f.statementIndex, fixes: f.fixes }));

/** Findings of the whole-file lint (with fixes) on the statements that touch [from, to]. */
function expected(full: LintResult, from: number, to: number) {
  const touched = new Set(full.split.statements.filter((s) => s.end >= from && s.start <= to).map((s) => s.index));
  return shape(full.findings.filter((f) => f.statementIndex !== undefined && touched.has(f.statementIndex)));
}

// Existing tables (from earlier migrations) whose primary keys the backfill fixes of statements
// more than 1,000 statements into the file read from the schema, one of them changed at the top
// of the file; the hazard template in between; and a file inside BEGIN … COMMIT.
const EARLIER = 'CREATE TABLE big (id bigint PRIMARY KEY, a text); CREATE TABLE t0 (k int PRIMARY KEY);';
const FILES: [string, string][] = [
  ['0001_top_and_bottom.sql', `ALTER TABLE big ADD COLUMN a2 text;\n${hazardFile(1300)}ALTER TABLE big ADD COLUMN b text NOT NULL;\nCREATE INDEX big_a_idx ON big (a2);\n`],
  ['0002_begin.sql', `BEGIN;\n${hazardFile(1100)}ALTER TABLE t0 ADD COLUMN c int NOT NULL;\nCOMMIT;\n`],
];

/** The schema before the file: a copy of the earlier migrations' each time, the same token for the memo. */
function schemaBefore(): { catalog: () => Catalog; token: Catalog } {
  const base = new Catalog();
  for (const s of splitStatements(EARLIER).statements) applyStatement(base, s);
  base.settle(true);
  return { catalog: () => base.fork(), token: base };
}

test('fixes for a range (resumed from a checkpoint) equal the whole-file lint\'s for those statements', async () => {
  await ensureParser();
  for (const [name, text] of FILES) {
    const schema = schemaBefore();
    const base: LintOptions = { path: `/m/${name}`, collectStatementInfo: true, catalogToken: schema.token, migration: { root: '/m', framework: 'plain', files: [{ path: `/m/${name}`, role: 'up', order: 1 }] } };
    const options = base;
    // Every lint starts from its own copy of the schema before the file.
    const lint = (o: LintOptions) => lintTextSync(text, { ...o, catalog: schema.catalog() });
    const memo = new LintMemo<StatementInfo>();
    const cache = new ParseCache();
    lint({ ...options, withFixes: false, memo, parseCache: cache });
    const full = lint({ ...options, withFixes: true });
    const stmts = full.split.statements;
    const r = rng(name.length);
    const picks = [stmts.length - 1, stmts.length - 2, stmts.length - 3, GRID + 3, ...Array.from({ length: 25 }, () => Math.floor(r() * stmts.length))];
    let resumed = 0;
    for (const k of picks) {
      const s = stmts[k];
      for (const [from, to] of [[s.start, s.start], [s.start, s.end], [stmts[Math.max(0, k - 2)].start, s.end]]) {
        const ranged = lint({ ...options, withFixes: true, memo, parseCache: cache, fixRange: { from, to } });
        assert.deepEqual(shape(ranged.findings), expected(full, from, to), `${name}: statements at ${from}-${to}`);
      }
      if (k >= GRID) resumed++;
    }
    assert.ok(resumed > 5, 'ranges past the first checkpoint were tried');
    // The late ADD COLUMN … NOT NULL: its backfill batches by the table's primary key, from the schema.
    const late = full.findings.find((f) => f.rule === 'add-column-not-null-without-default' && f.start > stmts[stmts.length - 4].start);
    assert.ok(late, 'the late ADD COLUMN … NOT NULL is reported');
    const ranged = lint({ ...options, withFixes: true, memo, parseCache: cache, fixRange: { from: late.start, to: late.end } });
    const fix = ranged.findings.find((f) => f.rule === late.rule)?.fixes[0];
    assert.ok(fix && JSON.stringify(fix).includes(name.startsWith('0001') ? 'id' : 'k'), 'the fix batches by the primary key');
    assert.deepEqual(fix, late.fixes[0]);
  }
});

test('a checkpoint is found before a range only for the text the memo last linted', async () => {
  await ensureParser();
  const [name, text] = FILES[0];
  const schema = schemaBefore();
  const options: LintOptions = { path: `/m/${name}`, collectStatementInfo: true, catalogToken: schema.token, migration: { root: '/m', framework: 'plain', files: [{ path: `/m/${name}`, role: 'up', order: 1 }] } };
  const memo = new LintMemo<StatementInfo>();
  lintTextSync(text, { ...options, catalog: schema.catalog(), withFixes: false, memo });
  const probe = (t: string) => {
    let found: unknown;
    const original = memo.checkpointBefore.bind(memo);
    memo.checkpointBefore = (...a) => (found = original(...a));
    try {
      const at = t.lastIndexOf('ALTER TABLE big');
      const r = lintTextSync(t, { ...options, catalog: schema.catalog(), withFixes: true, memo, fixRange: { from: at, to: at } });
      return { found, r };
    } finally {
      memo.checkpointBefore = original;
    }
  };
  const same = probe(text);
  assert.ok(same.found, 'resumed from a checkpoint');
  // The text changed and was not linted with the memo: no checkpoint, a walk from the top, same answer.
  const changed = text.replace('ALTER TABLE big ADD COLUMN a2 text;', 'ALTER TABLE big ADD COLUMN a3 text;');
  const stale = probe(changed);
  assert.equal(stale.found, undefined);
  const full = lintTextSync(changed, { ...options, catalog: schema.catalog(), withFixes: true });
  const at = changed.lastIndexOf('ALTER TABLE big');
  assert.deepEqual(shape(stale.r.findings), expected(full, at, at));
  assert.ok(stale.r.findings.some((f) => f.fixes.length > 0));
});

// The language server's incremental replay of a migration set (IncrementalSet: a schema snapshot
// before each file, copied with Catalog.fork, files re-linted lazily after an edit) must report
// exactly what one full run over the current texts reports. Differential and randomized: edits
// anywhere in the set, files asked for in random order, and the lint-with-fixes path (a copy of a
// snapshot replayed and thrown away) in between. A snapshot that a later replay changed in place
// would make a re-lint from it differ from the full run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { ParseCache, splitStatements } from '../../shared/src/parse/split';
import { defaultConfig } from '../../shared/src/config/types';
import { loadSet } from '../../shared/src/project/discover';
import { nodeFs, overlayFs } from '../../shared/src/project/fs';
import { IncrementalSet, lintSet, type FileLint } from '../../shared/src/project/lint';
import type { LintResult, StatementInfo } from '../../shared/src/engine';
import { LintMemo } from '../../shared/src/lint-memo';
import { Catalog } from '../../shared/src/context/catalog';
import { rng } from '../helpers/random';

const FILES = [
  "CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(50) NOT NULL, name text);\nCREATE TYPE mood AS ENUM ('a', 'b');\nCREATE DOMAIN posint AS int CHECK (VALUE > 0);",
  'CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint, total numeric(10,2), status text, m mood);\nALTER TABLE orders ADD CONSTRAINT orders_acc_fk FOREIGN KEY (account_id) REFERENCES accounts (id);\nCREATE INDEX orders_acc_idx ON orders (account_id);',
  "CREATE VIEW active AS SELECT id, email FROM accounts;\nCREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
  "SET lock_timeout = '5s';\nALTER TABLE accounts ALTER COLUMN email TYPE varchar(100);\nALTER TABLE orders ADD COLUMN note text;",
  'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER trg BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch();\nALTER TABLE accounts RENAME COLUMN name TO full_name;',
  'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_acc_fk;\nDROP INDEX orders_acc_idx;',
  "ALTER TABLE accounts RENAME TO users;\nCREATE INDEX users_email_idx ON users (email);\nALTER TYPE mood ADD VALUE 'c';",
  'ALTER TABLE users ALTER COLUMN email TYPE text;\nALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);\nDROP TABLE events_2024;\nALTER TABLE orders ADD CONSTRAINT o_chk CHECK (total > 0);',
];

const SNIPPETS = [
  'DROP TABLE orders CASCADE;', 'ALTER TABLE accounts ADD COLUMN age posint;', 'ALTER TABLE orders ALTER COLUMN m TYPE text;',
  'CREATE UNIQUE INDEX acc_email_uq ON accounts (email);', 'ALTER TABLE accounts ADD CONSTRAINT acc_email_key UNIQUE USING INDEX acc_email_uq;',
  'ALTER TABLE events DETACH PARTITION events_2024;', 'DROP VIEW active;', 'ALTER TABLE orders RENAME COLUMN status TO state;',
  'ALTER TABLE users RENAME TO accounts;', 'ALTER TABLE orders ADD CONSTRAINT o_fk2 FOREIGN KEY (account_id) REFERENCES users (id) NOT VALID;',
  'ALTER TABLE orders VALIDATE CONSTRAINT o_fk2;', 'ALTER TABLE accounts DROP COLUMN email;', 'ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now();',
  'CREATE INDEX CONCURRENTLY o_total_idx ON orders (total);', 'DROP TRIGGER trg ON orders;', 'ALTER TABLE orders ALTER COLUMN id TYPE int;',
  "ALTER TYPE mood RENAME VALUE 'a' TO 'z';", 'ALTER DOMAIN posint ADD CONSTRAINT big CHECK (VALUE > 10);', 'CREATE TABLE orders (id int);',
  'ALTER TABLE orders SET NOT NULL;', "SET lock_timeout = '1s';", 'BEGIN;', 'COMMIT;', 'ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (\'2024-01-01\') TO (\'2025-01-01\');',
];

/** Insert, delete or replace one statement of `text`. */
function randomEdit(text: string, r: () => number): string {
  const stmts = splitStatements(text).statements;
  const snippet = SNIPPETS[Math.floor(r() * SNIPPETS.length)];
  const s = stmts[Math.floor(r() * stmts.length)];
  const op = r();
  if (!s || op < 0.45) {
    const at = s ? s.start : text.length;
    return `${text.slice(0, at)}${snippet}\n${text.slice(at)}`;
  }
  const end = s.terminator !== undefined ? s.terminator + 1 : s.end;
  return op < 0.7 ? text.slice(0, s.start) + text.slice(end) : `${text.slice(0, s.start)}${snippet}${text.slice(end)}`;
}

const shape = (r: LintResult | undefined) =>
  r && {
    findings: r.findings.map((f) => ({ rule: f.rule, message: f.message, help: f.help, start: f.start, end: f.end, related: f.related })),
    info: (r.statementInfo ?? []).map((x) => x && JSON.stringify(x)),
  };

/** Everything the model holds about relations, indexes and types, as comparable text. */
const catalogShape = (c: Catalog | undefined) =>
  c && JSON.stringify({ relations: c.allRelations(), indexes: c.allIndexes(), types: c.allTypes() }, (_, v) => (v instanceof Map || v instanceof Set ? [...v] : v));

/** golang-migrate files `N_step.up.sql` with these texts, read through an overlay the tests edit. */
function writeSet(prefix: string, files: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const paths = files.map((text, i) => {
    const p = join(dir, `${i + 1}_step.up.sql`);
    writeFileSync(p, text);
    return p;
  });
  const texts = new Map<string, string>(paths.map((p, i) => [p, files[i]]));
  const fs = overlayFs(nodeFs, texts);
  return { paths, texts, fs, set: loadSet(dir, fs) };
}

test('incremental replay of a migration set equals a full run after every random edit (schema snapshots are independent copies)', async () => {
  await ensureParser();
  const { paths, texts, fs, set } = writeSet('pgsafe-incset-', FILES);
  assert.equal(set.framework, 'golang-migrate');
  const opts = { fs, configFor: () => defaultConfig(), collectStatementInfo: true, withFixes: false };
  const inc = new IncrementalSet(set, opts);
  inc.run();
  const r = rng(20261206);
  let relinted = 0;
  for (let e = 0; e < 80; e++) {
    // Early files more often: their edits invalidate the most snapshots.
    const i = Math.min(paths.length - 1, Math.floor(r() * r() * paths.length));
    texts.set(paths[i], randomEdit(texts.get(paths[i])!, r));
    inc.changed(paths[i]);
    const full = new Map<string, FileLint>(lintSet(set, opts).map((x) => [x.file.path, x]));
    // Ask for a random selection of files in random order (lazy replay from the nearest snapshot).
    const asked = paths.filter(() => r() < 0.6).sort(() => r() - 0.5);
    for (const p of asked) {
      assert.deepEqual(shape(inc.result(p)?.result), shape(full.get(p)?.result), `edit ${e}: ${p} differs from a full run`);
      relinted += inc.lastLinted.length;
    }
    // The schema before a file equals the full run's, and the lint-with-fixes path (a copy of
    // that snapshot, replayed and thrown away) must not touch it.
    const k = Math.floor(r() * paths.length);
    const before = new Catalog();
    lintSet(set, { ...opts, catalog: before, stopBefore: paths[k], report: new Set() });
    assert.equal(catalogShape(inc.catalogBefore(paths[k])), catalogShape(before), `edit ${e}: the schema before ${paths[k]} differs from a full run's`);
    const copy = inc.catalogBefore(paths[k]);
    lintSet(set, { ...opts, withFixes: true, catalog: copy, startAt: paths[k], stopBefore: paths[k + 1], report: new Set([paths[k]]) });
  }
  // Every file once more, after all edits.
  const full = new Map<string, FileLint>(lintSet(set, opts).map((x) => [x.file.path, x]));
  for (const p of paths) assert.deepEqual(shape(inc.result(p)?.result), shape(full.get(p)?.result), `${p} differs at the end`);
  assert.ok(relinted > 0, 'the edits made the set re-lint files');
});

test('fixes for a statement of a set (IncrementalSet.fixesIn, resumed from a checkpoint) equal a full run with fixes, edit after edit', async () => {
  await ensureParser();
  const { hazardFile } = require('../../../bench/generate.js') as { hazardFile(n: number): string };
  // A large newest file (checkpoints every 256 statements; fixes that add a migration are offered
  // for the newest one only) after two of the small ones.
  const initial = [FILES[0], FILES[1], `${hazardFile(700)}ALTER TABLE accounts ADD COLUMN late text NOT NULL;\nCREATE INDEX accounts_late_idx ON accounts (late);\n`];
  const { paths, texts, fs, set } = writeSet('pgsafe-incset-fixes-', initial);
  const memos = new Map(paths.map((p) => [p, new LintMemo<StatementInfo>()]));
  const caches = new Map(paths.map((p) => [p, new ParseCache()]));
  const opts = { fs, configFor: () => defaultConfig(), collectStatementInfo: true, withFixes: false, memoFor: (p: string) => memos.get(p), parseCacheFor: (p: string) => caches.get(p) };
  const inc = new IncrementalSet(set, opts);
  const r = rng(7);
  const fixShape = (fs: LintResult['findings']) => fs.map((f) => ({ rule: f.rule, start: f.start, end: f.end, fixes: f.fixes }));
  let compared = 0;
  for (let e = 0; e < 12; e++) {
    if (e > 0) {
      const i = Math.floor(r() * paths.length);
      texts.set(paths[i], randomEdit(texts.get(paths[i])!, r));
      inc.changed(paths[i]);
    }
    for (const p of paths) inc.result(p);
    const full = new Map<string, FileLint>(lintSet(set, { fs, configFor: () => defaultConfig(), collectStatementInfo: true, withFixes: true }).map((x) => [x.file.path, x]));
    const big = paths[2];
    const stmts = splitStatements(texts.get(big)!).statements;
    for (const k of [stmts.length - 1, stmts.length - 2, Math.floor(r() * stmts.length), Math.floor(r() * stmts.length)]) {
      const s = stmts[k];
      const got = inc.fixesIn(big, s.start, s.end);
      const want = (full.get(big)?.result?.findings ?? []).filter((f) => f.statementIndex === k);
      assert.deepEqual(fixShape(got?.findings ?? []), fixShape(want), `edit ${e}: statement ${k} of the large file`);
      compared += want.filter((f) => f.fixes.length).length;
    }
  }
  assert.ok(compared > 10, `findings with fixes compared: ${compared}`);
});

// Splitting real migration text into statements: exact ranges, per-statement syntax errors,
// sections, psql meta-commands and variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { ParseCache, splitStatements } from '../../shared/src/parse/split';

test('statements get exact ranges, semicolons inside strings, dollar quotes, E-strings and comments do not split', async () => {
  await ensureParser();
  const sql = [
    "CREATE TABLE t (a text DEFAULT 'x;y'); -- note; with semicolon",
    "SELECT E'it\\'s; fine';",
    'DO $body$ BEGIN PERFORM 1; END $body$;',
    '/* block; comment /* nested; */ */ SELECT 2',
  ].join('\n');
  const { statements } = splitStatements(sql);
  assert.deepEqual(statements.map((s) => s.text), [
    "CREATE TABLE t (a text DEFAULT 'x;y')",
    "SELECT E'it\\'s; fine'",
    'DO $body$ BEGIN PERFORM 1; END $body$',
    'SELECT 2',
  ]);
  assert.deepEqual(statements.map((s) => s.kind), ['CreateStmt', 'SelectStmt', 'DoStmt', 'SelectStmt']);
  for (const s of statements) assert.equal(sql.slice(s.start, s.end), s.text);
  assert.equal(statements[0].terminator, sql.indexOf("');") + 2);
});

test('a syntax error marks only its statement; the others still parse', async () => {
  await ensureParser();
  const sql = 'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b int DEFAULT;\nCREATE INDEX a_id ON a (id);\n';
  const { statements } = splitStatements(sql);
  assert.equal(statements.length, 3);
  assert.equal(statements[0].kind, 'CreateStmt');
  assert.ok(statements[1].error);
  assert.match(statements[1].error!.message, /syntax error at or near ";"|syntax error at end of input/);
  assert.equal(statements[2].kind, 'IndexStmt');
  assert.equal(statements[2].text, 'CREATE INDEX a_id ON a (id)');
});

test('error offsets are right after multi-byte characters (UTF-16 offsets, parser counts characters)', async () => {
  await ensureParser();
  const sql = "SELECT '😀é';\nSELEC 2;";
  const { statements } = splitStatements(sql);
  assert.equal(statements[1].error?.offset, sql.indexOf('SELEC 2'));
  const ok = "INSERT INTO \"t😀\" VALUES ('é'); SELECT 1";
  const r = splitStatements(ok);
  assert.equal(r.statements[1].text, 'SELECT 1');
  assert.equal(r.statements[1].start, ok.indexOf('SELECT 1'));
});

test('goose sections: up and down, StatementEnd ends a statement without a semicolon', async () => {
  await ensureParser();
  const sql = [
    '-- +goose Up',
    '-- +goose StatementBegin',
    "CREATE TYPE mood AS ENUM ('a', 'b');",
    'ALTER TABLE t ADD COLUMN m mood',
    '-- +goose StatementEnd',
    '',
    '-- +goose Down',
    'ALTER TABLE t DROP COLUMN m;',
    'DROP TYPE mood;',
  ].join('\n');
  const r = splitStatements(sql);
  assert.equal(r.layout.framework, 'goose');
  assert.deepEqual(r.statements.map((s) => [s.section.direction, s.kind]), [
    ['up', 'CreateEnumStmt'], ['up', 'AlterTableStmt'], ['down', 'AlterTableStmt'], ['down', 'DropStmt'],
  ]);
  assert.ok(r.statements.every((s) => !s.error));
  assert.deepEqual(r.notes.map((n) => n.kind), ['missing-semicolon']);
});

test('dbmate and sql-migrate markers, transaction opt-outs', async () => {
  await ensureParser();
  const dbmate = splitStatements('-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;\n');
  assert.equal(dbmate.layout.framework, 'dbmate');
  assert.deepEqual(dbmate.layout.sections.map((s) => [s.direction, s.noTransaction]), [['up', true], ['down', false]]);
  const sm = splitStatements('-- +migrate Up notransaction\nSELECT 1;\n-- +migrate Down\nSELECT 2;\n');
  assert.deepEqual(sm.layout.sections.map((s) => [s.direction, s.noTransaction]), [['up', true], ['down', false]]);
  const tern = splitStatements('CREATE TABLE x (a int);\n---- create above / drop below ----\nDROP TABLE x;\n');
  assert.deepEqual(tern.statements.map((s) => s.section.direction), ['up', 'down']);
});

test('psql meta-commands are skipped and reported; the rest of the file is checked', async () => {
  await ensureParser();
  const sql = '\\set ON_ERROR_STOP on\nCREATE TABLE a (id int);\n\\i other.sql\nALTER TABLE a ADD COLUMN b int;\n';
  const r = splitStatements(sql);
  assert.deepEqual(r.statements.map((s) => s.kind), ['CreateStmt', 'AlterTableStmt']);
  assert.deepEqual(r.notes.map((n) => [n.kind, n.text]), [['psql-meta-command', '\\set ON_ERROR_STOP on'], ['psql-meta-command', '\\i other.sql']]);
});

test('psql :variables are replaced for parsing, but casts and array slices are left alone', async () => {
  await ensureParser();
  const sql = "create table :SCHEMA.jobs (id int, tags text[]);\nselect tags[1:2], id::text from :SCHEMA.jobs where x = :'val';\n";
  const r = splitStatements(sql);
  assert.equal(r.statements.length, 2);
  assert.ok(r.statements.every((s) => !s.error && s.hasPlaceholders));
  assert.equal(r.statements[0].node?.relation?.schemaname, '_schema'); // unquoted: folded like any identifier
  assert.deepEqual(r.notes.map((n) => n.text), [':SCHEMA', ':SCHEMA', ":'val'"]);
  assert.equal(r.statements[0].text, 'create table :SCHEMA.jobs (id int, tags text[])');
});

test('BEGIN ATOMIC function bodies keep their inner semicolons when the scanner splits', async () => {
  await ensureParser();
  const sql = 'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;\nSELEC broken;\nSELECT 3;';
  const r = splitStatements(sql);
  assert.deepEqual(r.statements.map((s) => s.kind || 'error'), ['CreateFunctionStmt', 'error', 'SelectStmt']);
});

test('down files are a down section as a whole', async () => {
  await ensureParser();
  const r = splitStatements('DROP TABLE x;', 'down');
  assert.equal(r.statements[0].section.direction, 'down');
});

test('large sections parsed in pieces give the same statements as one parse, even with ;-ended lines inside bodies and strings', async () => {
  await ensureParser();
  const parts: string[] = [];
  for (let i = 0; i < 1500; i++) {
    parts.push(`ALTER TABLE t_${i} ADD COLUMN c_${i} text;`);
    if (i % 50 === 0) parts.push(`CREATE FUNCTION f_${i}() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1;\n  PERFORM 2;\nEND $$;`);
    if (i % 70 === 0) parts.push(`INSERT INTO notes VALUES ('line one;\nline two;\n');`);
    if (i % 90 === 0) parts.push(`/* a comment;\n spanning lines; */ SELECT ${i};`);
  }
  const sql = parts.join('\n') + '\n';
  assert.ok(sql.length > 40000);
  const { statements } = splitStatements(sql);
  assert.equal(statements.length, parts.length);
  assert.ok(statements.every((s) => !s.error && s.kind));
  assert.deepEqual(statements.map((s) => s.text), parts.map((p) => p.replace(/^\/\*[\s\S]*?\*\/ /, '').replace(/;$/, '')));
});

test('a piece cut that lands inside a function body or a string is rejected, and the section is parsed whole', async () => {
  await ensureParser();
  for (const body of [
    // Many different ;-ended lines, past the minimum piece size: cuts are considered inside them.
    `CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n${Array.from({ length: 1000 }, (_, i) => `  PERFORM ${i};\n`).join('')}END $$;`,
    `INSERT INTO notes VALUES ('${Array.from({ length: 1000 }, (_, i) => `still inside ${i};\n`).join('')}');`,
  ]) {
    const head = `SELECT '${'x'.repeat(16300)}';`;
    const tail = Array.from({ length: 1200 }, (_, i) => `ALTER TABLE t_${i} ADD COLUMN c text;`);
    const sql = [head, body, ...tail].join('\n');
    const { statements } = splitStatements(sql);
    assert.equal(statements.length, 2 + tail.length);
    assert.equal(statements[1].text, body.slice(0, -1));
    assert.ok(statements.every((s) => !s.error));
  }
});

test('an edit in the middle of a large file re-parses only the pieces around it (cuts follow the text, not offsets)', async () => {
  await ensureParser();
  const lines = Array.from({ length: 4000 }, (_, i) => `ALTER TABLE t_${i} ADD COLUMN c_${i} text;`);
  const cache = new ParseCache();
  splitStatements(lines.join('\n'), 'up', cache);
  const pieces = cache.misses;
  assert.ok(pieces > 10, `the file is parsed in pieces (${pieces})`);
  lines.splice(2000, 0, 'ALTER TABLE inserted ADD COLUMN x int;');
  cache.misses = 0;
  const { statements } = splitStatements(lines.join('\n'), 'up', cache);
  assert.equal(statements.length, 4001);
  assert.equal(statements[2000].text, 'ALTER TABLE inserted ADD COLUMN x int');
  assert.ok(cache.misses <= 2, `${cache.misses} of ${pieces} pieces parsed again`);
});

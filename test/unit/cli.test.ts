// The pgsafe CLI as users run it: the bundled binary in a child process, real files on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const bin = join(root, 'bin', 'pgsafe.js');

function run(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? root, input: opts.input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const HAZARD = "SET lock_timeout = '2s';\nCREATE INDEX users_email ON users (email);\n";
const WARN_ONLY = 'ALTER TABLE users ADD COLUMN nickname text;\n';
const CLEAN = "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);\n";

test('--format json prints the documented contract with 1-based positions', () => {
  const dir = tempDir({ 'm/001.sql': HAZARD });
  const r = run(['check', '--format', 'json', 'm/001.sql'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.ok(Array.isArray(out));
  assert.deepEqual(Object.keys(out[0]).sort(), ['column', 'endColumn', 'endLine', 'file', 'fixes', 'help', 'line', 'message', 'rule', 'severity'].sort());
  assert.deepEqual(
    { file: out[0].file, line: out[0].line, column: out[0].column, endLine: out[0].endLine, endColumn: out[0].endColumn, rule: out[0].rule, severity: out[0].severity, fixes: out[0].fixes },
    {
      file: 'm/001.sql', line: 2, column: 1, endLine: 2, endColumn: 42, rule: 'require-concurrent-index-creation', severity: 'error',
      fixes: [{ title: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS', safe: true, edits: [{ line: 2, column: 13, endLine: 2, endColumn: 13, newText: ' CONCURRENTLY IF NOT EXISTS' }], newFiles: [] }],
    },
  );
  assert.match(out[0].message, /SHARE lock on users/);
  assert.ok(out[0].help.length > 10);
});

test('exit codes: 0 clean, 0 warnings only, 1 error finding, 1 over --max-warnings, 2 usage and config errors', () => {
  const dir = tempDir({ 'clean.sql': CLEAN, 'warn.sql': WARN_ONLY, 'bad.sql': HAZARD });
  assert.equal(run(['check', 'clean.sql'], { cwd: dir }).code, 0);
  assert.equal(run(['check', 'warn.sql'], { cwd: dir }).code, 0);
  assert.equal(run(['check', 'warn.sql', '--max-warnings', '0'], { cwd: dir }).code, 1);
  assert.equal(run(['check', 'warn.sql', '--max-warnings', '1'], { cwd: dir }).code, 0);
  assert.equal(run(['check', 'bad.sql'], { cwd: dir }).code, 1);
  assert.equal(run(['check', 'bad.sql', '--rule', 'require-concurrent-index-creation=warn'], { cwd: dir }).code, 0);
  const unknownFlag = run(['check', '--frobnicate'], { cwd: dir });
  assert.equal(unknownFlag.code, 2);
  assert.match(unknownFlag.stderr, /frobnicate/);
  const missing = run(['check', 'nope.sql'], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or directory: nope\.sql/);
  assert.equal(run(['check', '--rule', 'not-a-rule=off', 'clean.sql'], { cwd: dir }).code, 2);
  assert.equal(run(['check', '--format', 'xml', 'clean.sql'], { cwd: dir }).code, 2);
  assert.equal(run(['check', '--pg-version', '8', 'clean.sql'], { cwd: dir }).code, 2);
});

test('directories are walked recursively for *.sql, globs match, files are ordered naturally', () => {
  const dir = tempDir({ 'db/9_a.sql': WARN_ONLY, 'db/10_b.sql': WARN_ONLY, 'db/sub/1_c.sql': WARN_ONLY, 'db/readme.md': '# no' });
  const all = JSON.parse(run(['check', '--format', 'json', 'db'], { cwd: dir }).stdout);
  assert.deepEqual(all.map((f: any) => f.file), ['db/9_a.sql', 'db/10_b.sql', 'db/sub/1_c.sql']);
  const glob = JSON.parse(run(['check', '--format', 'json', 'db/*_b.sql'], { cwd: dir }).stdout);
  assert.deepEqual(glob.map((f: any) => f.file), ['db/10_b.sql']);
  assert.equal(run(['check', 'db/*.nothing'], { cwd: dir }).code, 2);
});

test('stdin with --stdin-filename: the name is used for reports and for config lookup', () => {
  const dir = tempDir({ 'pgsafe.config.json': JSON.stringify({ rules: { 'require-lock-timeout': 'error' } }) });
  const r = run(['check', '--format', 'json', '--stdin-filename', 'migrations/003.sql'], { cwd: dir, input: WARN_ONLY });
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out[0].file, 'migrations/003.sql');
  assert.equal(out[0].severity, 'error');
});

test('config: found by walking up from the file; --pg-version and --rule override it; include/exclude filter walks', () => {
  const dir = tempDir({
    'pgsafe.config.json': JSON.stringify({ pgVersion: 11, rules: { 'require-lock-timeout': 'off' }, exclude: ['db/legacy/**'] }),
    'db/001.sql': "ALTER TABLE users ADD CONSTRAINT nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n",
    'db/legacy/000.sql': HAZARD,
  });
  const on11 = JSON.parse(run(['check', '--format', 'json', 'db'], { cwd: dir }).stdout);
  assert.deepEqual(on11.map((f: any) => `${f.file}:${f.rule}`), ['db/001.sql:set-not-null']);
  const on16 = JSON.parse(run(['check', '--format', 'json', '--pg-version', '16', 'db'], { cwd: dir }).stdout);
  assert.deepEqual(on16, []);
  const ruleOn = JSON.parse(run(['check', '--format', 'json', '--pg-version', '16', '--rule', 'require-lock-timeout=warn', 'db/001.sql'], { cwd: dir }).stdout);
  assert.deepEqual(ruleOn.map((f: any) => f.rule), ['require-lock-timeout']);
});

test('config errors name the key and the file, and exit 2', () => {
  const dir = tempDir({
    'pgsafe.config.json': JSON.stringify({ pgversion: 15, transaction: 'sometimes', rules: { 'no-such-rule': 'warn', 'set-not-null': 'loud' } }),
    'a.sql': CLEAN,
  });
  const r = run(['check', 'a.sql'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pgsafe\.config\.json: unknown key "pgversion" \(did you mean "pgVersion"\?\)/);
  assert.match(r.stderr, /"transaction" must be "auto", "always" or "never"/);
  assert.match(r.stderr, /unknown rule id "no-such-rule"/);
  assert.match(r.stderr, /"rules\.set-not-null" must be "off", "warn" or "error"/);
  const bad = tempDir({ 'pgsafe.config.json': '{ "pgVersion": 15, }', 'a.sql': CLEAN });
  const b = run(['check', 'a.sql'], { cwd: bad });
  assert.equal(b.code, 2);
  assert.match(b.stderr, /is not valid JSON/);
});

test('unreadable files get a message, and the other files are still checked', () => {
  const dir = tempDir({
    'm/001.sql': HAZARD,
    'm/002.sql': Buffer.from([0xff, 0xfe, 0x53, 0x00, 0x45, 0x00]),
    'm/003.sql': Buffer.from([0x53, 0x45, 0x4c, 0xe9, 0x43, 0x54, 0x0a]),
    'm/004.sql': Buffer.from('SELECT 1;\0\0'),
  });
  const r = run(['check', '--format', 'json', 'm'], { cwd: dir });
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  const byFile = Object.fromEntries(out.map((f: any) => [f.file, f]));
  assert.equal(byFile['m/001.sql'].rule, 'require-concurrent-index-creation');
  assert.match(byFile['m/002.sql'].message, /UTF-16/);
  assert.match(byFile['m/003.sql'].message, /not valid UTF-8 \(first bad byte at offset 3\)/);
  assert.match(byFile['m/004.sql'].message, /NUL bytes/);
});

test('text output shows the statement with the span underlined, the message, help and docs link', () => {
  const dir = tempDir({ 'a.sql': HAZARD });
  const r = run(['check', '--no-color', 'a.sql'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /a\.sql:2:1 error require-concurrent-index-creation/);
  assert.match(r.stdout, /  2 \| CREATE INDEX users_email ON users \(email\);\n    \| \^{41}\n/);
  assert.match(r.stdout, /help: Use CREATE INDEX CONCURRENTLY/);
  assert.match(r.stdout, /docs: https:\/\/\S+require-concurrent-index-creation\.md/);
  assert.match(r.stdout, /1 error, 0 warnings in 1 of 1 file\./);
});

test('github and gitlab formats', () => {
  const dir = tempDir({ 'a.sql': HAZARD });
  const gh = run(['check', '--format', 'github', 'a.sql'], { cwd: dir });
  assert.match(gh.stdout, /^::error file=a\.sql,line=2,col=1,endLine=2,endColumn=42,title=pgsafe require-concurrent-index-creation::CREATE INDEX takes/m);
  const gl = JSON.parse(run(['check', '--format', 'gitlab', 'a.sql'], { cwd: dir }).stdout);
  assert.equal(gl[0].check_name, 'require-concurrent-index-creation');
  assert.equal(gl[0].severity, 'major');
  assert.deepEqual(gl[0].location, { path: 'a.sql', lines: { begin: 2, end: 2 } });
  assert.match(gl[0].fingerprint, /^[0-9a-f]{40}$/);
});

test('pgsafe rules lists every rule; pgsafe explain prints the docs page; unknown rule exits 2', () => {
  const list = run(['rules', '--format', 'json']);
  assert.equal(list.code, 0);
  const rules = JSON.parse(list.stdout);
  assert.ok(rules.some((r: any) => r.id === 'require-concurrent-index-creation' && r.category === 'hazard' && r.fixable === true));
  const text = run(['rules']);
  assert.match(text.stdout, /set-not-null\s+hazard\s+error/);
  const ex = run(['explain', 'set-not-null']);
  assert.equal(ex.code, 0);
  assert.match(ex.stdout, /^# set-not-null/);
  assert.equal(run(['explain', 'nope']).code, 2);
  assert.match(run(['--version']).stdout, /^pgsafe \d+\.\d+\.\d+/);
});

test('--since <ref>: migrations changed since the ref are not deployed, so tables they create are new', () => {
  const dir = tempDir({ 'db/001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY, v text);\n' });
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'first');
  writeFileSync(join(dir, 'db/002_b.sql'), 'CREATE TABLE b (id bigint PRIMARY KEY, v text);\n');
  writeFileSync(join(dir, 'db/003_idx.sql'), "SET lock_timeout = '5s';\nCREATE INDEX a_v ON a (v);\nCREATE INDEX b_v ON b (v);\n");
  const plain = JSON.parse(run(['check', '--format', 'json', 'db'], { cwd: dir }).stdout).filter((f: any) => f.rule === 'require-concurrent-index-creation');
  assert.deepEqual(plain.map((f: any) => f.line), [2, 3]);
  const since = JSON.parse(run(['check', '--format', 'json', '--since', 'HEAD', 'db'], { cwd: dir }).stdout).filter((f: any) => f.rule === 'require-concurrent-index-creation');
  assert.deepEqual(since.map((f: any) => f.line), [2], 'b is created by a migration that is not deployed yet');
  const explained = run(['check', '--explain-context', '--since', 'HEAD', 'db'], { cwd: dir }).stdout;
  assert.match(explained, /002_b\.sql — .*\[not deployed/);
  assert.equal(run(['check', '--since', 'no-such-ref', 'db'], { cwd: dir }).code, 2);
});

test('sqitch: a project that requires another project starts from that project\'s schema', () => {
  const dir = tempDir({
    'schema/baseline/sqitch.plan': '%project=base\n\nusers 2020-01-01T00:00:00Z A <a@b> # users\n',
    'schema/baseline/deploy/users.sql': 'BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));\nCOMMIT;\n',
    'schema/sqitch.plan': '%project=main\n\nshorter_email [base:users] 2020-02-01T00:00:00Z A <a@b> # shrink\n',
    'schema/deploy/shorter_email.sql': "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN email TYPE varchar(50);\nCOMMIT;\n",
  });
  const out = JSON.parse(run(['check', '--format', 'json', 'schema'], { cwd: dir }).stdout);
  // varchar(100) → varchar(50) rewrites: known only because the baseline project was replayed first.
  assert.deepEqual(out.filter((f: any) => f.rule === 'alter-column-type-rewrite').map((f: any) => f.file), ['schema/deploy/shorter_email.sql']);
});

test('a reader that stops early (`| head`) ends the run quietly with its exit code, not an EPIPE stack trace', async () => {
  const { spawn } = await import('node:child_process');
  // Enough findings for several pieces of output: the reader closes after the first chunk.
  const dir = tempDir({ 'm/001.sql': HAZARD + Array.from({ length: 3000 }, (_, i) => `CREATE INDEX i${i + 1} ON t${i} (a);`).join('\n') });
  const child = spawn(process.execPath, [bin, 'check', '--format', 'json', 'm/001.sql'], { cwd: dir });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  assert.equal(code, 1, 'error-level findings: exit 1 even though the output was cut short');
  assert.doesNotMatch(stderr, /EPIPE|Unhandled|at /, stderr);
});

// Apply a rule's fix to a migration folder and prove it: the output parses, re-linting shows the
// finding gone and no new hazard, and the migrations apply on a real database (PGlite).
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { splitStatements } from '../../shared/src/parse/split';
import { defaultConfig, type PgsafeConfig } from '../../shared/src/config/types';
import { nodeFs } from '../../shared/src/project/fs';
import { loadSet } from '../../shared/src/project/discover';
import { lintSet } from '../../shared/src/project/lint';
import { transactionPlan } from '../../shared/src/project/transactions';
import { fileMode, runStatements } from '../../shared/src/verify/run';
import type { Finding, Fix } from '../../shared/src/rules/types';

export function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-fix-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export function readFolder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

export async function lintDir(dir: string, config: Partial<PgsafeConfig> = {}) {
  await ensureParser();
  const set = loadSet(dir, nodeFs);
  const results = lintSet(set, { fs: nodeFs, configFor: () => ({ ...defaultConfig(), ...config }) });
  return { set, findings: results.flatMap((r) => (r.result?.findings ?? []).map((f) => ({ ...f, file: relative(dir, r.file.path) }))) };
}

export function applyFix(dir: string, file: string, fix: Fix): void {
  const path = join(dir, file);
  let text = readFileSync(path, 'utf8');
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start || b.end - a.end)) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
  writeFileSync(path, text);
  for (const f of fix.newFiles ?? []) writeFileSync(f.path, f.content);
}

/** Every up/down statement of every file parses. */
export function assertParses(dir: string): void {
  for (const [name, text] of Object.entries(readFolder(dir))) {
    if (!name.endsWith('.sql')) continue;
    const bad = splitStatements(text, /down/.test(name) ? 'down' : 'up').statements.filter((s) => s.error);
    assert.deepEqual(bad.map((s) => s.error!.message), [], `${name} parses`);
  }
}

export type Db = { exec(sql: string): Promise<unknown>; query(sql: string): Promise<{ rows: any[] }> };

/** Apply the folder's up migrations in order the way their runner sends them (pgsafe verify's runner). */
export async function applyUp(db: Db, dir: string, midway?: FixCase['midway']): Promise<void> {
  const set = loadSet(dir, nodeFs);
  for (const f of set.files) {
    if (f.role !== 'up') continue;
    if (midway && relative(dir, f.path) === midway.before) await midway.check(db);
    const text = readFileSync(f.path, 'utf8');
    const up = splitStatements(text, 'up').statements.filter((s) => s.section.direction === 'up');
    if (!up.length) continue;
    try {
      await runStatements(db, up, { mode: fileMode(transactionPlan(set.framework, f.path, text, nodeFs), up, set.framework) });
    } catch (e: any) {
      throw new Error(`${relative(dir, f.path)} does not apply: ${e?.message ?? e}`);
    }
  }
}

/** Findings of `rule` in `file`. */
export function findingsOf(findings: readonly (Finding & { file: string })[], file: string, rule: string) {
  return findings.filter((f) => f.file === file && f.rule === rule);
}

/** Rules reported anywhere, with counts (to compare before and after a fix). */
export function ruleCounts(findings: readonly { rule: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[f.rule] = (out[f.rule] ?? 0) + 1;
  return out;
}

export interface FixCase {
  name: string;
  files: Record<string, string>;
  file: string;
  rule: string;
  title: string;
  /** Files whose content changes or appears, with their expected text. */
  expect: Record<string, string>;
  /** Findings the fix is expected to bring (a deployment setting it needs, named in its title). */
  allowNew?: string[];
  config?: Partial<PgsafeConfig>;
  /** The fix's SQL needs at least this PostgreSQL major (e.g. 18 for NOT NULL … NOT VALID). */
  minServer?: number;
  /** Text to replace in every file after the golden comparison and before the checks (a placeholder the user must fill in). */
  substitute?: [string, string];
  /** Run `check` on each database after the migrations before `before` (a file name) are applied. */
  midway?: { before: string; check(db: Db): Promise<void> };
}

/** Apply the fix of the one `rule` finding in `file`, compare with the golden files, then prove it. */
export async function checkFix(dbs: Db | readonly (Db & { major?: number; name?: string })[], c: FixCase): Promise<void> {
  const dir = folder(c.files);
  const before = await lintDir(dir, c.config);
  const target = findingsOf(before.findings, c.file, c.rule);
  assert.equal(target.length, 1, `${c.rule} reported once in ${c.file}: ${JSON.stringify(before.findings.map((f) => [f.file, f.rule]))}`);
  const fix = target[0].fixes[0];
  assert.ok(fix, `${c.rule} offers a fix`);
  assert.equal(fix.title, c.title);
  applyFix(dir, c.file, fix);
  const out = readFolder(dir);
  for (const [name, text] of Object.entries(c.expect)) assert.equal(out[name], text, `${name} after the fix`);
  const unchanged = Object.keys(c.files).filter((n) => !(n in c.expect));
  for (const n of unchanged) assert.equal(out[n], c.files[n], `${n} untouched`);
  assert.deepEqual(Object.keys(out).sort(), [...new Set([...Object.keys(c.files), ...Object.keys(c.expect)])].sort(), 'no other files');
  assertParses(dir); // as written, placeholders included
  if (c.substitute) {
    for (const [name, text] of Object.entries(out)) if (text.includes(c.substitute[0])) writeFileSync(join(dir, name), text.split(c.substitute[0]).join(c.substitute[1]));
  }
  assertParses(dir);
  const afterFix = await lintDir(dir, c.config);
  const was = ruleCounts(before.findings);
  const now = ruleCounts(afterFix.findings);
  assert.equal(now[c.rule] ?? 0, (was[c.rule] ?? 0) - 1, `${c.rule} gone`);
  for (const [rule, n] of Object.entries(now)) assert.ok(n <= (was[rule] ?? 0) || c.allowNew?.includes(rule), `no new ${rule}: ${JSON.stringify(afterFix.findings.filter((f) => f.rule === rule).map((f) => [f.file, f.message]))}`);
  let midwayRuns = 0;
  const midway = c.midway && { before: c.midway.before, check: async (db: Db) => { midwayRuns++; await c.midway!.check(db); } };
  let applied = 0;
  for (const db of Array.isArray(dbs) ? dbs : [dbs]) {
    // Fixes written for a newer PostgreSQL than the server (e.g. PG 18 syntax on a PG 15 server) are not applied there.
    if ((db as { major?: number }).major !== undefined && (db as { major: number }).major < (c.config?.pgVersion ?? c.minServer ?? 0)) continue;
    await db.exec('DROP SCHEMA IF EXISTS fixcase CASCADE; CREATE SCHEMA fixcase; SET search_path TO fixcase;');
    try {
      applied++;
      await applyUp(db, dir, midway);
    } catch (e: any) {
      throw new Error(`on ${(db as { name?: string }).name ?? 'the database'}: ${e?.message ?? e}`);
    }
  }
  if (c.midway) assert.equal(midwayRuns, applied, `the midway check ran before ${c.midway.before} on every database`);
}

/**
 * The batched backfill block the fixes write (fixes/backfill.ts), as the golden text the fix tests
 * expect: `SET column = value` in keyed batches over the rows `pending` selects (default: the
 * column is NULL), upper-case keywords.
 */
export function backfillBlock(t: string, c: string, v: string, key: string, label: string, pending = `${c} IS NULL`): string {
  return `DO $backfill$
DECLARE
  done bigint := 0;
  n bigint;
BEGIN
  -- 1000 rows per batch, each committed; rows other sessions hold locked are skipped and retried.
  LOOP
    UPDATE ${t} SET ${c} = ${v}
    WHERE ${key} IN (SELECT ${key} FROM ${t} WHERE ${pending} LIMIT 1000 FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    done := done + n;
    IF n = 0 THEN
      EXIT WHEN NOT EXISTS (SELECT FROM ${t} WHERE ${pending});
      PERFORM pg_sleep(1); -- the rows left are locked by other sessions
    ELSE
      RAISE NOTICE 'backfill of ${label}: % rows', done;
    END IF;
    COMMIT;
    PERFORM pg_sleep(0.1);
  END LOOP;
END
$backfill$;`;
}

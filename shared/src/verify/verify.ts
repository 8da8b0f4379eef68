// `pgsafe verify` for one migration set: apply the files in the runner's order on a fresh
// database; for each file under review, trace its up statement by statement, then prove its down
// (own or generated) returns the catalog to the snapshot, apply the up again, and re-run the up
// inside a rolled-back transaction to find statements that are not re-runnable.
import { relative } from 'node:path';
import type { PgsafeConfig } from '../config/types';
import { lintSet } from '../project/lint';
import type { ProjectFs } from '../project/fs';
import { transactionPlan } from '../project/transactions';
import type { MigrationFile, MigrationSet } from '../project/types';
import { splitStatements } from '../parse/split';
import type { Statement } from '../parse/statement';
import { LineIndex } from '../parse/offsets';
import { generateDown } from '../rollback/index';
import { compareSnapshots, snapshotSchema } from '../rollback/roundtrip';
import type { LockEffect } from '../locks/catalogue';
import { blocksTraffic, lockRank } from '../locks/modes';
import { compareWithCatalogue, type Disagreement } from './compare';
import { rerun, type Idempotency, type RerunOptions } from './rerun';
import { fileMode, firstLine, runStatements, statementTitle, StatementError, type FileMode, type StatementRun } from './run';
import { blockedOn, snapshotRelations, type ObservedLock, type Observation, type SqlDb } from './trace';
import { seedRows, type SeedResult } from './seed';

export interface StatementReport {
  index: number;
  line: number;
  /** First line of the statement. */
  title: string;
  kind: string;
  /** observed: traced in its transaction; catalogue: ran outside a transaction, locks from the static catalogue; control: BEGIN/COMMIT. */
  source: 'observed' | 'catalogue' | 'control';
  inTransaction: boolean;
  locks: ObservedLock[];
  rewrites: Observation['rewrites'];
  scans: Observation['scans'];
  created: Observation['created'];
  dropped: Observation['dropped'];
  durationMs: number;
  /** The static catalogue's effects (what `pgsafe check` assumes). */
  catalogue: { relation: string; mode: string; rewrite: boolean; scan: boolean; action: string; newRelation: boolean }[];
  /** Where the catalogue and the database disagree (observed statements only). */
  disagreements: Disagreement[];
  /** Rules `pgsafe check` reports on the statement. */
  rules: string[];
}

export interface FileVerdict {
  path: string;
  /** Relative to the set's root. */
  name: string;
  reviewed: boolean;
  mode?: string;
  ok: boolean;
  up: { ok: boolean; error?: { line: number; statement: string; message: string } };
  statements: StatementReport[];
  down?: {
    source: 'own' | 'generated' | 'none';
    ok: boolean;
    /** The catalog after the down equals the snapshot before the up. */
    equal: boolean;
    differences: string[];
    /** Generated downs that lose data or cannot revert everything. */
    partial?: boolean;
    error?: string;
  };
  upAgain?: { ok: boolean; error?: string; differences: string[] };
  idempotency?: Idempotency;
  durationMs: number;
}

export interface SetVerdict {
  root: string;
  framework: string;
  engine: string;
  files: FileVerdict[];
  applied: number;
  total: number;
  /** The set stopped here (a file failed; later files were not applied). */
  stopped?: { file: string; line: number; statement: string; message: string };
  seed?: SeedResult;
  durationMs: number;
}

export interface VerifyEvent {
  kind: 'file';
  index: number;
  total: number;
  file: string;
  phase: 'apply' | 'trace' | 'down' | 'up again' | 'idempotency';
}

export interface VerifySetOptions {
  fs: ProjectFs;
  configFor(path: string): PgsafeConfig;
  /** Files under review (traced and round-tripped); default: every up file. */
  review?(file: MigrationFile): boolean;
  /** Insert this many synthetic rows into every table before the first file under review. */
  seedRows?: number;
  /** Skip the down / up-again / idempotency proofs (trace only). */
  traceOnly?: boolean;
  onProgress?(e: VerifyEvent): void;
}

const qname = (e: LockEffect) => (e.relation.schema ? `${e.relation.schema}.${e.relation.name}` : e.relation.name);

export async function verifySet(db: SqlDb & { name: string }, set: MigrationSet, opts: VerifySetOptions): Promise<SetVerdict> {
  const t0 = performance.now();
  const ups = set.files.filter((f) => f.role === 'up' || f.role === 'repeatable');
  const review = opts.review ?? (() => true);
  const reviewed = new Set(ups.filter(review).map((f) => f.path));
  // The static view of the same files: lock catalogue per statement and the rules' findings.
  const lint = new Map(lintSet(set, { fs: opts.fs, configFor: opts.configFor, report: reviewed, collectStatementInfo: true, withFixes: false }).map((l) => [l.file.path, l]));
  const verdict: SetVerdict = { root: set.root, framework: set.framework, engine: db.name, files: [], applied: 0, total: ups.length, durationMs: 0 };
  let seeded = false;
  for (let i = 0; i < ups.length; i++) {
    const f = ups[i];
    const name = relative(set.root, f.path) || f.path;
    const text = opts.fs.readText(f.path);
    const isReviewed = reviewed.has(f.path);
    opts.onProgress?.({ kind: 'file', index: i, total: ups.length, file: name, phase: isReviewed ? 'trace' : 'apply' });
    if (text === undefined) {
      verdict.stopped = { file: name, line: 0, statement: '', message: 'cannot read the file as UTF-8 text' };
      break;
    }
    if (isReviewed && opts.seedRows && !seeded) {
      verdict.seed = await seedRows(db, opts.seedRows);
      seeded = true;
    }
    const lr = lint.get(f.path);
    const split = lr?.result?.split ?? splitStatements(text, 'up');
    const up = split.statements.filter((s) => s.section.direction === 'up');
    const mode = fileMode(transactionPlan(set.framework, f.path, text, opts.fs), up, set.framework);
    const lines = new LineIndex(text);
    const lineOf = (s: Statement) => lines.position(s.start).line + 1;
    const ft0 = performance.now();
    const file: FileVerdict = { path: f.path, name, reviewed: isReviewed, mode: mode.how, ok: true, up: { ok: true }, statements: [], durationMs: 0 };
    verdict.files.push(file);
    const before = isReviewed && !opts.traceOnly ? await snapshotSchema(db) : undefined;
    const existing = isReviewed ? await snapshotRelations(db) : undefined;
    const searchPath = isReviewed ? await currentSchemas(db) : [];
    const empty = isReviewed ? await emptyTables(db) : new Set<string>();
    let runs: StatementRun[];
    try {
      runs = await runStatements(db, up, { mode, trace: existing ? { existing } : undefined });
    } catch (e) {
      const se = e as StatementError;
      const stmt = se.stmt;
      file.ok = false;
      file.up = { ok: false, error: { line: stmt ? lineOf(stmt) : 0, statement: stmt ? statementTitle(stmt) : '', message: se.reason ?? firstLine(e) } };
      verdict.stopped = { file: name, ...file.up.error! };
      file.durationMs = performance.now() - ft0;
      break;
    }
    verdict.applied++;
    if (!isReviewed) {
      file.durationMs = performance.now() - ft0;
      continue;
    }
    const existingKinds = new Map([...existing!.values()].map((r) => [`${r.schema}.${r.name}`, r.kind]));
    const info = lr?.result?.statementInfo ?? [];
    const findings = lr?.result?.findings ?? [];
    for (const r of runs) file.statements.push(statementReport(r, info[r.stmt.index], findings.filter((x) => x.statementIndex === r.stmt.index).map((x) => x.rule), existingKinds, searchPath, lineOf, empty));
    if (opts.traceOnly) {
      file.durationMs = performance.now() - ft0;
      continue;
    }
    const after = await snapshotSchema(db);
    opts.onProgress?.({ kind: 'file', index: i, total: ups.length, file: name, phase: 'down' });
    // The walker's view of each statement's transaction: a failed re-run inside the file's own
    // BEGIN … COMMIT is rolled back like one inside the runner's transaction.
    const inOwnBlock = (s: Statement) => info[s.index]?.transactionSource === 'begin';
    const stop = await proveDown(db, set, f, text, split.statements, up, before!, after, file, opts, { mode, lineOf, inOwnBlock });
    file.durationMs = performance.now() - ft0;
    if (stop) {
      verdict.stopped = { file: name, line: 0, statement: '', message: stop };
      break;
    }
  }
  verdict.durationMs = performance.now() - t0;
  return verdict;
}

/** The strongest lock per relation (a statement often takes ACCESS SHARE and a stronger mode). */
function strongest(locks: readonly ObservedLock[]): ObservedLock[] {
  const by = new Map<string, ObservedLock>();
  for (const l of locks) {
    const had = by.get(l.relation);
    if (!had || lockRank(l.mode) > lockRank(had.mode)) by.set(l.relation, l);
  }
  return [...by.values()];
}

/**
 * Tables without a row: a plan may skip scanning them (an FK check joining an empty table), so
 * the catalogue's "scan" is not compared there (--seed-rows fills them).
 */
async function emptyTables(db: SqlDb): Promise<Set<string>> {
  const rows = (await db.query<{ t: string; e: string }>(`select format('%s.%s', n.nspname, c.relname) as t,
      (xpath('/row/e/text()', query_to_xml(format('select not exists (select 1 from %I.%I) as e', n.nspname, c.relname), false, true, '')))[1]::text as e
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'`)).rows;
  return new Set(rows.filter((r) => r.e === 'true').map((r) => r.t));
}

async function currentSchemas(db: SqlDb): Promise<string[]> {
  const [r] = (await db.query<{ p: string }>("select array_to_string(current_schemas(false), ',') as p")).rows;
  return String(r?.p ?? 'public').split(',').filter(Boolean);
}

function statementReport(
  r: StatementRun, info: { locks: LockEffect[]; newRelation: boolean[] } | undefined, rules: string[],
  existing: ReadonlyMap<string, string>, searchPath: readonly string[], lineOf: (s: Statement) => number, empty: ReadonlySet<string>,
): StatementReport {
  const effects = info?.locks ?? [];
  const o = r.observation;
  const catalogueLocks = effects.map((e, k) => ({ relation: qname(e), mode: e.mode, rewrite: e.rewrite, scan: e.scan, action: e.action, newRelation: !!info?.newRelation[k] }));
  const base = { index: r.stmt.index, line: lineOf(r.stmt), title: statementTitle(r.stmt), kind: r.stmt.kind, inTransaction: r.inTransaction, durationMs: r.durationMs, rules, catalogue: catalogueLocks };
  if (r.control) return { ...base, source: 'control', locks: [], rewrites: [], scans: [], created: [], dropped: [], disagreements: [] };
  if (!o) {
    // Not observable in a transaction: the catalogue's locks, on relations that existed before.
    const locks = effects.filter((_, k) => !info?.newRelation[k]).map((e) => {
      const kind = e.role === 'index' ? 'i' : e.role === 'sequence' ? 'S' : 'r';
      return { relation: qname(e), kind, mode: e.mode, blocks: blockedOn(kind, e.mode), blocksTraffic: blocksTraffic(e.mode) };
    });
    return { ...base, source: 'catalogue', locks, rewrites: [], scans: [], created: [], dropped: [], disagreements: [] };
  }
  const usable = effects.filter((_, k) => !info?.newRelation[k]);
  // A new relfilenode the catalogue explains as a new, empty file (TRUNCATE, ALTER SEQUENCE) copied no row.
  const emptied = new Set(usable.filter((e) => e.newStorage && !e.rewrite).map((e) => e.relation.name));
  const rewrites = o.rewrites.map((w) => (w.how === 'new relfilenode' && emptied.has(w.relation.slice(w.relation.indexOf('.') + 1)) ? { ...w, how: 'new empty file' as const } : w));
  return {
    ...base, source: 'observed', locks: strongest(o.locks), rewrites, scans: o.scans, created: o.created, dropped: o.dropped,
    disagreements: compareWithCatalogue(usable, o, existing, { held: r.held, searchPath, empty, conditional: r.stmt.kind === 'DoStmt' }),
  };
}

/** Down, compare, up again, idempotency. Returns a reason to stop the set when its state is lost. */
async function proveDown(
  db: SqlDb, set: MigrationSet, f: MigrationFile, text: string, all: readonly Statement[], up: readonly Statement[],
  before: Map<string, string>, after: Map<string, string>, file: FileVerdict, opts: VerifySetOptions, rerunOpts: RerunOptions,
): Promise<string | undefined> {
  // The down: the pair file, the file's own down section, or a generated one.
  let downStatements: Statement[] = [];
  let downMode: FileMode = { wrap: true, how: 'transaction' };
  let source: 'own' | 'generated' | 'none' = 'none';
  let partial: boolean | undefined;
  let downError: string | undefined;
  const section = all.filter((s) => s.section.direction === 'down');
  if (f.pair && opts.fs.readText(f.pair) !== undefined) {
    const dtext = opts.fs.readText(f.pair)!;
    downStatements = splitStatements(dtext, 'down').statements.filter((s) => s.section.direction === 'down');
    downMode = fileMode(transactionPlan(set.framework, f.pair, dtext, opts.fs), downStatements);
    source = 'own';
  } else if (section.length) {
    downStatements = section;
    downMode = fileMode(transactionPlan(set.framework, f.path, text, opts.fs), section);
    source = 'own';
  } else {
    try {
      const g = generateDown(f.path, opts.fs, opts.configFor);
      downStatements = splitStatements(g.sql, 'up').statements;
      downMode = { wrap: !g.needsNoTransaction, how: g.needsNoTransaction ? 'autocommit' : 'transaction' };
      partial = g.partial;
      source = 'generated';
    } catch (e) {
      downError = `cannot generate a down: ${firstLine(e)}`;
    }
  }
  void downMode;
  // The proofs run in one transaction that is rolled back: whatever the down or the second up do
  // (irreversible enum values, data rows), the next file starts from the state after this up.
  await db.exec('BEGIN');
  try {
    await proofs(db, up, downStatements, downError, source, partial, before, after, file, rerunOpts);
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined);
  }
  return undefined;
}

async function proofs(
  db: SqlDb, up: readonly Statement[], downStatements: Statement[], downError: string | undefined, source: 'own' | 'generated' | 'none',
  partial: boolean | undefined, before: Map<string, string>, after: Map<string, string>, file: FileVerdict, rerunOpts: RerunOptions,
): Promise<void> {
  let downOk = !downError;
  if (!downError) {
    try {
      await runStatements(db, downStatements, { mode: { wrap: true, how: 'nested' }, nested: true });
    } catch (e) {
      const se = e as StatementError;
      downOk = false;
      downError = `${se.stmt ? `${statementTitle(se.stmt)}: ` : ''}${se.reason ?? firstLine(e)}`;
    }
  }
  const afterDown = await snapshotSchema(db);
  const differences = downOk ? compareSnapshots(before, afterDown) : [];
  file.down = { source, ok: downOk, equal: downOk && differences.length === 0, differences, partial, error: downError };
  if (!downOk) file.ok = false;
  if (downOk && differences.length) file.ok = false;
  // Up again (from wherever the down left the catalog), unless the down changed nothing.
  const stillUp = compareSnapshots(after, afterDown).length === 0;
  if (!stillUp) {
    try {
      await runStatements(db, up, { mode: { wrap: true, how: 'nested' }, nested: true });
      const again = await snapshotSchema(db);
      const d = compareSnapshots(after, again);
      file.upAgain = { ok: true, differences: d };
      if (d.length) file.ok = false;
    } catch (e) {
      const se = e as StatementError;
      file.upAgain = { ok: false, error: `${se.stmt ? `${statementTitle(se.stmt)}: ` : ''}${se.reason ?? firstLine(e)}`, differences: [] };
      file.ok = false;
      return;
    }
  } else {
    file.upAgain = { ok: true, differences: [] };
  }
  file.idempotency = await rerun(db, up, rerunOpts);
}

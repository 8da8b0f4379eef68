// `pgsafe down <file>`: print (or write) the generated down migration. A thin layer over
// shared/src/rollback; --verify round-trips it on PGlite or, with --database-url, on a server.
import { dirname, relative, resolve } from 'node:path';
import {
  ConfigError, DatabaseError, DownError, applyMigration, defaultConfig, openPglite, openServer, requestedExtensions, ensureParser, findConfigFile, generateDown, knownRuleIds, loadConfigFile,
  loadSet, nodeFs, roundTrip, setRootOf, writeDown, type DownResult, type PgsafeConfig, type VerifyDb,
} from '../../../shared/src/index';
import { UsageError, type DownArgs } from './args';

function configLoader(args: DownArgs, cwd: string): (file: string) => PgsafeConfig {
  const known = knownRuleIds();
  const fixed = args.config ? loadConfigFile(resolve(cwd, args.config), known) : undefined;
  const dirCache = new Map<string, string | undefined>();
  return (file) => {
    if (fixed) return fixed;
    const found = findConfigFile(dirname(file), dirCache);
    return found ? loadConfigFile(found, known) : defaultConfig();
  };
}

function describe(r: DownResult, cwd: string): string {
  const lines: string[] = [];
  const rel = (p: string) => relative(cwd, p) || p;
  lines.push(`pgsafe down: ${rel(r.path)} (${r.framework}) → ${rel(r.placement.target)}${r.placement.kind === 'section' ? ' (down section)' : ''}`);
  for (const i of r.notReverted) lines.push(`  line ${i.line}: ${i.status}: ${i.summary}${i.reason ? ` — ${i.reason}` : ''}`);
  for (const n of r.placement.notes) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}

/**
 * Round-trip the generated down on a fresh database: PGlite, or a throwaway database on the server
 * of `--database-url` (created and dropped by verify/db.ts). The earlier migrations and the up run
 * the way their runner sends them (verify/run.ts).
 */
async function verify(r: DownResult, databaseUrl: string | undefined, fs = nodeFs): Promise<{ ok: boolean; text: string }> {
  const set = loadSet(setRootOf(r.path, fs), fs);
  const me = set.files.find((f) => f.path === r.path);
  const earlier = set.files.filter((f) => f.path !== r.path && (!me || f.order < me.order) && (f.role === 'up' || f.role === 'repeatable'));
  let db: VerifyDb;
  try {
    db = databaseUrl ? await openServer(databaseUrl) : await openPglite(requestedExtensions([...earlier.map((f) => fs.readText(f.path) ?? ''), fs.readText(r.path) ?? '']));
  } catch (e) {
    if (e instanceof DatabaseError) throw new UsageError(`--verify: ${e.message}`);
    throw e;
  }
  try {
    for (const f of earlier) {
      try {
        await applyMigration(db, f.path, fs.readText(f.path) ?? '', set.framework, fs);
      } catch (e: any) {
        return { ok: false, text: `verify: an earlier migration does not apply on ${db.name}: ${f.path}: ${e?.message ?? e}\n` };
      }
    }
    const text = fs.readText(r.path) ?? '';
    const rt = await roundTrip(db, () => applyMigration(db, r.path, text, set.framework, fs), r.sql);
    const out = [`verify: ${rt.equal && !rt.failed ? 'round trip equal' : 'round trip FAILED'} (up, down, compare with the snapshot, up again) on ${db.name}`];
    if (rt.failed) out.push(`  ${rt.failed.phase} failed: ${rt.failed.message}`);
    for (const d of rt.differences) out.push(`  ${d}`);
    return { ok: rt.equal && !rt.failed, text: out.join('\n') + '\n' };
  } finally {
    await db.close();
  }
}

export async function down(args: DownArgs): Promise<number> {
  const cwd = process.cwd();
  await ensureParser();
  const path = resolve(cwd, args.file);
  if (!nodeFs.exists(path)) throw new UsageError(`no such file: ${args.file}`);
  let r: DownResult;
  try {
    r = generateDown(path, nodeFs, configLoader(args, cwd));
  } catch (e) {
    if (e instanceof DownError) throw new UsageError(e.message);
    if (e instanceof ConfigError) throw e;
    throw e;
  }
  const blocked = r.partial && !args.allowPartial;
  let code = blocked ? 1 : 0;
  let written: string | undefined;
  if (args.write && !blocked && r.placement.content !== undefined) written = writeDown(r);
  if (args.format === 'json') {
    const v = args.verify ? await verify(r, args.databaseUrl) : undefined;
    if (v && !v.ok) code = 1;
    if (args.write && r.placement.content === undefined) code = 1;
    process.stdout.write(JSON.stringify({
      file: relative(cwd, r.path), framework: r.framework, target: relative(cwd, r.placement.target), placement: r.placement.kind,
      written: written ? relative(cwd, written) : null, diff: r.placement.diff ?? null, notes: r.placement.notes,
      partial: r.partial, needsNoTransaction: r.needsNoTransaction, sql: r.sql,
      statements: r.items.map((i) => ({ line: i.line, status: i.status, statement: i.summary, down: i.sql, reason: i.reason ?? null })),
      verify: v ? { ok: v.ok, report: v.text } : null,
    }, null, 2) + '\n');
    return code;
  }
  process.stderr.write(describe(r, cwd));
  if (r.placement.diff) {
    process.stdout.write(r.placement.diff);
    process.stderr.write(`pgsafe down: ${relative(cwd, r.placement.target)} already has a down part; it was not overwritten (diff above: - existing, + generated).\n`);
    if (args.write) code = 1;
  } else if (written) {
    process.stderr.write(`pgsafe down: wrote ${relative(cwd, written)}\n`);
  } else {
    process.stdout.write(r.sql);
  }
  if (blocked) process.stderr.write(`pgsafe down: ${r.notReverted.length} statement${r.notReverted.length === 1 ? ' is' : 's are'} not reverted exactly${args.write ? '; nothing written' : ''} (use --allow-partial to accept a partial rollback).\n`);
  if (args.verify) {
    const v = await verify(r, args.databaseUrl);
    process.stderr.write(v.text);
    if (!v.ok) code = 1;
  }
  return code;
}

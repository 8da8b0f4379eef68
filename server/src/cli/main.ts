// `pgsafe` command line: a thin layer over @pgsafe/shared (no engine logic here).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  ConfigError, ENGINE_DIAGNOSTICS, MIN_PG, MAX_PG, allRuleMetas, ensureParser, findConfigFile, formatGithub, formatGitlab,
  formatJsonPieces, formatSarif, formatText, knownRuleIds, lintTextSync, loadConfigFile, positionFindings, ruleMeta, totals,
  defaultConfig, CONFIG_FILE, cachedFs, explainSets, lintSet, loadSet, nodeFs, orderSets, overlayFs, setsFor, Catalog,
  chooseFixes, applyTextEdits, type FixMode, type ProjectFs,
  type FileReport, type MigrationSet, type PgsafeConfig,
} from '../../../shared/src/index';
import { changedSince } from './git';
import { HELP, UsageError, parseCommandLine, type CheckArgs } from './args';
import { filterByConfig, selectFiles } from './files';
import { decodeSql, readSqlFile } from './read';
import { down } from './down';
import { verify } from './verify';

function packageRoot(): string {
  let d = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'docs', 'rules'))) return d;
    d = dirname(d);
  }
  return resolve(__dirname, '..');
}

function version(): string {
  try {
    return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function applyOverrides(base: PgsafeConfig, args: CheckArgs): PgsafeConfig {
  return { ...base, pgVersion: args.pgVersion ?? base.pgVersion, rules: { ...base.rules, ...args.rules } };
}

async function check(args: CheckArgs): Promise<number> {
  const known = knownRuleIds();
  if (args.fix && args.stdinFilename !== undefined) throw new UsageError('--fix writes files: it cannot be used with --stdin-filename');
  for (const id of Object.keys(args.rules)) if (!known.has(id)) throw new UsageError(`--rule: unknown rule id "${id}" (run \`pgsafe rules\`)`);
  if (args.pgVersion !== undefined && (args.pgVersion < MIN_PG || args.pgVersion > MAX_PG)) throw new UsageError(`--pg-version must be between ${MIN_PG} and ${MAX_PG} (got ${args.pgVersion})`);

  const cwd = process.cwd();
  await ensureParser();
  if (args.fix) {
    await fixFiles(args, async () => {
      const p = await prepare(args, known, cwd);
      return lintSelection(p.selected, p.reads, p.fs, p.sets, p.configFor, args, p.changed);
    }, cwd);
    return check({ ...args, fix: undefined });
  }
  const p = await prepare(args, known, cwd);
  if (args.explainContext) {
    process.stdout.write(explainSets(p.sets, p.fs, (f) => applyOverrides(p.configFor(f), args), cwd, p.changed));
    return 0;
  }
  return report(args, lintSelection(p.selected, p.reads, p.fs, p.sets, p.configFor, args, p.changed));
}

/** Select and read the files, load their configurations and migration sets. */
async function prepare(args: CheckArgs, known: ReadonlySet<string>, cwd: string) {
  const fixedConfig = args.config ? loadConfigFile(resolve(cwd, args.config), known) : undefined;
  const configCache = new Map<string, PgsafeConfig>();
  const dirCache = new Map<string, string | undefined>();
  const configFor = (file: string): PgsafeConfig => {
    if (fixedConfig) return fixedConfig;
    const found = findConfigFile(dirname(file), dirCache);
    if (!found) return defaultConfig();
    let c = configCache.get(found);
    if (!c) {
      c = loadConfigFile(found, known);
      configCache.set(found, c);
    }
    return c;
  };

  const inputs: { display: string; abs: string; read: () => ReturnType<typeof readSqlFile> }[] = [];
  if (args.stdinFilename !== undefined) {
    const buf = await readStdin();
    inputs.push({ display: args.stdinFilename, abs: resolve(cwd, args.stdinFilename), read: () => decodeSql(buf) });
  } else {
    const sel = selectFiles(args.paths, cwd);
    if (sel.errors.length) throw new UsageError(sel.errors.join('\n'));
    for (const f of sel.files) inputs.push({ display: relative(cwd, f) || f, abs: f, read: () => readSqlFile(f) });
  }

  const changed = args.since !== undefined ? changedSince(args.since, cwd) : undefined;
  const selected = inputs.filter((input) => {
    if (args.stdinFilename !== undefined || args.paths.some((p) => resolve(cwd, p) === input.abs)) return true;
    const base = configFor(input.abs);
    return filterByConfig(input.abs, base.baseDir, base.include, base.exclude);
  });
  // Each selected file is read (and checked for encoding) once; the project reads go through these
  // texts. Stdin stands in for the file it names, so the folder's earlier migrations still give context.
  const reads = new Map(selected.map((input) => [input.abs, input.read()] as const));
  const fs = cachedFs(overlayFs(nodeFs, new Map([...reads].map(([path, r]) => [path, r.ok ? r.text : undefined]))));
  const setConfig = (root: string) => configFor(join(root, CONFIG_FILE));
  const sets = setsFor(selected.map((i) => i.abs), fs).map((set) => {
    const fw = setConfig(set.root).framework;
    return fw !== 'auto' && fw !== set.framework ? loadSet(set.root, fs, fw) : set;
  });
  return { selected, reads, fs, sets, configFor, changed };
}

type Input = { display: string; abs: string; read: () => ReturnType<typeof readSqlFile> };

/** Lint the selected files in their migration sets; reports in selection order. */
function lintSelection(
  selected: readonly Input[], reads: Map<string, ReturnType<typeof readSqlFile>>, fs: ProjectFs, sets: readonly MigrationSet[],
  configFor: (p: string) => PgsafeConfig, args: CheckArgs, changed: ReadonlySet<string> | undefined,
): FileReport[] {
  const reports = new Map<string, FileReport>();
  // Only the JSON report and --fix show fixes: the other formats skip computing them.
  const withFixes = args.format === 'json' || !!args.fix;
  const unreadable = ENGINE_DIAGNOSTICS.unreadableFile;
  const report = new Set<string>();
  for (const input of selected) {
    const read = reads.get(input.abs)!;
    if (read.ok) {
      report.add(input.abs);
      continue;
    }
    reports.set(input.abs, positionFindings(input.display, '', [{
      rule: unreadable.id, severity: 'error', message: `Cannot check ${input.display}: ${read.problem}.`, help: 'Fix the file, or exclude it in pgsafe.config.json.',
      start: 0, end: 0, docs: unreadable.docs, related: [], fixes: [],
    }]));
  }
  const display = new Map(selected.map((i) => [i.abs, i.display]));
  // A set that builds on another (a sqitch project requiring another project) starts from its schema.
  const finalCatalogs = new Map<MigrationSet, Catalog>();
  for (const { set, after } of orderSets(sets, fs)) {
    const catalog = after ? finalCatalogs.get(after)?.clone() ?? new Catalog() : new Catalog();
    for (const { file, text, result } of lintSet(set, { fs, configFor: (p) => applyOverrides(configFor(p), args), report, changed, catalog, withFixes })) {
      if (result && text !== undefined) reports.set(file.path, positionFindings(display.get(file.path) ?? file.path, text, result.findings));
    }
    finalCatalogs.set(set, catalog);
  }
  // Files no migration set applies (other extensions, sqitch verify scripts, …): checked on their own.
  for (const input of selected) {
    if (reports.has(input.abs) || !report.has(input.abs)) continue;
    const text = fs.readText(input.abs);
    if (text !== undefined) reports.set(input.abs, positionFindings(input.display, text, lintTextSync(text, { path: input.abs, config: applyOverrides(configFor(input.abs), args), withFixes }).findings));
  }
  // Report in the order the files were selected (natural order), unreadable ones included.
  return selected.map((i) => reports.get(i.abs)).filter((r): r is FileReport => r !== undefined);
}

/**
 * --fix: apply the chosen fixes, re-lint, repeat (a fix can make room for the next one; a fix that
 * creates a migration must be seen by the next). Never overwrites an existing file.
 */
async function fixFiles(args: CheckArgs, lint: () => Promise<FileReport[]>, cwd: string): Promise<void> {
  const mode: FixMode = args.fix === 'all' ? 'all' : 'safe';
  let applied = 0;
  let created = 0;
  let pending: { file: string; line: number; title: string; reason: string }[] = [];
  const touched = new Set<string>();
  for (let pass = 0; pass < 10; pass++) {
    let progress = false;
    let newFilesThisPass = false;
    pending = [];
    for (const r of await lint()) {
      const abs = resolve(cwd, r.file);
      const choice = chooseFixes(r.findings, mode, !newFilesThisPass);
      for (const s of choice.skipped) pending.push({ file: r.file, line: r.lines.position(s.finding.start).line + 1, title: s.fix.title, reason: s.reason });
      if (!choice.apply.length) continue;
      const creates = choice.apply.flatMap((f) => f.newFiles ?? []);
      if (creates.some((f) => existsSync(f.path))) {
        for (const f of choice.apply) pending.push({ file: r.file, line: 0, title: f.title, reason: 'its new file already exists' });
        continue;
      }
      writeFileSync(abs, applyTextEdits(r.text, choice.apply.flatMap((f) => f.edits)));
      for (const f of creates) {
        writeFileSync(f.path, f.content);
        created++;
        touched.add(f.path);
      }
      if (creates.length) newFilesThisPass = true;
      applied += choice.apply.length;
      touched.add(abs);
      progress = true;
    }
    if (!progress) break;
  }
  const lines = [`pgsafe: applied ${applied} fix${applied === 1 ? '' : 'es'} in ${touched.size - created} file${touched.size - created === 1 ? '' : 's'}${created ? `, created ${created} migration file${created === 1 ? '' : 's'}` : ''}.`];
  const needAll = pending.filter((p) => p.reason === 'needs --fix=all');
  if (needAll.length) {
    lines.push(`${needAll.length} fix${needAll.length === 1 ? '' : 'es'} create files or need a value; apply them with --fix=all (or in the editor):`);
    for (const p of needAll) lines.push(`  ${p.file}:${p.line}  ${p.title}`);
  }
  for (const p of pending.filter((x) => x.reason === 'its new file already exists')) lines.push(`  ${p.file}: not applied (${p.reason}): ${p.title}`);
  process.stderr.write(lines.join('\n') + '\n');
}

async function report(args: CheckArgs, ordered: FileReport[]): Promise<number> {
  const metas = allRuleMetas();
  const pieces =
    args.format === 'json' ? formatJsonPieces(ordered)
      : args.format === 'sarif' ? [formatSarif(ordered, metas, version())]
        : args.format === 'github' ? [formatGithub(ordered)]
          : args.format === 'gitlab' ? [formatGitlab(ordered)]
            : [formatText(ordered, { color: args.color })];
  const t = totals(ordered);
  const tooManyWarnings = args.maxWarnings !== undefined && t.warnings > args.maxWarnings;
  // Known before the report is written: a reader that stops early (`| head`) still gets it.
  process.exitCode = t.errors > 0 || tooManyWarnings ? 1 : 0;
  for (const piece of pieces) await new Promise<void>((res) => process.stdout.write(piece, () => res()));
  if (t.errors > 0) return 1;
  if (tooManyWarnings) {
    process.stderr.write(`pgsafe: ${t.warnings} warnings exceed --max-warnings ${args.maxWarnings}\n`);
    return 1;
  }
  return 0;
}

/**
 * The reader of the output went away (`pgsafe check … | head`): stop quietly with the exit code
 * known so far, instead of an unhandled EPIPE stack trace.
 */
let closedOutputHandled = false;
function quietOnClosedOutput(): void {
  if (closedOutputHandled) return;
  closedOutputHandled = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

function listRules(format: 'text' | 'json'): number {
  const metas = allRuleMetas().sort((a, b) => a.id.localeCompare(b.id));
  if (format === 'json') {
    process.stdout.write(JSON.stringify(metas, null, 2) + '\n');
    return 0;
  }
  const w = Math.max(...metas.map((m) => m.id.length));
  const lines = metas.map((m) => {
    const pg = m.minPg || m.maxPg ? ` [PG ${m.minPg ?? ''}–${m.maxPg ?? ''}]` : '';
    return `${m.id.padEnd(w)}  ${m.category.padEnd(6)}  ${m.defaultLevel.padEnd(5)}  ${m.fixable ? 'fix' : '   '}  ${m.description}${pg}`;
  });
  process.stdout.write(`${'rule'.padEnd(w)}  ${'kind'.padEnd(6)}  level  fix  description\n${lines.join('\n')}\n`);
  return 0;
}

function explain(id: string): number {
  const meta = ruleMeta(id);
  if (!meta) throw new UsageError(`unknown rule "${id}" (run \`pgsafe rules\`)`);
  const file = join(packageRoot(), 'docs', 'rules', `${id}.md`);
  if (!existsSync(file)) {
    process.stdout.write(`${meta.id}: ${meta.description}\n${meta.docs}\n`);
    return 0;
  }
  process.stdout.write(readFileSync(file, 'utf8'));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedOutput();
  try {
    const args = parseCommandLine(argv, !!process.stdout.isTTY);
    switch (args.command) {
      case 'help':
        process.stdout.write(HELP);
        return 0;
      case 'version':
        process.stdout.write(`pgsafe ${version()}\n`);
        return 0;
      case 'rules':
        return listRules(args.format);
      case 'explain':
        return explain(args.rule);
      case 'check':
        return await check(args);
      case 'down':
        return await down(args);
      case 'verify':
        return await verify(args);
      case 'lsp':
        // The bundled server (dist/server.js, through its code cache) runs until the client disconnects.
        require(join(packageRoot(), 'dist', 'server.js')).main();
        return await new Promise<number>(() => undefined);
    }
  } catch (e: any) {
    if (e instanceof UsageError) {
      process.stderr.write(`pgsafe: ${e.message}\nRun \`pgsafe --help\` for usage.\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`pgsafe: configuration error\n${e.message}\n`);
      return 2;
    }
    process.stderr.write(`pgsafe: internal error: ${e?.stack ?? e}\n`);
    return 3;
  }
}

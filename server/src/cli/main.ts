// `pgsafe` command line: a thin layer over @pgsafe/shared (no engine logic here).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  ConfigError, ENGINE_DIAGNOSTICS, MIN_PG, MAX_PG, allRuleMetas, ensureParser, findConfigFile, formatGithub, formatGitlab,
  formatJson, formatSarif, formatText, knownRuleIds, lintTextSync, loadConfigFile, positionFindings, ruleMeta, totals,
  defaultConfig, CONFIG_FILE, cachedFs, explainSets, lintSet, loadSet, nodeFs, orderSets, overlayFs, setsFor, Catalog,
  type FileReport, type MigrationSet, type PgsafeConfig,
} from '../../../shared/src/index';
import { changedSince } from './git';
import { HELP, UsageError, parseCommandLine, type CheckArgs } from './args';
import { filterByConfig, selectFiles } from './files';
import { decodeSql, readSqlFile } from './read';

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
  for (const id of Object.keys(args.rules)) if (!known.has(id)) throw new UsageError(`--rule: unknown rule id "${id}" (run \`pgsafe rules\`)`);
  if (args.pgVersion !== undefined && (args.pgVersion < MIN_PG || args.pgVersion > MAX_PG)) throw new UsageError(`--pg-version must be between ${MIN_PG} and ${MAX_PG} (got ${args.pgVersion})`);

  const cwd = process.cwd();
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
  await ensureParser();
  if (args.explainContext) {
    process.stdout.write(explainSets(sets, fs, (p) => applyOverrides(configFor(p), args), cwd, changed));
    return 0;
  }

  const reports = new Map<string, FileReport>();
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
    for (const { file, text, result } of lintSet(set, { fs, configFor: (p) => applyOverrides(configFor(p), args), report, changed, catalog })) {
      if (result && text !== undefined) reports.set(file.path, positionFindings(display.get(file.path) ?? file.path, text, result.findings));
    }
    finalCatalogs.set(set, catalog);
  }
  // Files no migration set applies (other extensions, sqitch verify scripts, …): checked on their own.
  for (const input of selected) {
    if (reports.has(input.abs) || !report.has(input.abs)) continue;
    const text = fs.readText(input.abs);
    if (text !== undefined) reports.set(input.abs, positionFindings(input.display, text, lintTextSync(text, { path: input.abs, config: applyOverrides(configFor(input.abs), args) }).findings));
  }
  // Report in the order the files were selected (natural order), unreadable ones included.
  const ordered = selected.map((i) => reports.get(i.abs)).filter((r): r is FileReport => r !== undefined);

  const metas = allRuleMetas();
  const output =
    args.format === 'json' ? formatJson(ordered)
      : args.format === 'sarif' ? formatSarif(ordered, metas, version())
        : args.format === 'github' ? formatGithub(ordered)
          : args.format === 'gitlab' ? formatGitlab(ordered)
            : formatText(ordered, { color: args.color });
  await new Promise<void>((res) => process.stdout.write(output, () => res()));
  const t = totals(ordered);
  if (t.errors > 0) return 1;
  if (args.maxWarnings !== undefined && t.warnings > args.maxWarnings) {
    process.stderr.write(`pgsafe: ${t.warnings} warnings exceed --max-warnings ${args.maxWarnings}\n`);
    return 1;
  }
  return 0;
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
      case 'lsp':
        // The bundled server (dist/server.js) runs until the client disconnects.
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

// `pgsafe verify [dir|files…]`: apply the migrations in their runner's order on a fresh PGlite
// (or a throwaway database on --database-url), trace the files under review statement by
// statement, prove their downs and re-runs. A thin layer over shared/src/verify.
import { statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  CONFIG_FILE, DatabaseError, defaultConfig, ensureParser, findConfigFile, formatVerifyJson, formatVerifyMarkdown, formatVerifyText,
  knownRuleIds, loadConfigFile, loadSet, nodeFs, openPglite, openServer, requestedExtensions, setsFor, summarize, verifySet,
  type PgsafeConfig, type SetVerdict, type VerifyDb,
} from '../../../shared/src/index';
import { UsageError, type VerifyArgs } from './args';
import { selectFiles } from './files';
import { changedSince } from './git';

function configLoader(args: VerifyArgs, cwd: string): (file: string) => PgsafeConfig {
  const known = knownRuleIds();
  const fixed = args.config ? loadConfigFile(resolve(cwd, args.config), known) : undefined;
  const dirCache = new Map<string, string | undefined>();
  const cache = new Map<string, PgsafeConfig>();
  return (file) => {
    if (fixed) return fixed;
    const found = findConfigFile(dirname(file), dirCache);
    if (!found) return defaultConfig();
    if (!cache.has(found)) cache.set(found, loadConfigFile(found, known));
    return cache.get(found)!;
  };
}

/** Progress on stderr: one rewritten line on a terminal, plain lines otherwise. */
function progress(enabled: boolean) {
  const tty = !!process.stderr.isTTY;
  let last = '';
  return {
    update(text: string) {
      if (!enabled) return;
      if (tty) {
        const line = text.length > 100 ? text.slice(0, 99) + '…' : text;
        process.stderr.write(`\r${line.padEnd(last.length)}`);
        last = line;
      } else if (text !== last) {
        process.stderr.write(`${text}\n`);
        last = text;
      }
    },
    done() {
      if (enabled && tty && last) process.stderr.write(`\r${' '.repeat(last.length)}\r`);
      last = '';
    },
  };
}

export async function verify(args: VerifyArgs): Promise<number> {
  const cwd = process.cwd();
  await ensureParser();
  const configFor = configLoader(args, cwd);
  const paths = args.paths.length ? args.paths : ['.'];
  const sel = selectFiles(paths, cwd);
  if (sel.errors.length) throw new UsageError(sel.errors.join('\n'));
  const named = new Set(paths.map((p) => resolve(cwd, p)).filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  }));
  const changed = args.since !== undefined ? changedSince(args.since, cwd) : undefined;
  const review = (path: string) => (named.size ? named.has(path) : changed ? changed.has(path) : true);
  const sets = setsFor(sel.files, nodeFs).map((set) => {
    const fw = configFor(join(set.root, CONFIG_FILE)).framework;
    return fw !== 'auto' && fw !== set.framework ? loadSet(set.root, nodeFs, fw) : set;
  }).filter((set) => set.files.some((f) => (f.role === 'up' || f.role === 'repeatable') && review(f.path)));
  if (!sets.length) {
    process.stderr.write(`pgsafe verify: no migrations to verify${changed ? ` (none changed since ${args.since})` : ''}\n`);
    return 0;
  }
  const bar = progress(true);
  const verdicts: SetVerdict[] = [];
  let open: VerifyDb | undefined;
  // Ctrl-C: drop the throwaway database before leaving.
  const onSignal = () => {
    bar.done();
    process.stderr.write('pgsafe verify: interrupted; dropping the throwaway database\n');
    void (open?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const set of sets) {
      const rel = relative(cwd, set.root) || '.';
      bar.update(`pgsafe verify: ${rel}: opening ${args.databaseUrl ? 'a throwaway database' : 'PGlite'}…`);
      const texts = set.files.map((f) => nodeFs.readText(f.path) ?? '');
      try {
        open = args.databaseUrl ? await openServer(args.databaseUrl) : await openPglite(requestedExtensions(texts));
      } catch (e) {
        bar.done();
        if (e instanceof DatabaseError) {
          process.stderr.write(`pgsafe verify: ${e.message}\n`);
          return 2;
        }
        throw e;
      }
      try {
        verdicts.push(await verifySet(open, set, {
          fs: nodeFs, configFor, review: (f) => review(f.path), seedRows: args.seedRows,
          onProgress: (e) => bar.update(`pgsafe verify: ${rel}: [${e.index + 1}/${e.total}] ${e.file} (${e.phase})`),
        }));
      } finally {
        await open.close();
        open = undefined;
      }
    }
  } finally {
    bar.done();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const out = args.format === 'json' ? formatVerifyJson(verdicts) : args.format === 'markdown' ? formatVerifyMarkdown(verdicts) : formatVerifyText(verdicts);
  await new Promise<void>((res) => process.stdout.write(out, () => res()));
  for (const v of verdicts) {
    if (v.stopped) {
      const where = `${relative(cwd, join(v.root, v.stopped.file))}${v.stopped.line ? `:${v.stopped.line}` : ''}`;
      process.stderr.write(`pgsafe verify: ${where}: ${v.stopped.statement ? `${v.stopped.statement}: ` : ''}${v.stopped.message}\n`);
    }
  }
  return summarize(verdicts).failed > 0 || verdicts.some((v) => v.stopped) ? 1 : 0;
}

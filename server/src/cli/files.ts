// Which files `pgsafe check` lints: files as given, directories walked for *.sql, globs matched
// with picomatch. Config include/exclude globs filter what directory walks and globs find.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';

export interface FileSelection {
  files: string[];
  errors: string[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);
const GLOB_CHARS = /[*?[\]{}]/;

export function isGlob(p: string): boolean {
  return GLOB_CHARS.test(p);
}

/** Numbers compare as numbers (9_x.sql before 10_x.sql), like most migration runners order files. */
const collator = new Intl.Collator('en', { numeric: true });
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b);
}

function walk(dir: string, out: string[]): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(join(dir, e.name), out);
    } else if (e.isFile() && e.name.toLowerCase().endsWith('.sql')) {
      out.push(join(dir, e.name));
    }
  }
}

function globBase(pattern: string): string {
  const parts = pattern.split(/[\\/]/);
  const base: string[] = [];
  for (const p of parts) {
    if (isGlob(p)) break;
    base.push(p);
  }
  return base.join('/') || '.';
}

export function selectFiles(paths: readonly string[], cwd: string): FileSelection {
  const files = new Set<string>();
  const errors: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let st: import('node:fs').Stats | undefined;
    try {
      st = statSync(abs);
    } catch {
      st = undefined;
    }
    if (st?.isFile()) {
      files.add(abs);
    } else if (st?.isDirectory()) {
      const found: string[] = [];
      walk(abs, found);
      found.forEach((f) => files.add(f));
    } else if (isGlob(p)) {
      const base = resolve(cwd, globBase(p));
      const match = picomatch(p.replace(/\\/g, '/'), { dot: false });
      const found: string[] = [];
      walk(base, found);
      let any = false;
      for (const f of found) {
        if (match(relative(cwd, f).split(sep).join('/')) || match(f.split(sep).join('/'))) {
          files.add(f);
          any = true;
        }
      }
      if (!any) errors.push(`no .sql files match the pattern "${p}"`);
    } else {
      errors.push(`no such file or directory: ${p}`);
    }
  }
  return { files: [...files].sort(naturalCompare), errors };
}

/** Apply a config's include/exclude globs (relative to the config file's folder). */
export function filterByConfig(file: string, baseDir: string | undefined, include: readonly string[], exclude: readonly string[]): boolean {
  if (!baseDir || (include.length === 0 && exclude.length === 0)) return true;
  const rel = relative(baseDir, file).split(sep).join('/');
  if (include.length && !picomatch(include as string[], { dot: true })(rel)) return false;
  if (exclude.length && picomatch(exclude as string[], { dot: true })(rel)) return false;
  return true;
}

// The file access project discovery needs, behind an interface so the language server can serve
// open (unsaved) documents from memory.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface ProjectFs {
  /** Entries of a directory (names), or [] when it cannot be read. */
  list(dir: string): { name: string; dir: boolean }[];
  /** A file's text, or undefined when it cannot be read as UTF-8. */
  readText(path: string): string | undefined;
  exists(path: string): boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export const nodeFs: ProjectFs = {
  list(dir) {
    try {
      return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
    } catch {
      return [];
    }
  },
  readText(path) {
    try {
      const text = utf8.decode(readFileSync(path));
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch {
      return undefined;
    }
  },
  exists(path) {
    return existsSync(path);
  },
};

/** A ProjectFs that reads through a cache (each file is read once per run). */
export function cachedFs(base: ProjectFs): ProjectFs {
  const texts = new Map<string, string | undefined>();
  return {
    list: (dir) => base.list(dir),
    exists: (p) => base.exists(p),
    readText(path) {
      if (!texts.has(path)) texts.set(path, base.readText(path));
      return texts.get(path);
    },
  };
}

/** A ProjectFs in which some files have the given texts (stdin, already-read files, unsaved
 *  editor buffers); `undefined` means the file cannot be read. */
export function overlayFs(base: ProjectFs, texts: ReadonlyMap<string, string | undefined>): ProjectFs {
  return {
    list(dir) {
      const entries = base.list(dir);
      for (const path of texts.keys()) {
        if (dirname(path) === dir && !entries.some((e) => e.name === basename(path))) entries.push({ name: basename(path), dir: false });
      }
      return entries;
    },
    exists: (p) => texts.has(p) || base.exists(p),
    readText: (p) => (texts.has(p) ? texts.get(p) : base.readText(p)),
  };
}

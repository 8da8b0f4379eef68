// Runs a bundle (dist/pgsafe.js, dist/server-main.js) compiled with the V8 code cache the build
// writes beside it (`<bundle>.cache`): the bytecode of the functions a sample run executed, so a
// run neither parses the bundle nor compiles those functions again. V8 checks the cache against
// the source and its own version and flags; a missing or rejected cache (another Node, Electron's
// V8 in VS Code) costs only the compile it would have saved.
import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export interface LoadedBundle {
  exports: any;
  /** Whether V8 used the cache. */
  cached: boolean;
  /** Write the code cache of everything compiled so far (the build's sample run calls this). */
  writeCache(file: string): void;
}

export function loadCached(bundle: string): LoadedBundle {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${bundle}.cache`);
  } catch {
    cachedData = undefined;
  }
  const script = new Script((Module as unknown as { wrap(s: string): string }).wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  // import() does not work in code compiled from a code cache (the script's dynamic-import hook
  // is not restored with it); the bundle uses this one, made here, for PGlite and pg (verify/db.ts).
  const importModule = new Function('m', 'return import(m)');
  const mod = { exports: {} as any, id: bundle, filename: bundle, loaded: false, importModule };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  mod.loaded = true;
  return { exports: mod.exports, cached: !!cachedData && !script.cachedDataRejected, writeCache: (file) => writeFileSync(file, script.createCachedData()) };
}

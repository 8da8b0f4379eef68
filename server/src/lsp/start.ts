// dist/server.js: starts the language server bundle (dist/server-main.js, from main.ts) through
// its code cache (loader/cached-bundle.ts). `node dist/server.js --stdio`, or `pgsafe lsp`.
import { join } from 'node:path';
import { loadCached } from '../loader/cached-bundle';

export function main(): void {
  const server = loadCached(join(__dirname, 'server-main.js'));
  const cacheFile = process.env.PGSAFE_WRITE_CODE_CACHE;
  // The build's sample session ends with shutdown and exit: the cache then holds what it ran.
  if (cacheFile) process.on('exit', () => server.writeCache(cacheFile));
  server.exports.main();
}

if (require.main === module) main();

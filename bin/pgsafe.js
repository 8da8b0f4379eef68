#!/usr/bin/env node
'use strict';
// The CLI is bundled into dist/pgsafe.js by scripts/build.mjs (run by `npm install` through
// `prepare`). It is compiled here with the V8 code cache the build writes beside it
// (dist/pgsafe.js.cache): the bytecode of the functions a check runs, so a run starts without
// parsing and compiling them again. A missing cache, or one V8 rejects (another Node version or
// flags), costs only that compile. PGSAFE_WRITE_CODE_CACHE=<file> makes the run write the cache
// when it ends (the build does that once, on a sample check).
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'pgsafe.js');
let cachedData;
try {
  cachedData = readFileSync(`${bundle}.cache`);
} catch {
  cachedData = undefined;
}
const script = new Script(wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
const cli = { exports: {}, id: bundle, filename: bundle, loaded: false };
script.runInThisContext().call(cli.exports, cli.exports, createRequire(bundle), cli, bundle, dirname(bundle));
cli.loaded = true;

cli.exports
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
    if (process.env.PGSAFE_WRITE_CODE_CACHE) writeFileSync(process.env.PGSAFE_WRITE_CODE_CACHE, script.createCachedData());
  });

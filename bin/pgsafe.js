#!/usr/bin/env node
'use strict';
// The CLI is bundled into dist/pgsafe.js by scripts/build.mjs (run by `npm install` through
// `prepare`) and run through its V8 code cache (dist/load.js, from server/src/loader/).
// PGSAFE_WRITE_CODE_CACHE=<file> makes the run write the cache when it ends (the build does that
// once, on a sample check).
const { join } = require('node:path');
const { loadCached } = require('../dist/load.js');

const cli = loadCached(join(__dirname, '..', 'dist', 'pgsafe.js'));
cli.exports
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
    if (process.env.PGSAFE_WRITE_CODE_CACHE) cli.writeCache(process.env.PGSAFE_WRITE_CODE_CACHE);
  });

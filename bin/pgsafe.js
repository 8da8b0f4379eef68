#!/usr/bin/env node
'use strict';
// The CLI is bundled into dist/ by scripts/build.mjs (run by `npm install` through `prepare`).
require('../dist/pgsafe.js')
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; });

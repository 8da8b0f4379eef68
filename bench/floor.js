// The parse floor: start Node, load libpg-query, parse the file(s). Nothing pgsafe could skip.
'use strict';
const { readFileSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const pg = require('libpg-query');

function sqlFiles(p, out = []) {
  if (statSync(p).isFile()) return out.concat(p);
  for (const e of readdirSync(p, { withFileTypes: true })) {
    if (e.isDirectory()) sqlFiles(join(p, e.name), out);
    else if (e.name.endsWith('.sql')) out.push(join(p, e.name));
  }
  return out;
}

pg.loadModule().then(() => {
  let n = 0;
  for (const f of sqlFiles(process.argv[2])) {
    try {
      n += pg.parseSync(readFileSync(f, 'utf8')).stmts.length;
    } catch {
      // files with syntax errors still cost a parse attempt
    }
  }
  process.stdout.write(`${n}\n`);
});

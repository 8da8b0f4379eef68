// Packages the VS Code extension (client/):
//   1. bundles client/src/extension.ts (+ vscode-languageclient) into client/dist/extension.js
//   2. copies the bundled language server (dist/server.js, dist/server-main.js, dist/libpg-query.wasm, from
//      `npm run build`), PGlite (dist/pglite/, for the traced lock report), the injection grammar
//      and the config JSON schema into client/
//   3. runs `vsce package` in client/ and writes pgsafe-vscode-<version>.vsix at the repo root.
// With --no-vsix it stops after step 2: client/ is then loadable as an extensionDevelopmentPath.
// --no-typecheck skips `tsc -p client/tsconfig.json`; --server-dir <dir> takes the server from <dir>.
// `npm run package` runs scripts/build.mjs first.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const clientDir = join(root, 'client');
const argv = process.argv.slice(2);
const noVsix = argv.includes('--no-vsix');
// --server-dir <dir>: take server.js, server-main.js and libpg-query.wasm from <dir> instead of dist/.
const serverDirArg = argv.indexOf('--server-dir');
const serverDir = serverDirArg >= 0 ? resolve(argv[serverDirArg + 1] ?? '.') : join(root, 'dist');
const started = Date.now();

for (const f of ['server.js', 'server-main.js', 'libpg-query.wasm']) {
  if (!existsSync(join(serverDir, f))) {
    console.error(`package-extension: ${join(serverDir, f)} is missing — run \`npm run build\` first (it bundles the language server).`);
    process.exit(2);
  }
}

// esbuild does not type-check; the client is not part of the root tsconfig (it needs @types/vscode).
if (!argv.includes('--no-typecheck')) {
  try {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(clientDir, 'tsconfig.json')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    console.error('package-extension: client/src does not type-check (tsc -p client/tsconfig.json)');
    process.exit(1);
  }
}

const distDir = join(clientDir, 'dist');
rmSync(distDir, { recursive: true, force: true });
mkdirSync(distDir, { recursive: true });

await build({
  entryPoints: [join(clientDir, 'src/extension.ts')],
  outfile: join(distDir, 'extension.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
});

const copy = (from, to) => {
  mkdirSync(join(to, '..'), { recursive: true });
  copyFileSync(from, to);
};
copy(join(serverDir, 'server.js'), join(distDir, 'server.js'));
// The server bundle without its code cache: VS Code runs it on Electron's V8, which rejects a
// cache written by Node's.
copy(join(serverDir, 'server-main.js'), join(distDir, 'server-main.js'));
copy(join(serverDir, 'libpg-query.wasm'), join(distDir, 'libpg-query.wasm'));
// PGlite for "Show Lock Report (run on PGlite)": the server loads it at run time (never bundled),
// from node_modules or from dist/pglite/. Only what an ES import of it and of its contrib
// extensions needs: package.json, the ESM files, the WASM, the data file and the extension
// archives (no source maps, no typings).
const pgliteRoot = join(root, 'node_modules/@electric-sql/pglite');
const copyPglite = (rel) => {
  const from = join(pgliteRoot, rel);
  if (statSync(from).isDirectory()) {
    for (const e of readdirSync(from)) copyPglite(join(rel, e));
  } else if (rel === 'package.json' || /\.(js|wasm|data|tar\.gz)$/.test(rel)) {
    copy(from, join(distDir, 'pglite', rel));
  }
};
copyPglite('package.json');
copyPglite('dist');
// The manifest points at ./syntaxes/… and ./schema/… inside the extension folder, for the
// development host and the .vsix alike; the sources live at the repo root.
copy(join(root, 'syntaxes/pgsafe-markers.injection.tmLanguage.json'), join(clientDir, 'syntaxes/pgsafe-markers.injection.tmLanguage.json'));
copy(join(root, 'schema/pgsafe.config.schema.json'), join(clientDir, 'schema/pgsafe.config.schema.json'));
if (existsSync(join(root, 'LICENSE'))) copy(join(root, 'LICENSE'), join(clientDir, 'LICENSE'));

const manifest = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8'));
if (noVsix) {
  console.log(`package-extension: client/ is ready as an extension development folder (${Date.now() - started} ms)`);
  process.exit(0);
}

const vsixName = `${manifest.name}-${manifest.version}.vsix`;
const vsixPath = join(root, vsixName);
rmSync(vsixPath, { force: true });
const vsce = join(root, 'node_modules/.bin/vsce');
const vsceArgs = ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--ignoreFile', join(root, '.vscodeignore'), '--out', vsixPath];
try {
  execFileSync(vsce, vsceArgs, { cwd: clientDir, stdio: ['ignore', 'inherit', 'inherit'] });
} catch (e) {
  console.error(`package-extension: vsce failed (exit ${e.status})`);
  process.exit(1);
}
const size = statSync(vsixPath).size;
console.log(`package-extension: ${relative(process.cwd(), vsixPath) || vsixName} — ${(size / 1024).toFixed(1)} KiB (${size} bytes), ${Date.now() - started} ms`);

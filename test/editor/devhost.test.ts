// The extension's suite (devhost-suite.js) inside the real VS Code extension host: code-server
// 4.100.3 (VS Code 1.100.3) opened by headless Chromium with the workbench's `payload` URL
// parameter (extensionDevelopmentPath = client/, extensionTestsPath = the suite). No .vsix: the
// client folder itself is the extension, after scripts/package-extension.mjs has filled client/dist.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, CLIENT_DIR, GOOSE_MIGRATION, ROOT, editorTest, ensurePackaged, launchChromium, logTails, sleep, startCodeServer, tail, tempDir } from './hosts';

editorTest('vs code extension host (code-server dev host): diagnostics, quick fix, status bar, lock report, settings', ['code-server', 'chromium', 'playwright-core', 'server'], 150_000, async () => {
  const t0 = Date.now();
  await ensurePackaged();
  const tPackaged = Date.now();
  const dir = tempDir('devhost');
  const ws = join(dir, 'ws');
  const migration = join(ws, 'db', 'migrations', '20240101000000_add_x.sql');
  mkdirSync(join(ws, 'db', 'migrations'), { recursive: true });
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(migration, GOOSE_MIGRATION);
  writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'pgsafe.pgVersion': 16 }, null, 2));
  const suiteDir = join(dir, 'suite');
  mkdirSync(suiteDir);
  copyFileSync(join(ROOT, 'test', 'editor', 'devhost-suite.js'), join(suiteDir, 'index.js'));
  const results = join(dir, 'results.json');
  writeFileSync(join(suiteDir, 'config.json'), JSON.stringify({ workspace: ws, migration, results }));

  const cs = await startCodeServer(dir);
  const tServer = Date.now();
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let outcome: any;
  try {
    browser = await launchChromium(join(dir, 'chromium'));
    const tBrowser = Date.now();
    const auth = `127.0.0.1:${cs.port}`;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${auth}${CLIENT_DIR}`],
      ['extensionTestsPath', `vscode-remote://${auth}${suiteDir}`],
    ];
    await browser.page.goto(`http://${auth}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const tLoaded = Date.now();
    let tFirst = 0;
    const deadline = Date.now() + 100_000;
    while (Date.now() < deadline) {
      if (existsSync(results)) {
        try { outcome = JSON.parse(readFileSync(results, 'utf8')); } catch { outcome = undefined; }
        if (outcome && !tFirst) tFirst = Date.now() - (outcome.results?.[0]?.ms ?? 0);
        if (outcome?.done) break;
      }
      if (cs.proc.child.exitCode !== null) break;
      await sleep(200);
    }
    const title = await browser.page.title().catch(() => '?');
    const lines = (outcome?.results ?? []).map((r: any) => `  ${r.ok ? 'ok  ' : 'FAIL'} ${String(r.ms).padStart(6)} ms  ${r.name}${r.note ? `\n         ${r.note}` : ''}${r.ok ? '' : `\n${r.error}\n         diagnostics: ${r.diagnostics}`}`);
    const failed = !outcome?.done || outcome.results.some((r: any) => !r.ok);
    if (failed) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await browser.page.screenshot({ path: join(ARTIFACTS, 'devhost-failure.png') }).catch(() => {});
    }
    const report = [
      `dev host: window "${title}", VS Code ${outcome?.vscode ?? '?'}; total ${Date.now() - t0} ms: packaging ${tPackaged - t0} ms, code-server up ${tServer - tPackaged} ms, ` +
        `chromium ${tBrowser - tServer} ms, page loaded ${tLoaded - tBrowser} ms, suite started after ${tFirst ? tFirst - tLoaded : '?'} ms, suite ${outcome?.ms ?? '?'} ms`,
      ...lines,
    ].join('\n');
    assert.ok(!failed, [
      outcome ? report : `no results from the extension host within 100 s (window "${title}")`,
      `extension host / pgsafe logs:\n${logTails(join(cs.userData, 'logs'), /(exthost|pgsafe|remoteagent)[^/]*\.log$/)}`,
      `code-server output:\n${tail(cs.proc.output(), 3000)}`,
      `browser console:\n${tail(browser.console.join('\n'), 3000)}`,
      `screenshot: test/artifacts/devhost-failure.png; files kept in ${dir}`,
    ].join('\n'));
    console.log(report);
  } finally {
    await browser?.context.close().catch(() => {});
    await cs.proc.kill();
  }
  rmSync(dir, { recursive: true, force: true });
});

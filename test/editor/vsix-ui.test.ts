// UI smoke test of the packaged extension: the .vsix installed into a fresh code-server, the
// workspace opened in headless Chromium, the migration opened from the explorer, the Problems
// panel (Control+Shift+M) showing pgsafe's findings and the status bar showing the context.
// Screenshot: test/artifacts/vscode-problems.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, GOOSE_MIGRATION, codeServerDirs, editorTest, ensurePackaged, launchChromium, logTails, paths, startCodeServer, tail, tempDir, waitFor } from './hosts';

const FILE = '20240101000000_add_x.sql';

editorTest('vs code UI (packaged .vsix in code-server): Problems panel, status bar, screenshot', ['code-server', 'chromium', 'playwright-core', 'server'], 120_000, async () => {
  const t0 = Date.now();
  const vsix = await ensurePackaged();
  const tPackaged = Date.now();
  const dir = tempDir('vsix-ui');
  const ws = join(dir, 'ws');
  mkdirSync(ws, { recursive: true });
  writeFileSync(join(ws, FILE), GOOSE_MIGRATION);

  const { userData, extensions, env } = codeServerDirs(dir);
  const cli = (args: string[]) => spawnSync(paths.codeServer!, ['--user-data-dir', userData, '--extensions-dir', extensions, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  const install = cli(['--install-extension', vsix]);
  assert.equal(install.status, 0, `--install-extension failed:\n${install.stdout}\n${install.stderr}`);
  const listed = cli(['--list-extensions', '--show-versions']);
  assert.match(listed.stdout, /^pgsafe\.pgsafe-vscode@0\.1\.0$/m, `installed extensions:\n${listed.stdout}\n${listed.stderr}`);
  const tInstalled = Date.now();

  const cs = await startCodeServer(dir);
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let panel = '';
  let statusbar = '';
  const shot = join(ARTIFACTS, 'vscode-problems.png');
  mkdirSync(ARTIFACTS, { recursive: true });
  try {
    browser = await launchChromium(join(dir, 'chromium'));
    const page = browser.page;
    await page.goto(`http://127.0.0.1:${cs.port}/?folder=${encodeURIComponent(ws)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 30_000 });
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE });
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await waitFor('the migration in the editor', 20_000, async () =>
      ((await page.locator('.monaco-editor .view-lines').first().innerText().catch(() => '')) as string).replace(/\u00a0/g, ' ').includes('CREATE INDEX users_x_idx'));
    const tOpened = Date.now();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Shift+M');
    await waitFor('pgsafe findings in the Problems panel', 30_000, async () => {
      panel = ((await page.locator('.markers-panel').first().innerText().catch(() => '')) as string).replace(/\u00a0/g, ' ');
      return panel.includes('require-concurrent-index-creation') && panel.includes('add-column-not-null-without-default');
    }, 250);
    const tProblems = Date.now();
    await waitFor('the pgsafe status bar item', 15_000, async () => {
      statusbar = ((await page.locator('.statusbar').first().innerText().catch(() => '')) as string).replace(/\u00a0/g, ' ');
      return statusbar.includes('pgsafe: goose · PG 18');
    }, 250);
    assert.match(panel, /pgsafe/, 'the findings name their source');
    await page.screenshot({ path: shot });
    console.log([
      `vsix UI: total ${Date.now() - t0} ms: packaging ${tPackaged - t0} ms, install ${tInstalled - tPackaged} ms, workbench + editor ${tOpened - tInstalled} ms, ` +
        `problems ${tProblems - tOpened} ms; screenshot test/artifacts/vscode-problems.png`,
      `Problems panel (findings): ${panel.split('\n').filter((l) => /^[a-z]+(-[a-z]+)+$/.test(l.trim()) || /^\[Ln /.test(l.trim())).join(' ')}`,
    ].join('\n'));
  } catch (e) {
    await browser?.page.screenshot({ path: shot }).catch(() => {});
    throw new Error([
      String(e instanceof Error ? e.stack : e),
      `Problems panel text:\n${panel || '(empty)'}`,
      `status bar text:\n${statusbar || '(empty)'}`,
      `extension host / pgsafe logs:\n${logTails(join(userData, 'logs'), /(exthost|pgsafe|remoteagent)[^/]*\.log$/)}`,
      `code-server output:\n${tail(cs.proc.output(), 3000)}`,
      `browser console:\n${tail(browser?.console.join('\n') ?? '', 3000)}`,
      `screenshot: test/artifacts/vscode-problems.png; files kept in ${dir}`,
    ].join('\n'));
  } finally {
    await browser?.context.close().catch(() => {});
    await cs.proc.kill();
  }
  rmSync(dir, { recursive: true, force: true });
});

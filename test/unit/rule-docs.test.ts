// Every rule (and engine diagnostic) has docs/rules/<id>.md with a bad and a good example; the bad
// one must fire exactly that rule at the line the page names, the good one must be clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRuleMetas } from '../../shared/src/engine';
import { lint } from '../helpers/engine';
import type { PgsafeConfig } from '../../shared/src/config/types';

const root = join(__dirname, '..', '..', '..');

export function exampleBlock(md: string, heading: 'Bad' | 'Good'): { sql: string; expectLine?: number; options: Partial<PgsafeConfig>; path?: string; framework?: string } | undefined {
  const sectionStart = md.search(new RegExp(`^## ${heading}\\b`, 'm'));
  if (sectionStart === -1) return undefined;
  const rest = md.slice(sectionStart);
  const next = rest.slice(3).search(/^## /m);
  const section = next === -1 ? rest : rest.slice(0, next + 3);
  const m = /```sql\n([\s\S]*?)```/.exec(section);
  if (!m) return undefined;
  const expect = /<!--\s*expect:\s*line\s+(\d+)\s*-->/.exec(section);
  const options: Partial<PgsafeConfig> = {};
  const pg = /<!--\s*pgVersion:\s*(\d+)\s*-->/.exec(section);
  if (pg) options.pgVersion = Number(pg[1]);
  const tx = /<!--\s*transaction:\s*(auto|always|never)\s*-->/.exec(section);
  if (tx) options.transaction = tx[1] as PgsafeConfig['transaction'];
  const path = /<!--\s*path:\s*(\S+)\s*-->/.exec(section)?.[1];
  const framework = /<!--\s*framework:\s*(\S+)\s*-->/.exec(section)?.[1];
  return { sql: m[1], expectLine: expect ? Number(expect[1]) : undefined, options, path, framework };
}

for (const meta of allRuleMetas()) {
  test(`docs/rules/${meta.id}.md: bad example fires exactly ${meta.id}, good example is clean`, async () => {
    const file = join(root, 'docs', 'rules', `${meta.id}.md`);
    assert.ok(existsSync(file), `missing docs page ${file}`);
    const md = readFileSync(file, 'utf8');
    assert.match(md, new RegExp(`^# ${meta.id}\\s*$`, 'm'), 'page title is the rule id');
    assert.match(md, /^## Why/m, 'page explains why');
    assert.match(md, /^## Locks/m, 'page lists the locks involved');
    // File-reading diagnostics have no SQL example: the CLI tests cover them.
    if (meta.id === 'unreadable-file') return;
    const bad = exampleBlock(md, 'Bad');
    const good = exampleBlock(md, 'Good');
    assert.ok(bad, 'page has a ## Bad section with a ```sql block');
    assert.ok(good, 'page has a ## Good section with a ```sql block');
    assert.ok(bad.expectLine, 'bad example names its line with <!-- expect: line N -->');
    const on = meta.defaultLevel === 'off' ? { [meta.id]: 'warn' as const } : {};
    const badFindings = await lint(bad.sql, { ...bad.options, rules: on }, bad.path, bad.framework as any);
    assert.ok(badFindings.length > 0, `bad example of ${meta.id} produced no finding`);
    assert.deepEqual([...new Set(badFindings.map((f) => f.rule))], [meta.id], `bad example fires other rules: ${JSON.stringify(badFindings.map((f) => `${f.rule}@${f.line}: ${f.message}`))}`);
    assert.equal(badFindings[0].line, bad.expectLine, `bad example fires at line ${badFindings[0].line}, page says ${bad.expectLine}`);
    const goodFindings = await lint(good.sql, { ...good.options, rules: on }, good.path, good.framework as any);
    assert.deepEqual(goodFindings.map((f) => `${f.rule}@${f.line}: ${f.message}`), [], 'good example is clean');
  });
}

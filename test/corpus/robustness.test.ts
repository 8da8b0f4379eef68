// Bad input never crashes the engine: every corpus file cut at arbitrary points (mid-string,
// mid-dollar-quote, mid-comment), plus hand-made pathological inputs, lints without throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText } from '../../shared/src/engine';
import { selectFiles } from '../../server/src/cli/files';
import { rng } from '../helpers/random';

const root = join(__dirname, '..', '..', '..');
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');

test('pathological inputs', async () => {
  const inputs = [
    '', ';;;', '\\', '$$', "'", '"', '/*', '/* /* */', 'E\'\\', '-- +goose Up', '-- +goose Down\n', '-- migrate:up\n-- migrate:down',
    'DO $$', 'DO $$ BEGIN EXECUTE \'', 'CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1;', ':', '::', ':"x"', "SELECT :'", '\u0000',
    '\uFEFFSELECT 1;', 'SELECT 1;\r\nSELECT 2;\r\n', 'ALTER TABLE "😀" ADD COLUMN "é" int NOT NULL;', '(((((((((', 'SELECT ' + '('.repeat(5000) + ')'.repeat(5000),
    '-- pgsafe-ignore', '-- pgsafe-ignore-file ,,,', 'BEGIN; BEGIN; COMMIT; COMMIT; ROLLBACK;',
  ];
  for (const text of inputs) {
    const r = await lintText(text, { path: 'x.sql' });
    assert.ok(Array.isArray(r.findings), JSON.stringify(text));
  }
});

test('every corpus file, truncated at random points, lints without throwing', { skip: existsSync(corpus) ? false : `corpus not found at ${corpus}` }, async () => {
  const random = rng(20261125);
  const { files } = selectFiles([corpus], process.cwd());
  let runs = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (let k = 0; k < 2; k++) {
      const cut = Math.floor(random() * text.length);
      const piece = text.slice(0, cut);
      try {
        await lintText(piece, { path: f });
      } catch (e) {
        assert.fail(`${f} cut at ${cut}: ${(e as Error).stack}`);
      }
      runs++;
    }
  }
  assert.equal(runs, files.length * 2);
});

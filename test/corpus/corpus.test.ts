// The real-world corpus (../shared/corpus: 1,464 migrations from 18 projects, unmodified): every
// file is processed without a crash, and the known broken files are reported where they break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lintText } from '../../shared/src/engine';
import { positionFindings, type PositionedFinding } from '../../shared/src/format/report';
import { selectFiles } from '../../server/src/cli/files';

const root = join(__dirname, '..', '..', '..');
const corpus = process.env.PGSAFE_CORPUS ?? join(root, '..', 'shared', 'corpus');

test('corpus: all 1,464 files are processed without a crash; known errors are found at the right lines', { skip: existsSync(corpus) ? false : `corpus not found at ${corpus} (set PGSAFE_CORPUS)` }, async () => {
  const { files, errors } = selectFiles([corpus], process.cwd());
  assert.deepEqual(errors, []);
  assert.equal(files.length, 1464);
  const byFile = new Map<string, PositionedFinding[]>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const r = await lintText(text, { path: f });
    byFile.set(relative(corpus, f), positionFindings(f, text, r.findings).findings);
  }
  const syntax = [...byFile].flatMap(([file, fs]) => fs.filter((x) => x.rule === 'syntax-error').map((x) => `${file}:${x.line}`));
  assert.deepEqual(syntax.sort(), [
    'StevenWeathers__thunderdome-planning-poker/internal/db/migrations/20250814000737_create_project_item_table.sql:171',
    'ente-io__ente/server/migrations/3_add_encypted_collection_name.down.sql:3',
    'ente-io__ente/server/migrations/44_trash_add_index.down.sql:1',
  ]);
  const hatchet = byFile.get('hatchet-dev__hatchet/cmd/hatchet-migrate/migrate/migrations/20250519145912_v1_0_21.sql')!;
  assert.deepEqual(hatchet.filter((x) => x.rule === 'missing-semicolon').map((x) => x.line), [9, 17]); // up and down blocks

  const graphile = [...byFile].filter(([file]) => file.startsWith('graphile__worker/'));
  assert.equal(graphile.length, 19);
  const withPlaceholder = graphile.filter(([, fs]) => fs.some((x) => x.rule === 'psql-variable'));
  assert.equal(withPlaceholder.length, 18);
  for (const [file, fs] of withPlaceholder) {
    const p = fs.find((x) => x.rule === 'psql-variable')!;
    assert.match(p.message, /psql variable `:GRAPHILE_WORKER_SCHEMA` \(\d+ uses? in this file\)/, file);
  }
  // Placeholder files are still checked statement by statement (some hazard fires in them).
  assert.ok(graphile.some(([, fs]) => fs.some((x) => !['psql-variable', 'syntax-error'].includes(x.rule))));
});

// The TextMate injection grammar: its patterns (plain regexes, valid in Oniguruma and JavaScript)
// match the markers and suppression comments the engine understands, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const grammar = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'syntaxes', 'pgsafe-markers.injection.tmLanguage.json'), 'utf8'));

function patterns(): { name: string; re: RegExp }[] {
  const out: { name: string; re: RegExp }[] = [];
  const add = (p: any, name: string) => {
    if (p.match) out.push({ name, re: new RegExp(p.match.replace(/\(\?i:([^)]*)\)/g, (_: string, body: string) => `(?:${body.replace(/(?<!\\)[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`)})`)) });
    for (const q of p.patterns ?? []) add(q, name);
  };
  for (const [name, p] of Object.entries<any>(grammar.repository)) add(p, name);
  return out;
}

test('grammar highlights markers and pgsafe-ignore comments', () => {
  const ps = patterns();
  const which = (line: string) => ps.filter((p) => p.re.test(line)).map((p) => p.name);
  assert.equal(grammar.injectionSelector, 'L:source.sql');
  for (const line of ['-- +goose Up', '-- +goose NO TRANSACTION', '-- +goose StatementEnd', '-- +migrate Up notransaction', '-- migrate:up transaction:false', '-- migrate:down', '---- create above / drop below ----']) {
    assert.deepEqual(which(line), ['migration-marker'], line);
  }
  assert.deepEqual(which('-- pgsafe-ignore drop-table, drop-column -- legacy'), ['pgsafe-ignore']);
  assert.deepEqual(which('-- pgsafe-ignore-file'), ['pgsafe-ignore']);
  for (const line of ['-- just a comment about goose', 'SELECT 1; -- migrate later', '-- pgsafe-ignored']) assert.deepEqual(which(line), [], line);
});

// The stdio encoder assembles diagnostics lists from each diagnostic's kept bytes (server/src/lsp/
// encode.ts). Its output must be byte for byte what JSON.stringify gives, for push and pull
// messages, on the first encode and after the bytes are kept, with non-ASCII text and fields left
// undefined; other messages pass through unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage } from '../../server/src/lsp/encode';
import { rng } from '../helpers/random';

function diagnostics(n: number, r: () => number): object[] {
  const texts = ['plain ascii', 'locks “orders” — all reads wait…', 'emoji 🐘 and \u2028 separators', 'quote " backslash \\ tab \t newline \n', 'ünïcödé'];
  return Array.from({ length: n }, (_, i) => ({
    range: { start: { line: i, character: Math.floor(r() * 80) }, end: { line: i, character: 90 } },
    severity: 1 + Math.floor(r() * 2),
    code: `rule-${i % 7}`,
    codeDescription: { href: `https://example.invalid/rules/rule-${i % 7}.md` },
    source: 'pgsafe',
    message: texts[Math.floor(r() * texts.length)],
    relatedInformation: r() < 0.3 ? [{ location: { uri: 'file:///m/0001.sql', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } } }, message: 'BEGIN here' }] : undefined,
  }));
}

test('encodeMessage gives JSON.stringify\'s bytes for diagnostics lists (push and pull), first time and from kept bytes', () => {
  const r = rng(7);
  const list = diagnostics(500, r);
  const publish = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///tmp/%C3%BC%20x.sql', version: 3, diagnostics: list } };
  const pull = { jsonrpc: '2.0', id: 12, result: { kind: 'full', resultId: '3:1', items: list } };
  for (let round = 0; round < 2; round++) {
    assert.equal(encodeMessage(publish as any).toString('utf8'), JSON.stringify(publish));
    assert.equal(encodeMessage(pull as any).toString('utf8'), JSON.stringify(pull));
    assert.deepEqual(encodeMessage(publish as any), Buffer.from(JSON.stringify(publish), 'utf8'));
  }
  // The next version reuses most objects and adds new ones.
  const next = [...list.slice(0, 300), ...diagnostics(250, r)];
  const publish2 = { ...publish, params: { ...publish.params, version: 4, diagnostics: next } };
  assert.equal(encodeMessage(publish2 as any).toString('utf8'), JSON.stringify(publish2));
});

test('encodeMessage leaves other messages (short lists, requests, unchanged reports) to JSON.stringify', () => {
  const r = rng(9);
  const messages = [
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a.sql', diagnostics: diagnostics(3, r) } },
    { jsonrpc: '2.0', id: 1, result: { kind: 'unchanged', resultId: '1:0' } },
    { jsonrpc: '2.0', id: 2, result: { capabilities: { positionEncoding: 'utf-16' } } },
    { jsonrpc: '2.0', id: 3, method: 'workspace/configuration', params: { items: [{ section: 'pgsafe' }] } },
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///\u0000pgsafe:diagnostics\u0000.sql', diagnostics: diagnostics(40, r) } },
  ];
  for (const m of messages) assert.equal(encodeMessage(m as any).toString('utf8'), JSON.stringify(m));
});

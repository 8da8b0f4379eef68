// The JSON-RPC message encoder of the stdio transport. Diagnostics are the bulk of what the server
// sends: a 5,000-statement file carries thousands, and every keystroke re-sends all of them
// (push and pull alike), most of them the very same objects as last time (server.ts keeps one
// Diagnostic per reused finding). Serializing and UTF-8 encoding 3 MB per keystroke cost more
// than the lint of the edit itself, so each diagnostic's bytes are kept with it and a message is
// assembled from them. The bytes are exactly JSON.stringify's (a test compares them).
import type { Message } from 'vscode-languageserver/node';

/** What vscode-jsonrpc's StreamMessageWriter accepts as `contentTypeEncoder`. */
export interface ContentTypeEncoder {
  readonly name: string;
  encode(msg: Message, options: { charset: BufferEncoding | string }): Promise<Uint8Array>;
}

/** Below this many diagnostics, plain JSON.stringify is as fast. */
const MIN_LIST = 32;
const SENTINEL = '\u0000pgsafe:diagnostics\u0000';
const SENTINEL_JSON = JSON.stringify(SENTINEL);
const COMMA = Buffer.from(',');
const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');

/** Diagnostic objects are never changed after they are made (server.ts), so their bytes can be kept. */
const bytesOf = new WeakMap<object, Buffer>();

/** The message with its diagnostics list replaced by the sentinel, and that list; undefined for other messages. */
function withoutDiagnostics(msg: any): { shell: unknown; list: unknown[] } | undefined {
  if (msg?.method === 'textDocument/publishDiagnostics' && Array.isArray(msg.params?.diagnostics) && msg.params.diagnostics.length >= MIN_LIST) {
    return { shell: { ...msg, params: { ...msg.params, diagnostics: SENTINEL } }, list: msg.params.diagnostics };
  }
  // A pull diagnostics response (textDocument/diagnostic): { kind: 'full', items }.
  const r = msg?.result;
  if (msg?.id !== undefined && r?.kind === 'full' && Array.isArray(r.items) && r.items.length >= MIN_LIST && r.relatedDocuments === undefined) {
    return { shell: { ...msg, result: { ...r, items: SENTINEL } }, list: r.items };
  }
  return undefined;
}

/** The message as UTF-8 JSON; a diagnostics list is assembled from each diagnostic's kept bytes. */
export function encodeMessage(msg: Message): Buffer {
  const split = withoutDiagnostics(msg);
  if (!split) return Buffer.from(JSON.stringify(msg), 'utf8');
  const text = JSON.stringify(split.shell);
  const at = text.indexOf(SENTINEL_JSON);
  // The sentinel holds NUL characters, which no URI or resultId has; if one did, encode plainly.
  if (at === -1 || text.lastIndexOf(SENTINEL_JSON) !== at) return Buffer.from(JSON.stringify(msg), 'utf8');
  const parts: Buffer[] = [Buffer.from(text.slice(0, at), 'utf8'), OPEN];
  split.list.forEach((d, i) => {
    if (i > 0) parts.push(COMMA);
    if (d === null || typeof d !== 'object') {
      parts.push(Buffer.from(JSON.stringify(d) ?? 'null', 'utf8'));
      return;
    }
    let b = bytesOf.get(d);
    if (!b) bytesOf.set(d, (b = Buffer.from(JSON.stringify(d), 'utf8')));
    parts.push(b);
  });
  parts.push(CLOSE, Buffer.from(text.slice(at + SENTINEL_JSON.length), 'utf8'));
  return Buffer.concat(parts);
}

export const cachingJsonEncoder: ContentTypeEncoder = {
  name: 'application/json',
  encode(msg, options) {
    try {
      // The charset is UTF-8 unless a client asks otherwise; then encode plainly in it.
      if (options.charset !== 'utf-8' && options.charset !== 'utf8') return Promise.resolve(Buffer.from(JSON.stringify(msg), options.charset as BufferEncoding));
      return Promise.resolve(encodeMessage(msg));
    } catch (e) {
      return Promise.reject(e);
    }
  },
};

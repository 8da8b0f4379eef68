// How the ledger follows RenameStmt: index, constraint, identity and trigger texts move to the new
// names (their text rewritten where it names the renamed object), comments and owned sequences
// follow, and the views and triggers whose text still names the old table or column are marked stale.
import { rangeVarName, type QName } from '../ast/names';
import type { Catalog } from '../context/catalog';
import type { Ledger } from './ledger';
import { identOf, mentions, qname, retarget, tokens } from './text';

export const key = (q: QName | undefined) => (q ? q.name : '');
export const tkey = (t: QName | undefined, name: string) => `${key(t)}\u0000${name}`;

export const RELATION_KEYWORD: Record<string, string> = {
  OBJECT_TABLE: 'TABLE', OBJECT_VIEW: 'VIEW', OBJECT_MATVIEW: 'MATERIALIZED VIEW', OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
};

/** Record an ALTER … RENAME (the catalog is the schema before it). */
export function recordRename(ledger: Ledger, n: any, catalog: Catalog): void {
  followRename(ledger, n, catalog);
  if (n.renameType === 'OBJECT_INDEX') {
    const old = rangeVarName(n.relation);
    const def = old && ledger.indexes.get(old.name);
    if (old && def) {
      ledger.indexes.delete(old.name);
      ledger.indexes.set(n.newname, def);
    }
  } else if (n.renameType === 'OBJECT_TABCONSTRAINT') {
    const t = rangeVarName(n.relation);
    const def = ledger.constraints.get(tkey(t, n.subname));
    if (def) ledger.constraints.set(tkey(t, n.newname), def);
    const idx = ledger.indexes.get(n.subname);
    if (idx) ledger.indexes.set(n.newname, idx);
  } else if (n.renameType === 'OBJECT_TABLE') {
    const t = rangeVarName(n.relation);
    ledger.tableText.delete(key(t));
    for (const [k, v] of [...ledger.constraints]) if (k.startsWith(`${key(t)}\u0000`)) ledger.constraints.set(`${n.newname}${k.slice(key(t).length)}`, v);
    for (const [k, v] of [...ledger.identity]) if (k.startsWith(`${key(t)}\u0000`)) ledger.identity.set(`${n.newname}${k.slice(key(t).length)}`, v);
    for (const def of ledger.indexes.values()) if (t && def.table.name === t.name) def.table = { schema: def.table.schema, name: n.newname };
  } else if (n.relation) ledger.tableText.delete(key(rangeVarName(n.relation)));
}

/** Comments, owned sequences, stale texts follow their relation and column through renames. */
function followRename(ledger: Ledger, n: any, catalog: Catalog): void {
  const rel = rangeVarName(n.relation);
  if (!rel) return;
  if (n.renameType === 'OBJECT_COLUMN' && n.subname) {
    renameColumnInDefinitions(ledger, rel, n.subname, n.newname);
    for (const d of catalog.dependentsOf(rel, n.subname)) {
      if (d.kind === 'view' || d.kind === 'materialized view') ledger.stale.set(`${d.kind === 'view' ? 'view' : 'matview'}:${d.name}`, `it was created before column ${n.subname} of ${qname(rel)} was renamed to ${n.newname}, so its CREATE text names the old column`);
    }
  }
  if (n.renameType === 'OBJECT_TRIGGER') renameTrigger(ledger, rel, n.subname, n.newname);
  if (RELATION_KEYWORD[n.renameType]) relationRenamed(ledger, rel, n.newname, n.renameType === 'OBJECT_TABLE');
  const owned = ledger.ownedSequences.get(key(rel));
  if (owned && n.renameType === 'OBJECT_TABLE') {
    ledger.ownedSequences.delete(key(rel));
    ledger.ownedSequences.set(n.newname, owned);
  } else if (owned && n.renameType === 'OBJECT_COLUMN') {
    for (const o of owned.values()) if (o.column === n.subname) o.column = n.newname;
  }
  const m = ledger.relationComments.get(key(rel));
  if (!m) return;
  if (n.renameType === 'OBJECT_COLUMN' && n.subname) {
    const c = m.get(n.subname);
    m.delete(n.subname);
    if (c) m.set(n.newname, c);
  } else if (RELATION_KEYWORD[n.renameType]) {
    ledger.relationComments.delete(key(rel));
    ledger.relationComments.set(n.newname, m);
  }
}

/** ALTER TRIGGER … RENAME: the text moves to the new name and says it. */
function renameTrigger(ledger: Ledger, table: QName, from: string, to: string): void {
  const k = `trigger:${tkey(table, from)}`;
  const text = ledger.objects.get(k);
  if (text === undefined) return;
  ledger.objects.delete(k);
  const r = retarget(text, { keyword: 'trigger', name: to });
  if (r) ledger.objects.set(`trigger:${tkey(table, to)}`, r.text);
  moveStale(ledger, k, `trigger:${tkey(table, to)}`);
}

/**
 * A renamed table, view or materialized view. The triggers of a renamed table move with it (their
 * ON clause rewritten). Every other view or trigger whose text names the old name is stale: the
 * database follows the rename, the text does not, so re-creating from it would fail or, if a new
 * relation took the old name, read the wrong one.
 */
function relationRenamed(ledger: Ledger, rel: QName, to: string, isTable: boolean): void {
  const from = rel.name;
  const moved = new Set<string>();
  if (isTable) {
    for (const [k, text] of [...ledger.objects]) {
      if (!k.startsWith(`trigger:${from}\u0000`)) continue;
      const nk = `trigger:${to}${k.slice(`trigger:${from}`.length)}`;
      ledger.objects.delete(k);
      moveStale(ledger, k, nk);
      const r = retarget(text, { table: to, from });
      ledger.objects.set(nk, r?.text ?? text);
      if (!r || r.stale) ledger.stale.set(nk, `it was created before table ${qname(rel)} was renamed to ${to}, and its text names the old table`);
      moved.add(nk);
    }
  }
  for (const [k, text] of ledger.objects) {
    if (moved.has(k) || !/^(view|matview|trigger):/.test(k) || ledger.stale.has(k) || !mentions(text, from)) continue;
    ledger.stale.set(k, `it was created before ${isTable ? 'table' : 'view'} ${qname(rel)} was renamed to ${to}, so its CREATE text names the old name`);
  }
}

function moveStale(ledger: Ledger, from: string, to: string): void {
  const why = ledger.stale.get(from);
  ledger.stale.delete(from);
  if (why !== undefined) ledger.stale.set(to, why);
}

/**
 * A renamed column: the index and constraint texts of its table that name it are rewritten, so
 * a re-created index says the column's current name (PostgreSQL follows renames by number).
 */
function renameColumnInDefinitions(ledger: Ledger, table: QName, from: string, to: string): void {
  const rename = (text: string) => {
    let out = '';
    let pos = 0;
    for (const t of tokens(text)) {
      if (identOf(t) !== from) continue;
      out += text.slice(pos, t.start) + qname({ name: to });
      pos = t.end;
    }
    return out + text.slice(pos);
  };
  for (const def of ledger.indexes.values()) if (def.table.name === table.name) def.tail = rename(def.tail);
  for (const [k, v] of ledger.constraints) if (k.startsWith(`${key(table)}\u0000`)) ledger.constraints.set(k, rename(v));
}


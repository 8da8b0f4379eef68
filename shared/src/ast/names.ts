// Qualified names from parse-tree nodes. The parser already folds unquoted identifiers to lower
// case, so names compare exactly; an unqualified name matches any schema (search_path unknown).

export interface QName {
  schema?: string;
  name: string;
}

export function rangeVarName(rv: any): QName | undefined {
  if (!rv || typeof rv.relname !== 'string') return undefined;
  return rv.schemaname ? { schema: rv.schemaname, name: rv.relname } : { name: rv.relname };
}

/** `[{String:{sval:'a'}},{String:{sval:'b'}}]` → a.b */
export function listName(list: any[] | undefined): QName | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const parts = list.map((n) => n?.String?.sval).filter((s): s is string => typeof s === 'string');
  if (parts.length === 0) return undefined;
  const name = parts[parts.length - 1];
  return parts.length > 1 ? { schema: parts[parts.length - 2], name } : { name };
}

export function stringList(list: any[] | undefined): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((n) => n?.String?.sval).filter((s): s is string => typeof s === 'string');
}

const PLAIN = /^[a-z_][a-z0-9_$]*$/;

export function quoteIdent(id: string): string {
  return PLAIN.test(id) ? id : `"${id.replace(/"/g, '""')}"`;
}

/** Display form for messages: schema.name, quoted where SQL would need quotes. */
export function displayName(q: QName | undefined): string {
  if (!q) return '(unknown)';
  return q.schema ? `${quoteIdent(q.schema)}.${quoteIdent(q.name)}` : quoteIdent(q.name);
}

export function sameName(a: QName, b: QName): boolean {
  if (a.name !== b.name) return false;
  return !a.schema || !b.schema || a.schema === b.schema;
}

/** Every relation name (RangeVar `relname`, and with `indexes` also `idxname`) anywhere in a parse tree. */
export function namesInTree(node: unknown, out: Set<string>, indexes = false): Set<string> {
  if (Array.isArray(node)) for (const x of node) namesInTree(x, out, indexes);
  else if (node && typeof node === 'object') {
    for (const k in node) {
      const v = (node as Record<string, unknown>)[k];
      if ((k === 'relname' || (indexes && k === 'idxname')) && typeof v === 'string') out.add(v);
      else if (v && typeof v === 'object') namesInTree(v, out, indexes);
    }
  }
  return out;
}

// Column types from TypeName nodes, and which type changes PostgreSQL performs without a rewrite.

export interface TypeRef {
  /** Canonical internal name: int4, int8, varchar, numeric, text, timestamptz, serial, json, … */
  name: string;
  schema?: string;
  /** Numeric type modifiers (varchar(100) → [100], numeric(12,2) → [12,2]); [] when none. */
  mods: number[];
  array: boolean;
}

const ALIASES = new Map<string, string>(Object.entries({
  integer: 'int4', int: 'int4', smallint: 'int2', bigint: 'int8', real: 'float4',
  'double precision': 'float8', float: 'float8', boolean: 'bool', decimal: 'numeric',
  'character varying': 'varchar', character: 'bpchar', char: 'bpchar',
  serial4: 'serial', serial8: 'bigserial', serial2: 'smallserial',
  'timestamp without time zone': 'timestamp', 'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time', 'time with time zone': 'timetz',
}));

export function typeRef(typeName: any): TypeRef | undefined {
  if (!typeName || !Array.isArray(typeName.names)) return undefined;
  const names = typeName.names;
  const last = names[names.length - 1]?.String?.sval;
  if (typeof last !== 'string') return undefined;
  const name = ALIASES.get(last) ?? last;
  const schema: string | undefined = names.length > 1 ? names[names.length - 2]?.String?.sval : undefined;
  const mods: number[] = [];
  for (const m of typeName.typmods ?? []) {
    const c = m?.A_Const;
    if (c?.ival !== undefined) mods.push(typeof c.ival === 'object' ? c.ival.ival ?? 0 : c.ival);
  }
  const array = Array.isArray(typeName.arrayBounds) && typeName.arrayBounds.length > 0;
  return { name, schema: schema === 'pg_catalog' ? undefined : schema, mods, array };
}

export function typeToString(t: TypeRef | undefined): string {
  if (!t) return '(unknown type)';
  const display: Record<string, string> = { int4: 'integer', int8: 'bigint', int2: 'smallint', bpchar: 'char', bool: 'boolean', float8: 'double precision', float4: 'real' };
  let s = display[t.name] ?? t.name;
  if (t.schema) s = `${t.schema}.${s}`;
  if (t.mods.length) s += `(${t.mods.join(',')})`;
  if (t.array) s += '[]';
  return s;
}

export function sameType(a: TypeRef, b: TypeRef): boolean {
  return a.name === b.name && a.array === b.array && a.mods.join(',') === b.mods.join(',') && (a.schema ?? '') === (b.schema ?? '');
}

const PRECISION_TYPES = new Set(['timestamp', 'timestamptz', 'time', 'timetz', 'interval']);

/**
 * True when `ALTER COLUMN … TYPE to` from `from` (without USING) needs no table rewrite:
 * binary-coercible changes and the length/precision increases PostgreSQL special-cases.
 * `timestamp → timestamptz` is left out: it is rewrite-free only when the session TimeZone is UTC.
 */
export function isRewriteFreeTypeChange(from: TypeRef, to: TypeRef): boolean {
  if (from.array !== to.array) return false;
  if (sameType(from, to)) return true;
  if (from.array) return false;
  const f = from.name;
  const t = to.name;
  if (f === 'varchar' && t === 'varchar') return to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]);
  if (f === 'varchar' && t === 'text') return true;
  if (f === 'text' && t === 'varchar') return to.mods.length === 0;
  if (f === 'bpchar' && (t === 'text' || (t === 'varchar' && to.mods.length === 0))) return false; // strips padding: rewrite
  if (f === 'varbit' && t === 'varbit') return to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]);
  if (f === 'numeric' && t === 'numeric') {
    if (to.mods.length === 0) return true;
    if (from.mods.length === 0) return false;
    const [fp, fs = 0] = from.mods;
    const [tp, ts = 0] = to.mods;
    return ts === fs && tp >= fp;
  }
  if (PRECISION_TYPES.has(f) && f === t) {
    if (to.mods.length === 0) return true;
    if (from.mods.length === 0) return false;
    return to.mods[to.mods.length - 1] >= from.mods[from.mods.length - 1];
  }
  if (f === 'cidr' && t === 'inet') return true;
  return false;
}

/** Target types for which some source type would make the change rewrite-free. */
export function couldBeRewriteFree(to: TypeRef): boolean {
  if (to.array) return false;
  return ['varchar', 'text', 'numeric', 'varbit', 'inet', ...PRECISION_TYPES].includes(to.name);
}

export const SERIAL_TYPES = new Set(['serial', 'bigserial', 'smallserial']);

/** A `GENERATED … VIRTUAL` column constraint (PostgreSQL 18; stored columns rewrite the table, virtual ones do not). */
export function isVirtualGenerated(c: any): boolean {
  return c?.contype === 'CONSTR_GENERATED' && (c.generated_kind === 'v' || c.generated_kind === 'ATTRIBUTE_GENERATED_VIRTUAL');
}

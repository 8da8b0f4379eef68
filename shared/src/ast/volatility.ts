// Volatility of DEFAULT expressions. PostgreSQL ≥ 11 adds a column with a non-volatile default
// without rewriting the table (the value is stored once in pg_attribute.attmissingval); a
// VOLATILE default is evaluated per row, so the table is rewritten under ACCESS EXCLUSIVE.

/** `NULL` or `NULL::type`: a DEFAULT that means no default. */
export function isNullConstant(expr: any): boolean {
  return !!expr?.A_Const?.isnull || (!!expr?.TypeCast && isNullConstant(expr.TypeCast.arg));
}

export type Volatility = 'immutable' | 'stable' | 'volatile';

/** Built-in (and common extension) functions marked VOLATILE in pg_proc. */
const VOLATILE = new Set([
  'random', 'random_normal', 'setseed', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'uuidv4', 'uuidv7',
  'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'gen_random_bytes', 'gen_salt',
  'nextval', 'currval', 'lastval', 'setval', 'txid_current', 'pg_current_xact_id', 'txid_current_if_assigned',
  'pg_current_xact_id_if_assigned', 'pg_sleep', 'dblink', 'pg_notify', 'set_config', 'pg_advisory_lock',
  'lo_import', 'lo_create', 'nanoid', 'ulid', 'gen_ulid', 'uuid_generate_v7',
]);

/** STABLE built-ins often used in defaults (no rewrite on PG ≥ 11). */
const STABLE = new Set([
  'now', 'transaction_timestamp', 'statement_timestamp', 'current_setting', 'to_char', 'to_timestamp', 'to_date',
  'age', 'timezone', 'current_database', 'current_schema', 'current_schemas', 'pg_backend_pid', 'localtimestamp',
  'inet_client_addr', 'version', 'date_trunc', 'date_part', 'extract',
]);

export interface VolatilityResult {
  volatility: Volatility;
  /** The function that made it volatile (or unknown), for the message. */
  culprit?: string;
  /** Functions whose volatility is not known (user-defined, not seen in this file). */
  unknown: string[];
}

/** `known` maps user functions created earlier (name → volatility). */
export function expressionVolatility(expr: any, known?: (name: string) => Volatility | undefined): VolatilityResult {
  const result: VolatilityResult = { volatility: 'immutable', unknown: [] };
  const rank = { immutable: 0, stable: 1, volatile: 2 } as const;
  const raise = (v: Volatility, culprit?: string) => {
    if (rank[v] > rank[result.volatility]) {
      result.volatility = v;
      if (culprit) result.culprit = culprit;
    }
  };
  const visit = (node: any): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (key === 'FuncCall') {
        const parts: string[] = (value.funcname ?? []).map((n: any) => n?.String?.sval).filter(Boolean);
        const name = parts[parts.length - 1] ?? '';
        const user = known?.(name);
        if (user) raise(user, name);
        else if (VOLATILE.has(name)) raise('volatile', name);
        else if (STABLE.has(name)) raise('stable', name);
        else if (parts[0] !== 'pg_catalog' && !isLikelyImmutableBuiltin(name)) result.unknown.push(name);
        visit(value.args);
      } else if (key === 'SQLValueFunction') {
        raise('stable');
      } else if (key === 'SubLink') {
        raise('volatile', 'a subquery');
      } else {
        visit(value);
      }
    }
  };
  visit(expr);
  return result;
}

const IMMUTABLE_COMMON = new Set([
  'lower', 'upper', 'concat', 'concat_ws', 'jsonb_build_object', 'jsonb_build_array', 'json_build_object',
  'json_build_array', 'to_jsonb', 'to_json', 'array_to_json', 'make_interval', 'make_date', 'make_time',
  'make_timestamp', 'make_timestamptz', 'length', 'btrim', 'trim', 'replace', 'substr', 'substring', 'md5',
  'encode', 'decode', 'sha256', 'sha512', 'char_length', 'abs', 'round', 'floor', 'ceil', 'nullif', 'int8',
  'int4', 'text', 'uuid_nil', 'array_fill', 'jsonb', 'json', 'left', 'right', 'repeat', 'lpad', 'rpad',
  'coalesce', 'greatest', 'least', 'tsvector', 'to_tsvector', 'interval', 'numeric', 'float8',
  'date', 'timestamp', 'timestamptz', 'bool', 'inet', 'cidr', 'point', 'daterange', 'tstzrange', 'int4range',
  'int8range', 'numrange', 'tsrange', 'array_length', 'cardinality', 'format', 'quote_ident', 'quote_literal',
]);

function isLikelyImmutableBuiltin(name: string): boolean {
  return IMMUTABLE_COMMON.has(name);
}

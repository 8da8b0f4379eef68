// Round-trip proof of a generated down on a real database (PGlite, or a PostgreSQL server through
// a `pg` client: both have the {exec, query} shape): snapshot the catalog, apply the up, apply the down, compare
// with the snapshot object by object, then apply the up again.
import { splitStatements } from '../parse/split';
import type { ProjectFs } from '../project/fs';
import { transactionPlan } from '../project/transactions';
import type { DetectedFramework } from '../project/types';
import { cannotRunInTransaction, fileMode, runStatements } from '../verify/run';

export interface SqlDb {
  exec(sql: string): Promise<unknown>;
  query<T = any>(sql: string): Promise<{ rows: T[] }>;
}

/** Fact key (`column public.users.email`) → its definition. */
export type SchemaSnapshot = Map<string, string>;

const USER = `n.nspname not in ('pg_catalog','information_schema','pg_toast') and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'`;

const QUERIES: [string, string][] = [
  ['schema', `select n.nspname as k, '' as v from pg_namespace n where ${USER}`],
  ['relation', `select n.nspname||'.'||c.relname as k, c.relkind::text||' '||c.relpersistence::text as v from pg_class c join pg_namespace n on n.oid=c.relnamespace where ${USER} and c.relkind in ('r','p','v','m','S','f','c')`],
  ['column', `select n.nspname||'.'||c.relname||'.'||a.attname as k, format_type(a.atttypid,a.atttypmod)||' notnull='||a.attnotnull::text||' default='||coalesce(pg_get_expr(d.adbin,d.adrelid),'')||' identity='||a.attidentity::text||' generated='||a.attgenerated::text as v
     from pg_attribute a join pg_class c on c.oid=a.attrelid join pg_namespace n on n.oid=c.relnamespace left join pg_attrdef d on d.adrelid=a.attrelid and d.adnum=a.attnum
     where ${USER} and c.relkind in ('r','p','v','m','f','c') and a.attnum>0 and not a.attisdropped`],
  ['index', `select n.nspname||'.'||i.relname as k, pg_get_indexdef(i.oid) as v from pg_index x join pg_class i on i.oid=x.indexrelid join pg_namespace n on n.oid=i.relnamespace where ${USER}`],
  ['constraint', `select n.nspname||'.'||c.relname||'.'||k.conname as k, pg_get_constraintdef(k.oid)||' validated='||k.convalidated::text as v from pg_constraint k join pg_class c on c.oid=k.conrelid join pg_namespace n on n.oid=c.relnamespace where ${USER}`],
  ['view', `select n.nspname||'.'||c.relname as k, pg_get_viewdef(c.oid) as v from pg_class c join pg_namespace n on n.oid=c.relnamespace where ${USER} and c.relkind in ('v','m')`],
  ['function', `select n.nspname||'.'||p.proname||'('||pg_get_function_identity_arguments(p.oid)||')' as k, md5(pg_get_functiondef(p.oid)) as v from pg_proc p join pg_namespace n on n.oid=p.pronamespace where ${USER} and p.prokind in ('f','p')`],
  ['trigger', `select n.nspname||'.'||c.relname||'.'||t.tgname as k, pg_get_triggerdef(t.oid) as v from pg_trigger t join pg_class c on c.oid=t.tgrelid join pg_namespace n on n.oid=c.relnamespace where ${USER} and not t.tgisinternal`],
  ['type', `select n.nspname||'.'||t.typname as k, t.typtype::text||coalesce(' '||(select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid=t.oid),'') as v from pg_type t join pg_namespace n on n.oid=t.typnamespace where ${USER} and t.typtype in ('e','d','r','c') and (t.typrelid=0 or (select relkind from pg_class where oid=t.typrelid)='c')`],
  ['extension', `select extname as k, '' as v from pg_extension`],
  ['policy', `select schemaname||'.'||tablename||'.'||policyname as k, permissive||' '||cmd||' '||roles::text||' '||coalesce(qual,'')||' / '||coalesce(with_check,'') as v from pg_policies`],
  ['comment', `select n.nspname||'.'||c.relname||'.'||d.objsubid as k, d.description as v from pg_description d join pg_class c on c.oid=d.objoid and d.classoid='pg_class'::regclass join pg_namespace n on n.oid=c.relnamespace where ${USER}`],
  // Privileges compared as sets, listed only where they differ from the owner's default (a NULL ACL;
  // grant then revoke leaves the default explicit), so a created or dropped relation is not reported twice.
  ['acl', `select k, v from (select n.nspname||'.'||c.relname as k, (select string_agg(a::text, ',' order by a::text) from unnest(coalesce(c.relacl, acldefault(case c.relkind when 'S' then 's' else 'r' end::"char", c.relowner))) a) as v,
     (select string_agg(a::text, ',' order by a::text) from unnest(acldefault(case c.relkind when 'S' then 's' else 'r' end::"char", c.relowner)) a) as d
     from pg_class c join pg_namespace n on n.oid=c.relnamespace where ${USER} and c.relkind in ('r','p','v','m','S','f')) x where v is distinct from d`],
  ['column acl', `select n.nspname||'.'||c.relname||'.'||a.attname as k, (select string_agg(x::text, ',' order by x::text) from unnest(a.attacl) x) as v from pg_attribute a join pg_class c on c.oid=a.attrelid join pg_namespace n on n.oid=c.relnamespace where ${USER} and coalesce(array_length(a.attacl, 1), 0) > 0 and a.attnum>0 and not a.attisdropped`],
  ['rls', `select n.nspname||'.'||c.relname as k, c.relrowsecurity::text||' '||c.relforcerowsecurity::text as v from pg_class c join pg_namespace n on n.oid=c.relnamespace where ${USER} and c.relkind in ('r','p') and (c.relrowsecurity or c.relforcerowsecurity)`],
];

export async function snapshotSchema(db: SqlDb): Promise<SchemaSnapshot> {
  const out: SchemaSnapshot = new Map();
  for (const [kind, sql] of QUERIES) {
    for (const r of (await db.query<{ k: string; v: string }>(sql)).rows) out.set(`${kind} ${r.k}`, r.v ?? '');
  }
  return out;
}

/** Differences, object by object: `+ x` only after, `- x` only before, `~ x: before → after`. */
export function compareSnapshots(before: SchemaSnapshot, after: SchemaSnapshot): string[] {
  const out: string[] = [];
  for (const [k, v] of before) {
    if (!after.has(k)) out.push(`- ${k} (missing after the down)`);
    else if (after.get(k) !== v) out.push(`~ ${k}: ${v} → ${after.get(k)}`);
  }
  for (const k of after.keys()) if (!before.has(k)) out.push(`+ ${k} (left behind by the down)`);
  return out.sort();
}

/**
 * Run a generated down (or any script of plain statements): in one transaction, unless a statement
 * cannot run in one (DROP INDEX CONCURRENTLY) or the script has its own BEGIN / COMMIT: then
 * statement by statement. The verify runner does the work (a failure rolls back and throws).
 */
export async function execScript(db: SqlDb, sql: string): Promise<void> {
  const stmts = splitStatements(sql, 'up').statements;
  const alone = stmts.some((s) => cannotRunInTransaction(s) || s.kind === 'TransactionStmt');
  await runStatements(db, stmts, { mode: { wrap: !alone, how: alone ? 'statement by statement' : 'one transaction' } });
}

/**
 * Apply a migration's up part the way its runner sends it (verify/run.ts fileMode: the runner's
 * transaction, one query, or statement by statement; the file's own BEGIN / COMMIT honoured).
 */
export async function applyMigration(db: SqlDb, path: string, text: string, framework: DetectedFramework, fs?: ProjectFs): Promise<void> {
  const up = splitStatements(text, 'up').statements.filter((s) => s.section.direction === 'up');
  if (!up.length) return;
  await runStatements(db, up, { mode: fileMode(transactionPlan(framework, path, text, fs), up, framework) });
}

export interface RoundTripResult {
  equal: boolean;
  /** compareSnapshots(before up, after down). */
  differences: string[];
  /** The phase that failed and the database's message. */
  failed?: { phase: 'up' | 'down' | 'up again'; message: string };
}

/** Snapshot, up, down, compare, up again. `up` applies the migration the way its runner would. */
export async function roundTrip(db: SqlDb, up: () => Promise<void>, downSql: string): Promise<RoundTripResult> {
  const before = await snapshotSchema(db);
  try {
    await up();
  } catch (e: any) {
    return { equal: false, differences: [], failed: { phase: 'up', message: String(e?.message ?? e).split('\n')[0] } };
  }
  try {
    await execScript(db, downSql);
  } catch (e: any) {
    return { equal: false, differences: [], failed: { phase: 'down', message: String(e?.message ?? e).split('\n')[0] } };
  }
  const differences = compareSnapshots(before, await snapshotSchema(db));
  try {
    await up();
  } catch (e: any) {
    return { equal: differences.length === 0, differences, failed: { phase: 'up again', message: String(e?.message ?? e).split('\n')[0] } };
  }
  return { equal: differences.length === 0, differences };
}

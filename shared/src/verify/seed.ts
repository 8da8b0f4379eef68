// `--seed-rows N`: synthetic rows in every existing table before the files under review, so that
// NOT NULL without a default, new UNIQUE constraints and CHECKs fail on existing rows as they
// would in production, and rewrites and scans touch real data. Values are derived from the row
// number (g): distinct per row, so primary keys and foreign keys to seeded tables line up.
// Best effort: a table that cannot be seeded (a CHECK, an FK to an unseeded table) is named.
import type { SqlDb } from './trace';

export interface SeedResult {
  rows: number;
  seeded: string[];
  failed: { table: string; message: string }[];
}

interface Col {
  table: string;
  name: string;
  type: string;
  category: string;
  typmod: number;
  notnull: boolean;
  hasDefault: boolean;
  enumLabel: string | null;
}

function valueFor(c: Col): string | undefined {
  const t = c.type;
  switch (c.category) {
    case 'N':
      return t === 'numeric' || t.startsWith('numeric') ? '(g % 1000)::numeric' : `(g)::${t}`;
    case 'S':
      return c.typmod > 4 ? `left('v' || g, ${c.typmod - 4})::${t}` : `('v' || g)::${t}`;
    case 'B':
      return '(g % 2 = 0)';
    case 'D':
      return `(timestamp '2020-01-01' + g * interval '1 minute')::${t}`;
    case 'E':
      return c.enumLabel === null ? undefined : `'${c.enumLabel.replace(/'/g, "''")}'::${t}`;
    case 'U':
      if (t === 'uuid') return "md5(g::text)::uuid";
      if (t === 'json' || t === 'jsonb') return `'{}'::${t}`;
      return undefined;
    case 'A':
      return `'{}'::${t}`;
    case 'I':
      return `('10.0.0.' || (g % 250))::${t}`;
    default:
      return undefined;
  }
}

export async function seedRows(db: SqlDb, n: number): Promise<SeedResult> {
  const tables = (await db.query<{ t: string }>(`select format('%I.%I', n.nspname, c.relname) as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r','p') and not c.relispartition and n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'
    order by 1`)).rows.map((r) => r.t);
  const cols = (await db.query<Col>(`select format('%I.%I', n.nspname, c.relname) as table, quote_ident(a.attname) as name, format_type(a.atttypid, a.atttypmod) as type,
      t.typcategory::text as category, a.atttypmod as typmod, a.attnotnull as notnull,
      (a.atthasdef or a.attidentity <> '' or a.attgenerated <> '') as "hasDefault",
      (select e.enumlabel from pg_enum e where e.enumtypid = a.atttypid order by e.enumsortorder limit 1) as "enumLabel"
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace join pg_type t on t.oid = a.atttypid
    where c.relkind in ('r','p') and a.attnum > 0 and not a.attisdropped and n.nspname not in ('pg_catalog','information_schema')
    order by a.attrelid, a.attnum`)).rows;
  const byTable = new Map<string, Col[]>();
  for (const c of cols) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  const result: SeedResult = { rows: n, seeded: [], failed: [] };
  // Tables referencing others go after them: retry the failures until no progress.
  let pending = tables;
  let errors = new Map<string, string>();
  for (let pass = 0; pass < 4 && pending.length; pass++) {
    const next: string[] = [];
    errors = new Map();
    for (const t of pending) {
      const cs = (byTable.get(t) ?? []).filter((c) => !c.hasDefault);
      const names: string[] = [];
      const values: string[] = [];
      let impossible: string | undefined;
      for (const c of cs) {
        const v = valueFor(c);
        if (v !== undefined) {
          names.push(c.name);
          values.push(v);
        } else if (c.notnull) impossible = `no synthetic value for ${c.name} (${c.type})`;
      }
      if (impossible) {
        errors.set(t, impossible);
        continue;
      }
      const sql = names.length
        ? `insert into ${t} (${names.join(', ')}) select ${values.join(', ')} from generate_series(1, ${n}) g`
        : `insert into ${t} select from generate_series(1, ${n}) g`;
      try {
        await db.exec('BEGIN');
        await db.exec(sql);
        await db.exec('COMMIT');
        result.seeded.push(t);
      } catch (e: any) {
        await db.exec('ROLLBACK').catch(() => undefined);
        errors.set(t, String(e?.message ?? e).split('\n')[0]);
        next.push(t);
      }
    }
    if (next.length === pending.length) break;
    pending = next;
  }
  for (const [table, message] of errors) result.failed.push({ table, message });
  return result;
}

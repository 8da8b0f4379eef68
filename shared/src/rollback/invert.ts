// The inverse of one up statement, judged against the schema as it was just before it.
import { listName, quoteIdent, rangeVarName, type QName } from '../ast/names';
import { typeToString } from '../ast/types';
import { constraintInfo } from '../context/apply';
import type { Catalog } from '../context/catalog';
import { defaultIndexName } from '../context/derive';
import type { Statement } from '../parse/statement';
import { functionKey, commentKey, type Ledger } from './ledger';
import { recreateColumn, recreateTable, recreateView, dependentViews, referencingForeignKeys, addConstraintSql, indexSql } from './recreate';
import { invertGrant, invertRowSecurity, restorePolicy } from './security';
import { itemEnd, literal, offsetIn, qname, tokens } from './text';
import type { DownStatus } from './types';

export interface Inverse {
  status: DownStatus;
  /** Down statements, in the order they run. */
  sql: string[];
  reason?: string;
  /** A statement of the down must run outside a transaction. */
  concurrent?: boolean;
}

const inv = (sql: string[], reason?: string): Inverse => ({ status: 'inverted', sql, reason });
const none = (status: DownStatus, reason: string): Inverse => ({ status, sql: [], reason });

const NO_OP = new Set(['VariableSetStmt', 'TransactionStmt', 'VariableShowStmt', 'LockStmt', 'ExplainStmt', 'CheckPointStmt', 'VacuumStmt', 'ClusterStmt', 'ReindexStmt', 'RefreshMatViewStmt', 'DiscardStmt', 'NotifyStmt', 'ListenStmt']);
const DATA = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'TruncateStmt', 'CopyStmt', 'MergeStmt']);

const REL_KEYWORD: Record<string, string> = {
  OBJECT_TABLE: 'TABLE', OBJECT_VIEW: 'VIEW', OBJECT_MATVIEW: 'MATERIALIZED VIEW', OBJECT_SEQUENCE: 'SEQUENCE',
  OBJECT_INDEX: 'INDEX', OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
};

function rel(q: QName | undefined): string {
  return q ? qname(q) : '?';
}

export function invertStatement(stmt: Statement, catalog: Catalog, ledger: Ledger): Inverse {
  const n = stmt.node;
  if (!n) return none('unsupported', `does not parse: ${stmt.error?.message ?? 'syntax error'}`);
  const kind = stmt.kind;
  if (NO_OP.has(kind)) return none('no-op', kind === 'TransactionStmt' ? 'transaction control' : 'no schema change to undo');
  if (DATA.has(kind)) return none('data', 'a data change: SQL cannot compute the rows it changed');
  switch (kind) {
    case 'CreateStmt': {
      const q = rangeVarName(n.relation);
      if (n.if_not_exists && catalog.relation(q)) return none('no-op', `${rel(q)} already existed (IF NOT EXISTS)`);
      return inv([`DROP TABLE IF EXISTS ${rel(q)};`]);
    }
    case 'CreateTableAsStmt': {
      const q = rangeVarName(n.into?.rel);
      if (n.if_not_exists && catalog.relation(q)) return none('no-op', `${rel(q)} already existed (IF NOT EXISTS)`);
      return inv([`DROP ${n.objtype === 'OBJECT_MATVIEW' ? 'MATERIALIZED VIEW' : 'TABLE'} IF EXISTS ${rel(q)};`]);
    }
    case 'IndexStmt': {
      const table = rangeVarName(n.relation);
      if (!table) return none('unsupported', 'index on an unknown table');
      const columns = (n.indexParams ?? []).map((p: any) => p.IndexElem?.name ?? '(expression)');
      const name = n.idxname ?? defaultIndexName(catalog, table, columns);
      if (n.if_not_exists && catalog.index({ schema: table.schema, name })) return none('no-op', `index ${name} already existed (IF NOT EXISTS)`);
      const q = { schema: table.schema, name };
      return { status: 'inverted', sql: [`DROP INDEX ${n.concurrent ? 'CONCURRENTLY ' : ''}IF EXISTS ${qname(q)};`], concurrent: !!n.concurrent };
    }
    case 'ViewStmt': {
      const q = rangeVarName(n.view);
      const prev = ledger.object('view', q);
      // CREATE OR REPLACE cannot drop columns of a view: drop it and create the previous one.
      const stale = q && ledger.staleness('view', q);
      if (n.replace && prev && catalog.relation(q) && stale) return none('unsupported', `the previous definition of ${rel(q)} cannot be restored: ${stale}`);
      if (n.replace && prev && catalog.relation(q)) return inv([`DROP VIEW IF EXISTS ${rel(q)};`, `${prev};`], 'restores the previous definition of the view');
      return inv([`DROP VIEW IF EXISTS ${rel(q)};`]);
    }
    case 'CreateSeqStmt': {
      const q = rangeVarName(n.sequence);
      if (n.if_not_exists && catalog.relation(q)) return none('no-op', `${rel(q)} already existed (IF NOT EXISTS)`);
      return inv([`DROP SEQUENCE IF EXISTS ${rel(q)};`]);
    }
    case 'CreateEnumStmt': case 'CreateRangeStmt':
      return inv([`DROP TYPE IF EXISTS ${rel(listName(n.typeName))};`]);
    case 'CompositeTypeStmt':
      return inv([`DROP TYPE IF EXISTS ${rel(rangeVarName(n.typevar))};`]);
    case 'CreateDomainStmt':
      return inv([`DROP DOMAIN IF EXISTS ${rel(listName(n.domainname))};`]);
    case 'CreateFunctionStmt': {
      const params = (n.parameters ?? []).map((p: any) => p.FunctionParameter).filter((p: any) => p && p.mode !== 'FUNC_PARAM_TABLE');
      const inputs = params.filter((p: any) => p.mode !== 'FUNC_PARAM_OUT').map((p: any) => p.argType);
      const prev = ledger.objects.get(functionKey(n.funcname, inputs));
      if (n.replace && prev) return inv([`${orReplace(prev)};`], 'restores the previous definition of the function');
      const sig = params.map((p: any) => paramText(stmt, p));
      if (sig.some((s: string | undefined) => s === undefined)) return none('unsupported', 'could not read the function signature');
      return inv([`DROP ${n.is_procedure ? 'PROCEDURE' : 'FUNCTION'} IF EXISTS ${rel(listName(n.funcname))}(${sig.join(', ')});`]);
    }
    case 'CreateTrigStmt': {
      const table = rangeVarName(n.relation);
      const prev = table && ledger.object('trigger', n.trigname, table);
      const stale = table && ledger.staleness('trigger', n.trigname, table);
      if (n.replace && prev && stale) return none('unsupported', `the previous definition of trigger ${n.trigname} cannot be restored: ${stale}`);
      if (n.replace && prev) return inv([`${orReplace(prev)};`], 'restores the previous definition of the trigger');
      return inv([`DROP TRIGGER IF EXISTS ${quoteIdent(n.trigname)} ON ${rel(table)};`]);
    }
    case 'CreatePolicyStmt':
      return inv([`DROP POLICY IF EXISTS ${quoteIdent(n.policy_name)} ON ${rel(rangeVarName(n.table))};`]);
    case 'AlterPolicyStmt': {
      const table = rangeVarName(n.table);
      return restorePolicy(ledger.security, n.policy_name, table && qname(table), table?.name);
    }
    case 'CreateExtensionStmt':
      if (n.if_not_exists && ledger.object('extension', n.extname)) return none('no-op', `extension ${n.extname} was created by an earlier migration`);
      return inv([`DROP EXTENSION IF EXISTS ${quoteIdent(n.extname)};`], n.if_not_exists ? 'assumes the extension was not installed before this migration' : undefined);
    case 'CreateSchemaStmt':
      if (n.if_not_exists && (catalog.schemas.has(n.schemaname) || ledger.object('schema', n.schemaname))) return none('no-op', `schema ${n.schemaname} already existed (IF NOT EXISTS)`);
      if (n.schemaElts?.length) return none('unsupported', 'CREATE SCHEMA with schema elements');
      return inv([`DROP SCHEMA IF EXISTS ${quoteIdent(n.schemaname)};`]);
    case 'CommentStmt':
      return invertComment(stmt, ledger);
    case 'GrantStmt':
      return invertGrant(stmt);
    case 'AlterTableStmt':
      return invertAlterTable(stmt, catalog, ledger);
    case 'RenameStmt':
      return invertRename(n);
    case 'AlterEnumStmt': {
      const t = rel(listName(n.typeName));
      if (n.oldVal) return inv([`ALTER TYPE ${t} RENAME VALUE ${literal(n.newVal)} TO ${literal(n.oldVal)};`]);
      return none('irreversible', `ALTER TYPE … ADD VALUE cannot be undone: PostgreSQL cannot remove a value from an enum. To go back, create the type again without ${literal(n.newVal)}, move the columns to it (after rewriting rows that use the value) and drop the old type`);
    }
    case 'DropStmt':
      return invertDrop(stmt, catalog, ledger);
    case 'SelectStmt':
      if (JSON.stringify(n).includes('"FuncCall"')) return none('unsupported', 'a SELECT that calls functions may change the database; pgsafe cannot tell what it did');
      return none('no-op', 'a query without functions changes nothing');
    case 'DoStmt':
      return none('unsupported', 'a DO block runs procedural code pgsafe cannot invert');
    default:
      return none('unsupported', `pgsafe has no inverse for ${kind.replace(/Stmt$/, '')} statements`);
  }
}

/** `CREATE x` → `CREATE OR REPLACE x` (the previous definition of a function or trigger, put back). */
function orReplace(text: string): string {
  const toks = tokens(text);
  if (toks[0]?.text.toLowerCase() !== 'create' || toks[1]?.text.toLowerCase() === 'or') return text;
  return `${text.slice(0, toks[0].end)} OR REPLACE${text.slice(toks[0].end)}`;
}

/** A function parameter as written, without its DEFAULT (DROP FUNCTION accepts modes and names). */
function paramText(stmt: Statement, p: any): string | undefined {
  if (p.location === undefined || p.location < 0) return undefined;
  const start = offsetIn(stmt, p.location);
  let text = stmt.text.slice(start, itemEnd(stmt.text, start));
  if (p.defexpr) {
    let depth = 0;
    for (const t of tokens(text)) {
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') depth--;
      else if (depth === 0 && (t.text.toLowerCase() === 'default' || t.text === '=')) {
        text = text.slice(0, t.start);
        break;
      }
    }
  }
  return text.trim();
}

function invertComment(stmt: Statement, ledger: Ledger): Inverse {
  const toks = tokens(stmt.text);
  let is = -1;
  let depth = 0;
  toks.forEach((t, i) => {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.text.toLowerCase() === 'is') is = i;
  });
  if (is === -1) return none('unsupported', 'could not find the object of the COMMENT');
  const head = stmt.text.slice(0, toks[is].start).trimEnd();
  const key = commentKey(stmt.node);
  const prev = ledger.comments.get(key);
  return inv([`${head} IS ${prev === undefined || prev === null ? 'NULL' : literal(prev)};`], prev === undefined ? 'no earlier migration commented on it: the comment is removed' : undefined);
}

function invertRename(n: any): Inverse {
  const type: string = n.renameType;
  const r = rangeVarName(n.relation);
  const back = (newQ: QName | undefined) => newQ && { schema: newQ.schema, name: n.newname };
  if (REL_KEYWORD[type] && r) return inv([`ALTER ${REL_KEYWORD[type]} ${qname(back(r)!)} RENAME TO ${quoteIdent(r.name)};`]);
  if (type === 'OBJECT_COLUMN' && r) return inv([`ALTER ${REL_KEYWORD[n.relationType] ?? 'TABLE'} ${qname(r)} RENAME COLUMN ${quoteIdent(n.newname)} TO ${quoteIdent(n.subname)};`]);
  if (type === 'OBJECT_TABCONSTRAINT' && r) return inv([`ALTER TABLE ${qname(r)} RENAME CONSTRAINT ${quoteIdent(n.newname)} TO ${quoteIdent(n.subname)};`]);
  if (type === 'OBJECT_TRIGGER' && r) return inv([`ALTER TRIGGER ${quoteIdent(n.newname)} ON ${qname(r)} RENAME TO ${quoteIdent(n.subname)};`]);
  if (type === 'OBJECT_POLICY' && r) return inv([`ALTER POLICY ${quoteIdent(n.newname)} ON ${qname(r)} RENAME TO ${quoteIdent(n.subname)};`]);
  if (type === 'OBJECT_TYPE' || type === 'OBJECT_DOMAIN') {
    const t = listName(n.object?.List?.items);
    if (t) return inv([`ALTER ${type === 'OBJECT_TYPE' ? 'TYPE' : 'DOMAIN'} ${qname(back(t)!)} RENAME TO ${quoteIdent(t.name)};`]);
  }
  if (type === 'OBJECT_SCHEMA' && n.subname) return inv([`ALTER SCHEMA ${quoteIdent(n.newname)} RENAME TO ${quoteIdent(n.subname)};`]);
  return none('unsupported', `pgsafe has no inverse for renaming a ${String(type).replace(/^OBJECT_/, '').toLowerCase()}`);
}

function invertAlterTable(stmt: Statement, catalog: Catalog, ledger: Ledger): Inverse {
  const n = stmt.node!;
  const q = rangeVarName(n.relation);
  if (!q) return none('unsupported', 'ALTER on an unknown relation');
  const kw = n.objtype === 'OBJECT_TABLE' || !n.objtype ? 'TABLE' : REL_KEYWORD[n.objtype] ?? 'TABLE';
  const t = `ALTER ${kw} ${n.missing_ok ? 'IF EXISTS ' : ''}${qname(q)}`;
  const r = catalog.relation(q);
  // Work on a copy so each subcommand sees the schema as the earlier ones left it.
  const parts: Inverse[] = [];
  for (const c of n.cmds ?? []) {
    const cmd = c.AlterTableCmd;
    if (!cmd) continue;
    parts.push(invertCmd(cmd, q, t, catalog, ledger, r));
  }
  const sql = parts.reverse().flatMap((p) => p.sql);
  const rank: DownStatus[] = ['unsupported', 'irreversible', 'data', 'recreated', 'inverted', 'no-op'];
  const status = rank.find((s) => parts.some((p) => p.status === s)) ?? 'no-op';
  const reasons = parts.map((p) => p.reason).filter(Boolean);
  return { status, sql, reason: reasons.length ? reasons.join('; ') : undefined };
}

function invertCmd(cmd: any, q: QName, t: string, catalog: Catalog, ledger: Ledger, r: ReturnType<Catalog['relation']>): Inverse {
  const col = cmd.name ? r?.columns.get(cmd.name) : undefined;
  const c = cmd.name ? quoteIdent(cmd.name) : '';
  const unknownCol = (what: string) => none('unsupported', `the ${what} of ${cmd.name} before this migration is not known (column not in the replayed schema)`);
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const name = cmd.def?.ColumnDef?.colname;
      if (cmd.missing_ok && r?.columns.has(name)) return none('no-op', `column ${name} already existed (IF NOT EXISTS)`);
      return inv([`${t} DROP COLUMN IF EXISTS ${quoteIdent(name)};`]);
    }
    case 'AT_DropColumn': {
      if (!col && cmd.missing_ok) return none('no-op', `column ${cmd.name} did not exist (IF EXISTS)`);
      const made = recreateColumn(catalog, ledger, q, cmd.name);
      if (!made.ok) return none('unsupported', `cannot re-create column ${cmd.name}: ${made.reason}`);
      return { status: 'recreated', sql: made.sql, reason: `DROP COLUMN ${cmd.name} destroyed its data` };
    }
    case 'AT_AddConstraint': {
      const k = cmd.def?.Constraint;
      const info = k && constraintInfo(k, q, 0, undefined, catalog);
      if (!info) return none('unsupported', 'unknown constraint');
      const sql = [`${t} DROP CONSTRAINT IF EXISTS ${quoteIdent(info.name)};`];
      if (k.indexname) {
        const idx = indexSql(catalog, ledger, { schema: q.schema, name: k.indexname });
        if (!idx) return none('unsupported', `the constraint takes over index ${k.indexname}, whose definition was not found`);
        sql.push(idx);
      }
      return inv(sql);
    }
    case 'AT_DropConstraint': {
      const k = r?.constraints.get(cmd.name);
      if (!k) return cmd.missing_ok ? none('no-op', `constraint ${cmd.name} did not exist (IF EXISTS)`) : none('unsupported', `constraint ${cmd.name} is not in the replayed schema`);
      const sql = addConstraintSql(qname(q), q, k, ledger);
      if (!sql) return none('unsupported', `the definition of constraint ${cmd.name} was not found in the earlier migrations`);
      return inv([sql], 're-adding the constraint checks the rows written since');
    }
    case 'AT_AlterColumnType': {
      if (!col?.type) return unknownCol('type');
      const old = typeToString(col.type);
      // No cast exists between two enum types (nor from an enum to most types): go through text.
      const newType = cmd.def?.ColumnDef?.typeName?.names ? listName(cmd.def.ColumnDef.typeName.names) : undefined;
      const isEnum = (q?: QName) => !!catalog.type(q)?.enumValues;
      const viaText = isEnum({ schema: col.type.schema, name: col.type.name }) || isEnum(newType);
      const sql = [`${t} ALTER COLUMN ${c} TYPE ${old} USING ${c}::${viaText ? 'text::' : ''}${old};`];
      return inv(sql, `values that do not fit ${old} make the down fail`);
    }
    case 'AT_SetNotNull':
      if (!col) return unknownCol('nullability');
      return col.notNull ? none('no-op', `${cmd.name} was already NOT NULL`) : inv([`${t} ALTER COLUMN ${c} DROP NOT NULL;`]);
    case 'AT_DropNotNull':
      if (!col) return unknownCol('nullability');
      return col.notNull ? inv([`${t} ALTER COLUMN ${c} SET NOT NULL;`], 'fails if NULLs were written since') : none('no-op', `${cmd.name} was already nullable`);
    case 'AT_ColumnDefault': {
      if (!col) return unknownCol('default');
      if (!col.hasDefault || col.defaultExpr === undefined) return inv([`${t} ALTER COLUMN ${c} DROP DEFAULT;`]);
      const e = ledger.expr(col.defaultExpr);
      if (e === undefined) return none('unsupported', `the previous default of ${cmd.name} was not found in the earlier migrations`);
      return inv([`${t} ALTER COLUMN ${c} SET DEFAULT ${e};`]);
    }
    case 'AT_ValidateConstraint':
      return none('no-op', 'validation leaves the schema as it was');
    case 'AT_SetLogged': case 'AT_SetUnLogged':
      return inv([`${t} SET ${r?.unlogged ? 'UNLOGGED' : 'LOGGED'};`]);
    case 'AT_EnableRowSecurity': case 'AT_DisableRowSecurity': case 'AT_ForceRowSecurity': case 'AT_NoForceRowSecurity':
      return invertRowSecurity(cmd.subtype, t, ledger.security.rls.get(q.name));
    case 'AT_EnableTrig': return inv([`${t} DISABLE TRIGGER ${c};`]);
    case 'AT_DisableTrig': return inv([`${t} ENABLE TRIGGER ${c};`]);
    case 'AT_AddIdentity':
      return inv([`${t} ALTER COLUMN ${c} DROP IDENTITY IF EXISTS;`]);
    case 'AT_DropIdentity':
      if (!col?.identity) return none('no-op', `${cmd.name} was not an identity column`);
      return { status: 'recreated', sql: [`${t} ALTER COLUMN ${c} ADD GENERATED ${ledger.identityOf(q, cmd.name) ?? 'BY DEFAULT'} AS IDENTITY;`], reason: 'the identity sequence starts again at 1: set it past the existing values (setval)' };
    case 'AT_SetRelOptions': {
      const list: any[] = Array.isArray(cmd.def) ? cmd.def : cmd.def?.List?.items ?? [];
      const names = list.map((d: any) => d.DefElem?.defname).filter(Boolean);
      return inv([`${t} RESET (${names.join(', ')});`], 'assumes the storage parameters were not set before');
    }
    case 'AT_AttachPartition': {
      const p = rangeVarName(cmd.def?.PartitionCmd?.name);
      return inv([`${t} DETACH PARTITION ${rel(p)};`]);
    }
    default:
      return none('unsupported', `pgsafe has no inverse for ALTER TABLE … ${String(cmd.subtype).replace(/^AT_/, '')}`);
  }
}

function invertDrop(stmt: Statement, catalog: Catalog, ledger: Ledger): Inverse {
  const n = stmt.node!;
  const type: string = n.removeType;
  const parts: Inverse[] = [];
  for (const o of n.objects ?? []) parts.push(invertDropOne(type, o, n, catalog, ledger));
  const sql = parts.reverse().flatMap((p) => p.sql);
  const rank: DownStatus[] = ['unsupported', 'irreversible', 'data', 'recreated', 'inverted', 'no-op'];
  const status = rank.find((s) => parts.some((p) => p.status === s)) ?? 'no-op';
  const reasons = parts.map((p) => p.reason).filter(Boolean);
  return { status, sql, reason: reasons.length ? reasons.join('; ') : undefined, concurrent: parts.some((p) => p.concurrent) };
}

function invertDropOne(type: string, o: any, n: any, catalog: Catalog, ledger: Ledger): Inverse {
  const missing = (what: string) => (n.missing_ok ? none('no-op', `${what} was not created by an earlier migration (IF EXISTS): assumed absent`) : none('unsupported', `${what} is not in the earlier migrations: pgsafe cannot re-create it`));
  const cascade = n.behavior === 'DROP_CASCADE' ? ' (CASCADE also dropped objects that depend on it: check them)' : '';
  if (type === 'OBJECT_SCHEMA') {
    const s = o.String?.sval;
    if (!s) return none('unsupported', 'unknown schema');
    const text = ledger.object('schema', s);
    if (!text && !catalog.schemas.has(s)) return missing(`schema ${s}`);
    return { status: cascade ? 'recreated' : 'inverted', sql: [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)};`], reason: cascade ? `DROP SCHEMA … CASCADE dropped its objects: they are not re-created` : undefined };
  }
  if (type === 'OBJECT_EXTENSION') {
    const e = o.String?.sval;
    return inv([ledger.object('extension', e) ? `${ledger.object('extension', e)};` : `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(e)};`], cascade || undefined);
  }
  if (type === 'OBJECT_FUNCTION' || type === 'OBJECT_PROCEDURE') {
    const w = o.ObjectWithArgs;
    const text = w && ledger.objects.get(functionKey(w.objname, w.objargs ?? []));
    if (!text) return missing(`function ${rel(listName(w?.objname))}`);
    return inv([`${text};`]);
  }
  const items = o.List?.items ?? o.TypeName?.names ?? (o.String ? [o] : undefined);
  const q = listName(items);
  if (!q) return none('unsupported', 'unknown object');
  switch (type) {
    case 'OBJECT_TABLE': {
      if (!catalog.relation(q)) return missing(`table ${rel(q)}`);
      const made = recreateTable(catalog, ledger, q);
      if (!made.ok) return none('unsupported', `cannot re-create ${rel(q)}: ${made.reason}`);
      const fks = n.behavior === 'DROP_CASCADE' ? referencingForeignKeys(catalog, ledger, q) : { ok: true as const, sql: [] };
      if (!fks.ok) return none('unsupported', fks.reason);
      const views = n.behavior === 'DROP_CASCADE' ? dependentViews(catalog, ledger, q) : { ok: true as const, sql: [] };
      if (!views.ok) return none('unsupported', views.reason);
      const notes = made.notes?.length ? `; ${made.notes.join('; ')}` : '';
      return { status: 'recreated', sql: [...made.sql, ...fks.sql, ...views.sql], reason: `DROP TABLE ${rel(q)} destroyed its rows${cascade}${notes}` };
    }
    case 'OBJECT_INDEX': {
      if (!catalog.index(q) && !ledger.indexes.has(q.name)) return missing(`index ${rel(q)}`);
      const sql = indexSql(catalog, ledger, q, !!n.concurrent);
      if (!sql) return none('unsupported', `the definition of index ${rel(q)} was not found in the earlier migrations`);
      return { status: 'inverted', sql: [sql], concurrent: !!n.concurrent, reason: 'rebuilds the index' };
    }
    case 'OBJECT_VIEW': case 'OBJECT_MATVIEW': {
      if (!ledger.object(type === 'OBJECT_VIEW' ? 'view' : 'matview', q)) return missing(`view ${rel(q)}`);
      const made = recreateView(catalog, ledger, q, type === 'OBJECT_MATVIEW');
      if (!made.ok) return none('unsupported', made.reason);
      const views = n.behavior === 'DROP_CASCADE' ? dependentViews(catalog, ledger, q) : { ok: true as const, sql: [] };
      if (!views.ok) return none('unsupported', views.reason);
      return inv([...made.sql, ...views.sql]);
    }
    case 'OBJECT_SEQUENCE': {
      const text = ledger.object('sequence', q);
      if (!text) return missing(`sequence ${rel(q)}`);
      return { status: 'recreated', sql: [`${text};`], reason: `the sequence starts again: set it past the values in use (setval)${cascade}` };
    }
    case 'OBJECT_TYPE': case 'OBJECT_DOMAIN': {
      const t = catalog.type(q);
      if (t?.enumValues) return inv([`CREATE TYPE ${rel(q)} AS ENUM (${t.enumValues.map(literal).join(', ')});`], cascade || undefined);
      const text = ledger.object('type', q);
      if (!text) return missing(`type ${rel(q)}`);
      return inv([`${text};`], cascade || undefined);
    }
    case 'OBJECT_TRIGGER': {
      const table = listName(items.slice(0, -1));
      const text = table && ledger.object('trigger', q.name, table);
      if (!text) return missing(`trigger ${q.name}`);
      const stale = ledger.staleness('trigger', q.name, table);
      if (stale) return none('unsupported', `trigger ${q.name} cannot be re-created from its text: ${stale}`);
      return inv([`${text};`]);
    }
    case 'OBJECT_POLICY': {
      const table = listName(items.slice(0, -1));
      if (!table || !ledger.security.policy(table.name, q.name)) return missing(`policy ${q.name}`);
      return restorePolicy(ledger.security, q.name, undefined, table.name);
    }
    default:
      return none('unsupported', `pgsafe cannot re-create a dropped ${type.replace(/^OBJECT_/, '').toLowerCase()}`);
  }
}


import { defineRule, docsUrl, type RuleReport } from './types';
import { listName, rangeVarName } from '../ast/names';
import { ByteMap } from '../parse/offsets';
import { scanSql } from '../parse/pgquery';
import type { Statement } from '../parse/statement';

/** NAMEDATALEN - 1: the longest identifier PostgreSQL keeps, in bytes. */
const MAX_BYTES = 63;

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** PostgreSQL's truncate_identifier: cut to 63 bytes without splitting a character. */
function truncate(s: string): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = bytes(ch);
    if (n + b > MAX_BYTES) break;
    out += ch;
    n += b;
  }
  return out;
}

/** Names this statement creates (as the parser already truncated them), with what they name. */
function createdNames(stmt: Statement): Map<string, string> {
  const n = stmt.node;
  const out = new Map<string, string>();
  if (!n) return out;
  const add = (name: unknown, what: string) => {
    if (typeof name === 'string' && bytes(name) >= MAX_BYTES - 3 && !out.has(name)) out.set(name, what);
  };
  const constraints = (list: any[] | undefined) => {
    for (const c of list ?? []) add(c.Constraint?.conname, 'constraint');
  };
  const column = (def: any) => {
    if (!def) return;
    add(def.colname, 'column');
    constraints(def.constraints);
  };
  switch (stmt.kind) {
    case 'CreateStmt':
      add(rangeVarName(n.relation)?.name, 'table');
      for (const e of n.tableElts ?? []) {
        column(e.ColumnDef);
        if (e.Constraint) add(e.Constraint.conname, 'constraint');
      }
      break;
    case 'IndexStmt':
      add(n.idxname, 'index');
      break;
    case 'AlterTableStmt':
      for (const c of n.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (cmd?.subtype === 'AT_AddColumn') column(cmd.def?.ColumnDef);
        else if (cmd?.subtype === 'AT_AddConstraint') add(cmd.def?.Constraint?.conname, 'constraint');
      }
      break;
    case 'RenameStmt':
      add(n.newname, ({ OBJECT_COLUMN: 'column', OBJECT_TABLE: 'table', OBJECT_INDEX: 'index', OBJECT_TABCONSTRAINT: 'constraint', OBJECT_SEQUENCE: 'sequence', OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'materialized view', OBJECT_TRIGGER: 'trigger', OBJECT_SCHEMA: 'schema', OBJECT_TYPE: 'type' } as Record<string, string>)[n.renameType] ?? 'new');
      break;
    case 'ViewStmt':
      add(rangeVarName(n.view)?.name, 'view');
      break;
    case 'CreateTableAsStmt':
      add(rangeVarName(n.into?.rel)?.name, n.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table');
      break;
    case 'CreateSeqStmt':
      add(rangeVarName(n.sequence)?.name, 'sequence');
      break;
    case 'CreateEnumStmt':
      add(listName(n.typeName)?.name, 'type');
      break;
    case 'CreateDomainStmt':
      add(listName(n.domainname)?.name, 'domain');
      break;
    case 'CreateTrigStmt':
      add(n.trigname, 'trigger');
      break;
    case 'CreateFunctionStmt':
      add(listName(n.funcname)?.name, 'function');
      break;
    case 'CreatePolicyStmt':
      add(n.policy_name, 'policy');
      break;
    case 'CreateSchemaStmt':
      add(n.schemaname, 'schema');
      break;
    default:
      break;
  }
  return out;
}

/** The identifier a scanner token stands for: quoted as written, unquoted folded to lower case. */
function identValue(text: string): string {
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) return text.slice(1, -1).replace(/""/g, '"');
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export default defineRule({
  meta: {
    id: 'identifier-too-long',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'A new table, column, index, constraint (or other object) name longer than 63 bytes, which PostgreSQL silently truncates.',
    docs: docsUrl('identifier-too-long'),
    fixable: false,
  },
  statementKinds: ['AlterTableStmt', 'CreateDomainStmt', 'CreateEnumStmt', 'CreateFunctionStmt', 'CreatePolicyStmt', 'CreateSchemaStmt', 'CreateSeqStmt', 'CreateStmt', 'CreateTableAsStmt', 'CreateTrigStmt', 'IndexStmt', 'RenameStmt', 'ViewStmt'],
  check(stmt) {
    const created = createdNames(stmt);
    // The parser has already truncated long names to 63 bytes (or a little less, at a multi-byte
    // character boundary): only then is it worth rescanning the text for the full spelling.
    if (![...created.keys()].some((k) => bytes(k) >= MAX_BYTES - 3)) return undefined;
    const tokens = scanSql(stmt.text);
    if (!tokens) return undefined;
    const map = new ByteMap(stmt.text);
    const out: RuleReport[] = [];
    const reported = new Set<string>();
    for (const t of tokens) {
      if (t.name !== 'IDENT') continue;
      const value = identValue(t.text);
      const size = bytes(value);
      if (size <= MAX_BYTES) continue;
      const kept = truncate(value);
      const what = created.get(kept);
      if (!what || reported.has(kept)) continue;
      reported.add(kept);
      out.push({
        start: stmt.start + map.toIndex(t.start),
        end: stmt.start + map.toIndex(t.end),
        message: `This ${what} name is ${size} bytes long; PostgreSQL keeps only the first ${MAX_BYTES} bytes of an identifier and says so only in a NOTICE, so the ${what} is created as "${kept}". A second name with the same first ${MAX_BYTES} bytes collides with it ("already exists"), and anything that looks the full name up as a string (catalog queries, to_regclass('…'), ORM or schema-diff tools) does not find it.`,
        help: `Shorten the name to at most ${MAX_BYTES} bytes (abbreviate, or drop redundant words such as the table name), and use the same short name wherever later migrations refer to it.`,
      });
    }
    return out;
  },
});

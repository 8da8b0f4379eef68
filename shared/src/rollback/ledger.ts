// What the rollback needs to re-create objects and that the schema catalog does not keep: the
// source text that defined each index, constraint, view, function, trigger, type, sequence and
// policy, the text of DEFAULT / CHECK / generation expressions, identity kinds and comments.
// Filled from the statements of the migrations replayed before the one being reverted.
import { listName, rangeVarName, stringList, type QName } from '../ast/names';
import { defaultConstraintName, defaultIndexName } from '../context/derive';
import type { Catalog } from '../context/catalog';
import type { Statement } from '../parse/statement';
import { RELATION_KEYWORD, key, recordRename, tkey } from './renames';
import { TableSecurity } from './security';
import { exprText, fingerprint, itemEnd, literal, offsetIn, qname, tokens } from './text';

export interface IndexDef {
  table: QName;
  unique: boolean;
  /** Text after the table name: `USING gin (…) WHERE …`. */
  tail: string;
  only: boolean;
}


/** Cut a leading `CONSTRAINT name` from a constraint's text. */
function withoutName(text: string): string {
  const toks = tokens(text);
  if (toks[0]?.text.toLowerCase() === 'constraint' && toks.length > 2) return text.slice(toks[2].start).trim();
  return text.trim();
}

export class Ledger {
  /** Expression fingerprint → its source text. */
  readonly exprs = new Map<string, string>();
  readonly indexes = new Map<string, IndexDef>();
  /** table\0constraint → table-level definition without the name (`FOREIGN KEY (a) REFERENCES …`). */
  readonly constraints = new Map<string, string>();
  /** table\0column → 'ALWAYS' | 'BY DEFAULT' */
  readonly identity = new Map<string, string>();
  /** Views, materialized views, functions, triggers, types, sequences, policies, extensions, schemas: key → CREATE text. */
  readonly objects = new Map<string, string>();
  /** Comment target fingerprint → comment. */
  readonly comments = new Map<string, string | null>();
  /** Tables whose CREATE TABLE text is still exact (never altered or renamed since): name → text. */
  readonly tableText = new Map<string, string>();
  /**
   * Comments on relations and their columns, kept by the relation's current name (renames and
   * drops follow) so a re-created table or view gets them back: relation → column ('' for the
   * relation itself) → the COMMENT ON keyword and text.
   */
  readonly relationComments = new Map<string, Map<string, { keyword: string; comment: string }>>();
  /**
   * Views and triggers whose CREATE text no longer describes them: a column or table they read
   * was renamed since (PostgreSQL follows the rename, the text does not). Keyed like `objects`
   * (`view:name`, `trigger:table\0name`) → why.
   */
  readonly stale = new Map<string, string>();
  /** Row level security and policies of each table (the catalog does not model them). */
  security = new TableSecurity();
  /** Sequences owned by a table's column (OWNED BY, not serial): table → sequence name → its QName and column. DROP TABLE drops them. */
  readonly ownedSequences = new Map<string, Map<string, { sequence: QName; column: string }>>();

  clone(): Ledger {
    const c = new Ledger();
    for (const [k, v] of this.exprs) c.exprs.set(k, v);
    for (const [k, v] of this.indexes) c.indexes.set(k, { ...v });
    for (const [k, v] of this.constraints) c.constraints.set(k, v);
    for (const [k, v] of this.identity) c.identity.set(k, v);
    for (const [k, v] of this.objects) c.objects.set(k, v);
    for (const [k, v] of this.comments) c.comments.set(k, v);
    for (const [k, v] of this.tableText) c.tableText.set(k, v);
    for (const [k, v] of this.relationComments) c.relationComments.set(k, new Map(v));
    for (const [k, v] of this.stale) c.stale.set(k, v);
    c.security = this.security.clone();
    for (const [k, v] of this.ownedSequences) c.ownedSequences.set(k, new Map(v));
    return c;
  }

  /** Record what `stmt` defines; `catalog` is the schema before it (for default names). */
  record(stmt: Statement, catalog: Catalog): void {
    const n = stmt.node;
    if (!n) return;
    this.security.record(stmt);
    this.collectExprs(stmt, n);
    switch (stmt.kind) {
      case 'CreateStmt': {
        const table = rangeVarName(n.relation);
        if (!table) return;
        if (n.if_not_exists && catalog.relation(table)) return;
        this.tableText.set(key(table), stmt.text);
        for (const e of n.tableElts ?? []) {
          if (e.ColumnDef) this.columnConstraints(stmt, table, e.ColumnDef);
          else if (e.Constraint) this.tableConstraint(stmt, table, e.Constraint);
        }
        return;
      }
      case 'AlterTableStmt': {
        const table = rangeVarName(n.relation);
        if (!table) return;
        this.tableText.delete(key(table));
        for (const c of n.cmds ?? []) {
          const cmd = c.AlterTableCmd;
          if (cmd?.subtype === 'AT_DropColumn' && cmd.name) this.relationComments.get(key(table))?.delete(cmd.name);
          if (cmd?.subtype === 'AT_AddConstraint' && cmd.def?.Constraint) this.tableConstraint(stmt, table, cmd.def.Constraint);
          else if (cmd?.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef) this.columnConstraints(stmt, table, cmd.def.ColumnDef);
        }
        return;
      }
      case 'IndexStmt': {
        const table = rangeVarName(n.relation);
        if (!table) return;
        const columns = (n.indexParams ?? []).map((p: any) => p.IndexElem?.name ?? '(expression)');
        const name = n.idxname ?? defaultIndexName(catalog, table, columns);
        if (n.if_not_exists && catalog.index({ schema: table.schema, name })) return;
        const rel = tokens(stmt.text.slice(offsetIn(stmt, n.relation.location)));
        // The table name is one to three tokens (schema . name).
        let after = rel[0]?.end ?? 0;
        if (rel[1]?.text === '.' && rel[2]) after = rel[2].end;
        const tail = stmt.text.slice(offsetIn(stmt, n.relation.location) + after).trim();
        this.indexes.set(name, { table, unique: !!n.unique, tail, only: n.relation.inh === false });
        return;
      }
      case 'ViewStmt':
        this.objects.set(`view:${key(rangeVarName(n.view))}`, stmt.text);
        this.stale.delete(`view:${key(rangeVarName(n.view))}`);
        return;
      case 'CreateTableAsStmt': {
        const k = `${n.objtype === 'OBJECT_MATVIEW' ? 'matview' : 'table'}:${key(rangeVarName(n.into?.rel))}`;
        this.objects.set(k, stmt.text);
        this.stale.delete(k);
        return;
      }
      case 'CreateFunctionStmt':
        this.objects.set(functionKey(n.funcname, (n.parameters ?? []).map((p: any) => p.FunctionParameter).filter((p: any) => p && p.mode !== 'FUNC_PARAM_OUT' && p.mode !== 'FUNC_PARAM_TABLE').map((p: any) => p.argType)), stmt.text);
        return;
      case 'CreateTrigStmt':
        this.objects.set(`trigger:${tkey(rangeVarName(n.relation), n.trigname)}`, stmt.text);
        this.stale.delete(`trigger:${tkey(rangeVarName(n.relation), n.trigname)}`);
        return;
      case 'CreatePolicyStmt':
        this.objects.set(`policy:${tkey(rangeVarName(n.table), n.policy_name)}`, stmt.text);
        return;
      case 'CreateEnumStmt': case 'CreateRangeStmt':
        this.objects.set(`type:${key(listName(n.typeName))}`, stmt.text);
        return;
      case 'CompositeTypeStmt':
        this.objects.set(`type:${key(rangeVarName(n.typevar))}`, stmt.text);
        return;
      case 'CreateDomainStmt':
        this.objects.set(`type:${key(listName(n.domainname))}`, stmt.text);
        return;
      case 'CreateSeqStmt':
        this.objects.set(`sequence:${key(rangeVarName(n.sequence))}`, stmt.text);
        this.noteOwner(rangeVarName(n.sequence), n.options);
        return;
      case 'AlterSeqStmt':
        this.noteOwner(rangeVarName(n.sequence), n.options);
        return;
      case 'CreateExtensionStmt':
        this.objects.set(`extension:${n.extname}`, stmt.text);
        return;
      case 'CreateSchemaStmt':
        this.objects.set(`schema:${n.schemaname}`, stmt.text);
        return;
      case 'CommentStmt':
        this.comments.set(commentKey(n), n.comment ?? null);
        this.noteRelationComment(n);
        return;
      case 'DropStmt':
        if (RELATION_KEYWORD[n.removeType]) for (const o of n.objects ?? []) this.relationComments.delete(key(listName(o.List?.items)));
        if (n.removeType === 'OBJECT_TABLE') for (const o of n.objects ?? []) this.ownedSequences.delete(key(listName(o.List?.items)));
        if (n.removeType === 'OBJECT_SEQUENCE') for (const o of n.objects ?? []) for (const m of this.ownedSequences.values()) m.delete(key(listName(o.List?.items)));
        return;
      case 'RenameStmt':
        recordRename(this, n, catalog);
        return;
      default:
        return;
    }
  }

  private noteRelationComment(n: any): void {
    const column = n.objtype === 'OBJECT_COLUMN';
    const keyword = column ? 'COLUMN' : RELATION_KEYWORD[n.objtype];
    if (!keyword) return;
    const names = stringList(n.object?.List?.items);
    const col = column ? names.pop() ?? '' : '';
    const rel = names[names.length - 1];
    if (!rel) return;
    let m = this.relationComments.get(rel);
    if (n.comment === undefined || n.comment === null) {
      m?.delete(col);
      return;
    }
    if (!m) this.relationComments.set(rel, (m = new Map()));
    m.set(col, { keyword, comment: n.comment });
  }

  /** `OWNED BY table.column` (or `NONE`) on a sequence. */
  private noteOwner(seq: QName | undefined, options: any[] | undefined): void {
    const owned = (options ?? []).map((o) => o.DefElem).find((d) => d?.defname === 'owned_by');
    if (!seq || !owned) return;
    for (const m of this.ownedSequences.values()) m.delete(key(seq));
    const names = stringList(owned.arg?.List?.items);
    if (names.length < 2) return; // NONE
    const column = names[names.length - 1];
    const table = names[names.length - 2];
    let m = this.ownedSequences.get(table);
    if (!m) this.ownedSequences.set(table, (m = new Map()));
    m.set(key(seq), { sequence: seq, column });
  }

  /** Why the stored text of an object no longer describes it, if it does not. */
  staleness(kind: string, name: QName | string | undefined, table?: QName): string | undefined {
    const n = typeof name === 'string' ? name : key(name);
    return this.stale.get(table ? `${kind}:${tkey(table, n)}` : `${kind}:${n}`);
  }

  /** COMMENT statements that put back the comments of `r` (named `sql` in the down) and of its existing columns. */
  commentsFor(name: QName, sql: string, columns: ReadonlySet<string> | Iterable<string>): string[] {
    const m = this.relationComments.get(key(name));
    if (!m) return [];
    const have = new Set(columns);
    const out: string[] = [];
    for (const [col, c] of m) {
      if (col === '') out.push(`COMMENT ON ${c.keyword} ${sql} IS ${literal(c.comment)};`);
      else if (have.has(col)) out.push(`COMMENT ON COLUMN ${sql}.${qname({ name: col })} IS ${literal(c.comment)};`);
    }
    return out;
  }

  /** Remember every DEFAULT / CHECK / generation expression's text. */
  private collectExprs(stmt: Statement, n: any): void {
    const visit = (x: any, inConstraint: boolean) => {
      if (Array.isArray(x)) for (const y of x) visit(y, inConstraint);
      else if (x && typeof x === 'object') {
        for (const [k, v] of Object.entries(x)) {
          if (k === 'Constraint' && (v as any)?.raw_expr) this.noteExpr(stmt, (v as any).raw_expr);
          if (k === 'AlterTableCmd' && (v as any)?.subtype === 'AT_ColumnDefault' && (v as any).def) this.noteExpr(stmt, (v as any).def);
          visit(v, inConstraint || k === 'Constraint');
        }
      }
    };
    visit(n, false);
  }

  private noteExpr(stmt: Statement, node: unknown): void {
    const fp = fingerprint(node);
    if (this.exprs.has(fp)) return;
    const text = exprText(stmt, node);
    if (text !== undefined) this.exprs.set(fp, text);
  }

  private tableConstraint(stmt: Statement, table: QName, c: any): void {
    const type = CONTYPES[c.contype];
    if (!type) return;
    const start = offsetIn(stmt, c.location);
    const text = withoutName(stmt.text.slice(start, itemEnd(stmt.text, start)));
    const cols = stringList(c.fk_attrs?.length ? c.fk_attrs : c.keys);
    const name = c.conname ?? defaultConstraintName(table, type, cols);
    this.constraints.set(tkey(table, name), text);
  }

  private columnConstraints(stmt: Statement, table: QName, def: any): void {
    const list: any[] = (def.constraints ?? []).map((c: any) => c.Constraint).filter(Boolean);
    const colEnd = itemEnd(stmt.text, offsetIn(stmt, def.location));
    list.forEach((c, i) => {
      if (c.contype === 'CONSTR_IDENTITY') this.identity.set(tkey(table, def.colname), c.generated_when === 'a' ? 'ALWAYS' : 'BY DEFAULT');
      const type = CONTYPES[c.contype];
      if (!type) return;
      const start = offsetIn(stmt, c.location);
      const end = i + 1 < list.length && list[i + 1].location >= 0 ? offsetIn(stmt, list[i + 1].location) : colEnd;
      const text = withoutName(stmt.text.slice(start, end));
      const col = quoteIdentList([def.colname]);
      const body = type === 'foreign' ? `FOREIGN KEY (${col}) ${text}` : type === 'unique' ? text.replace(/^unique\b/i, `UNIQUE (${col})`) : type === 'primary' ? text.replace(/^primary\s+key\b/i, `PRIMARY KEY (${col})`) : text;
      const name = c.conname ?? defaultConstraintName(table, type, [def.colname]);
      this.constraints.set(tkey(table, name), body);
    });
  }

  constraint(table: QName, name: string): string | undefined {
    return this.constraints.get(tkey(table, name));
  }

  identityOf(table: QName, column: string): string | undefined {
    return this.identity.get(tkey(table, column));
  }

  object(kind: string, name: QName | string | undefined, table?: QName): string | undefined {
    const n = typeof name === 'string' ? name : key(name);
    return this.objects.get(table ? `${kind}:${tkey(table, n)}` : `${kind}:${n}`);
  }

  expr(node: unknown): string | undefined {
    return node === undefined ? undefined : this.exprs.get(fingerprint(node));
  }
}

const CONTYPES: Record<string, 'foreign' | 'check' | 'unique' | 'primary' | 'exclusion'> = {
  CONSTR_FOREIGN: 'foreign', CONSTR_CHECK: 'check', CONSTR_UNIQUE: 'unique', CONSTR_PRIMARY: 'primary', CONSTR_EXCLUSION: 'exclusion',
};

function quoteIdentList(names: string[]): string {
  return names.map((n) => qname({ name: n })).join(', ');
}

/** A function's identity: name and input argument types (without locations). */
export function functionKey(funcname: any[], argTypes: any[]): string {
  return `function:${key(listName(funcname))}(${argTypes.map((t) => fingerprint({ ...(t?.TypeName ?? t), typemod: undefined })).join(',')})`;
}

/** COMMENT ON target identity. */
export function commentKey(n: any): string {
  return fingerprint({ t: n.objtype, o: n.object });
}

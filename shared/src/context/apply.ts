// Apply one statement's effect to the catalog (after the rules have seen the state before it).
import { listName, rangeVarName, stringList, type QName } from '../ast/names';
import { SERIAL_TYPES, isVirtualGenerated, typeRef } from '../ast/types';
import { isNullConstant } from '../ast/volatility';
import type { Statement } from '../parse/statement';
import { objectName, type Catalog, type ColumnInfo, type ConstraintInfo, type ConstraintType, type RelationInfo } from './catalog';
import { copyLikeColumns, copyQueryColumns, defaultConstraintName, defaultIndexName, relationsRead } from './derive';

const CONTYPE: Record<string, ConstraintType> = {
  CONSTR_FOREIGN: 'foreign', CONSTR_CHECK: 'check', CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary', CONSTR_EXCLUSION: 'exclusion', CONSTR_NOTNULL: 'notnull',
};

/** `CHECK (col IS NOT NULL)` → col */
export function notNullCheckColumn(expr: any): string | undefined {
  const t = expr?.NullTest;
  if (!t || t.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = t.arg?.ColumnRef?.fields;
  if (!Array.isArray(fields)) return undefined;
  const last = fields[fields.length - 1]?.String?.sval;
  return typeof last === 'string' ? last : undefined;
}

/** `column`: the column a column constraint (`col int REFERENCES …`) is written on. */
export function constraintInfo(c: any, table: QName, at: number, column?: string, catalog?: Catalog): ConstraintInfo | undefined {
  const type = CONTYPE[c?.contype];
  if (!type || type === 'notnull' && column !== undefined) return undefined;
  const cols = column !== undefined ? [column] : stringList(c.fk_attrs ?? c.keys);
  const name = c.conname ?? defaultConstraintName(table, type, cols, catalog);
  return {
    name,
    type,
    columns: cols,
    refColumns: type === 'foreign' ? stringList(c.pk_attrs) : undefined,
    expression: type === 'check' ? c.raw_expr : undefined,
    validated: !c.skip_validation,
    notNullColumn: type === 'check' ? notNullCheckColumn(c.raw_expr) : type === 'notnull' ? cols[0] : undefined,
    references: type === 'foreign' ? rangeVarName(c.pktable) : undefined,
    addedAt: at,
  };
}

/** PRIMARY KEY and UNIQUE constraints are backed by an index of the same name. */
function addConstraintIndexes(catalog: Catalog, constraints: Iterable<ConstraintInfo>, table: QName, at: number): void {
  for (const c of constraints) {
    if ((c.type === 'primary' || c.type === 'unique') && c.columns?.length) {
      catalog.addIndex({ name: { schema: table.schema, name: c.name }, table, unique: true, columns: c.columns, createdAt: at });
    }
  }
}

function columnFrom(def: any, table: string): ColumnInfo {
  const constraints: any[] = (def.constraints ?? []).map((c: any) => c.Constraint).filter(Boolean);
  const owns = SERIAL_TYPES.has(typeRef(def.typeName)?.name ?? '') || constraints.some((c) => c.contype === 'CONSTR_IDENTITY');
  return {
    ownedSequence: owns ? objectName(table, def.colname, 'seq') : undefined,
    name: def.colname,
    type: typeRef(def.typeName),
    notNull: constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_IDENTITY'),
    hasDefault: SERIAL_TYPES.has(typeRef(def.typeName)?.name ?? '') || constraints.some((c) => (c.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr)) || c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED'),
    identity: constraints.some((c) => c.contype === 'CONSTR_IDENTITY') || undefined,
    defaultExpr: constraints.find((c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_GENERATED')?.raw_expr,
    generated: constraints.some((c) => c.contype === 'CONSTR_GENERATED') ? (constraints.some(isVirtualGenerated) ? 'virtual' : 'stored') : undefined,
  };
}


/** A PRIMARY KEY makes its columns NOT NULL. */
function primaryKeyColumnsNotNull(rel: RelationInfo, c: ConstraintInfo | undefined): void {
  if (c?.type !== 'primary') return;
  for (const name of c.columns ?? []) {
    const col = rel.columns.get(name);
    if (col) col.notNull = true;
  }
}

function newRelation(name: QName, kind: RelationInfo['kind'], at: number): RelationInfo {
  return { name, kind, columns: new Map(), constraints: new Map(), createdAt: at };
}

export function applyStatement(catalog: Catalog, stmt: Statement): void {
  const n = stmt.node;
  if (!n) return;
  const at = stmt.index;
  switch (stmt.kind) {
    case 'CreateStmt': {
      const name = rangeVarName(n.relation);
      if (!name) return;
      if (n.if_not_exists && catalog.relation(name)) return;
      const rel = newRelation(name, n.partspec ? 'partitioned' : 'table', at);
      if (n.relation?.relpersistence === 'u') rel.unlogged = true;
      if (n.partbound) {
        // A partition has its parent's columns.
        rel.partitionOf = rangeVarName(n.inhRelations?.[0]?.RangeVar);
        if (n.partbound.is_default) rel.defaultPartition = true;
        const parent = catalog.relation(rel.partitionOf);
        if (parent && !parent.partial) for (const c of parent.columns.values()) rel.columns.set(c.name, { ...c });
        else rel.uncertain = 'a partition of a table pgsafe does not know';
      }
      // Columns that come from elsewhere are not modelled: LIKE, INHERITS, OF type.
      if (n.ofTypename) rel.uncertain = 'created OF a composite type';
      else if (!n.partbound && n.inhRelations?.length) rel.uncertain = 'created with INHERITS';
      else if ((n.tableElts ?? []).some((e: any) => e.TableLikeClause)) rel.uncertain = 'created with LIKE';
      for (const e of n.tableElts ?? []) {
        if (e.ColumnDef) {
          const col = columnFrom(e.ColumnDef, name.name);
          rel.columns.set(col.name, col);
          for (const c of e.ColumnDef.constraints ?? []) {
            const info = c.Constraint && constraintInfo(c.Constraint, name, at, col.name, catalog);
            if (info) rel.constraints.set(info.name, info);
          }
        } else if (e.Constraint) {
          const info = constraintInfo(e.Constraint, name, at, undefined, catalog);
          if (info) rel.constraints.set(info.name, info);
          primaryKeyColumnsNotNull(rel, info);
        } else if (e.TableLikeClause) {
          copyLikeColumns(catalog, rel, e.TableLikeClause);
        }
      }
      catalog.addRelation(rel);
      addConstraintIndexes(catalog, rel.constraints.values(), name, at);
      return;
    }
    case 'CreateTableAsStmt': {
      const name = rangeVarName(n.into?.rel);
      if (!name) return;
      const rel = newRelation(name, n.objtype === 'OBJECT_MATVIEW' ? 'matview' : 'table', at);
      rel.reads = relationsRead(n.query);
      if (!copyQueryColumns(catalog, rel, n.query, n.into?.colNames)) rel.uncertain = 'created AS a query (its columns are not modelled)';
      catalog.addRelation(rel);
      return;
    }
    case 'ViewStmt': {
      const name = rangeVarName(n.view);
      if (!name) return;
      const view = newRelation(name, 'view', at);
      view.reads = relationsRead(n.query);
      catalog.addRelation(view);
      return;
    }
    case 'CreateSeqStmt': {
      const name = rangeVarName(n.sequence);
      if (name && !catalog.relation(name)) catalog.addRelation(newRelation(name, 'sequence', at));
      return;
    }
    case 'IndexStmt': {
      const table = rangeVarName(n.relation);
      if (!table) return;
      const columns = (n.indexParams ?? []).map((p: any) => p.IndexElem?.name ?? '(expression)');
      const name = n.idxname ?? defaultIndexName(catalog, table, columns);
      if (n.if_not_exists && catalog.index({ schema: table.schema, name })) return;
      catalog.addIndex({ name: { schema: table.schema, name }, table, unique: !!n.unique, columns, partial: !!n.whereClause, createdAt: at });
      return;
    }
    case 'CreateDomainStmt': {
      const name = listName(n.domainname);
      const constrained = (n.constraints ?? []).some((c: any) => ['CONSTR_CHECK', 'CONSTR_NOTNULL'].includes(c?.Constraint?.contype));
      if (name) catalog.addDomain({ name, base: typeRef(n.typeName), constrained });
      return;
    }
    case 'AlterDomainStmt': {
      const d = catalog.domain(listName(n.typeName));
      if (d && ((n.subtype === 'C' && ['CONSTR_CHECK', 'CONSTR_NOTNULL'].includes(n.def?.Constraint?.contype)) || n.subtype === 'O')) d.constrained = true;
      return;
    }
    case 'CreateEnumStmt': {
      const name = listName(n.typeName);
      if (name) catalog.addType({ name, enumValues: stringList(n.vals), createdAt: at });
      return;
    }
    case 'AlterEnumStmt': {
      const t = catalog.type(listName(n.typeName));
      if (t?.enumValues && n.newVal && !n.oldVal) t.enumValues.push(n.newVal);
      return;
    }
    case 'CreateFunctionStmt': {
      const name = listName(n.funcname);
      if (!name) return;
      let v: 'immutable' | 'stable' | 'volatile' = 'volatile';
      for (const o of n.options ?? []) {
        const d = o.DefElem;
        if (d?.defname === 'volatility') v = (d.arg?.String?.sval ?? 'volatile') as typeof v;
      }
      catalog.addFunction(name.name, v);
      return;
    }
    case 'AlterTableStmt':
      applyAlterTable(catalog, n, at);
      return;
    case 'RenameStmt': {
      if (n.renameType === 'OBJECT_TYPE') {
        const t = listName(n.object?.List?.items);
        if (t) catalog.renameType(t, n.newname);
        return;
      }
      const rel = rangeVarName(n.relation);
      if (!rel) return;
      if (n.renameType === 'OBJECT_COLUMN') {
        const r = catalog.relation(rel);
        const col = r?.columns.get(n.subname);
        if (r && col) {
          // Keep the column's position (a re-created table must list the columns in their order).
          const entries = [...r.columns].map(([k, v]): [string, typeof col] => (k === n.subname ? [n.newname, col] : [k, v]));
          col.name = n.newname;
          r.columns.clear();
          for (const [k, v] of entries) r.columns.set(k, v);
        }
      } else if (n.renameType === 'OBJECT_TABCONSTRAINT') {
        const r = catalog.relation(rel);
        const c = r?.constraints.get(n.subname);
        if (r && c) {
          r.constraints.delete(n.subname);
          c.name = n.newname;
          r.constraints.set(n.newname, c);
        }
        // ... and the index behind a PRIMARY KEY / UNIQUE constraint.
        const i = catalog.index({ schema: rel.schema, name: n.subname });
        if (i && c && c.type !== 'foreign' && c.type !== 'check') {
          catalog.removeIndex(i.name);
          catalog.addIndex({ ...i, name: { schema: i.name.schema, name: n.newname } });
        }
      } else if (n.renameType === 'OBJECT_INDEX') {
        const i = catalog.index(rel);
        if (i) {
          catalog.removeIndex(rel);
          catalog.addIndex({ ...i, name: { schema: i.name.schema, name: n.newname } });
          // Renaming a constraint's index renames the constraint.
          const owner = catalog.relation(i.table);
          const c = owner?.constraints.get(rel.name);
          if (owner && c && (c.type === 'primary' || c.type === 'unique' || c.type === 'exclusion')) {
            owner.constraints.delete(rel.name);
            c.name = n.newname;
            owner.constraints.set(n.newname, c);
          }
        }
      } else if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE'].includes(n.renameType)) {
        catalog.renameRelation(rel, n.newname);
      }
      return;
    }
    case 'DropStmt': {
      const cascade = n.behavior === 'DROP_CASCADE';
      for (const o of n.objects ?? []) {
        if (n.removeType === 'OBJECT_SCHEMA') {
          const schema = o.String?.sval;
          if (schema) catalog.dropSchema(schema);
          continue;
        }
        if (n.removeType === 'OBJECT_TYPE' || n.removeType === 'OBJECT_DOMAIN') {
          const t = listName(o.TypeName?.names);
          if (t) catalog.removeType(t);
          if (t && n.removeType === 'OBJECT_DOMAIN') catalog.removeDomain(t);
          continue;
        }
        const q = listName(o.List?.items);
        if (!q) continue;
        if (n.removeType === 'OBJECT_INDEX') catalog.removeIndex(q);
        else if (n.removeType === 'OBJECT_TRIGGER') {
          const table = listName(o.List?.items?.slice(0, -1));
          catalog.relation(table)?.triggers?.delete(q.name);
        } else if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE'].includes(n.removeType)) {
          if (cascade) catalog.dropDependents(q);
          catalog.removeRelation(q);
        }
      }
      return;
    }
    case 'CreateSchemaStmt':
      if (n.schemaname) catalog.schemas.add(n.schemaname);
      return;
    case 'AlterObjectSchemaStmt': {
      if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE'].includes(n.objectType)) {
        const q = rangeVarName(n.relation);
        if (q && n.newschema) catalog.moveRelation(q, n.newschema);
      }
      return;
    }
    case 'CreateTrigStmt': {
      const r = catalog.relation(rangeVarName(n.relation));
      if (r && n.trigname) (r.triggers ??= new Set()).add(n.trigname);
      return;
    }
    default:
      return;
  }
}

function applyAlterTable(catalog: Catalog, n: any, at: number): void {
  const name = rangeVarName(n.relation);
  if (!name || (n.objtype && n.objtype !== 'OBJECT_TABLE')) return;
  let rel = catalog.relation(name);
  if (!rel) {
    // A pre-existing table this file alters: remember what the file does to it (constraints
    // added and validated), without pretending to know its columns.
    rel = { name, kind: 'table', columns: new Map(), constraints: new Map(), createdAt: undefined, partial: true };
    catalog.addRelation(rel);
  }
  for (const c of n.cmds ?? []) {
    const cmd = c.AlterTableCmd;
    if (!cmd) continue;
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const def = cmd.def?.ColumnDef;
        if (!def) break;
        const col = columnFrom(def, name.name);
        rel.columns.set(col.name, col);
        for (const k of def.constraints ?? []) {
          const info = k.Constraint && constraintInfo(k.Constraint, name, at, col.name, catalog);
          if (info) catalog.noteConstraint(rel, info);
          if (info) addConstraintIndexes(catalog, [info], name, at);
        }
        break;
      }
      case 'AT_DropColumn':
        rel.columns.delete(cmd.name);
        // CASCADE also drops the views that read the column.
        if (cmd.behavior === 'DROP_CASCADE') {
          for (const d of catalog.dependentsOf(name, cmd.name)) if ((d.kind === 'view' || d.kind === 'materialized view') && d.on) catalog.removeRelation(d.on);
        }
        // Indexes and constraints on the column go with it.
        for (const [k, c] of rel.constraints) if (c.columns?.includes(cmd.name) || c.notNullColumn === cmd.name) rel.constraints.delete(k);
        for (const i of catalog.indexesOn(name)) if (i.columns?.includes(cmd.name)) catalog.removeIndex(i.name);
        break;
      case 'AT_AlterColumnType': {
        const col = rel.columns.get(cmd.name);
        const t = typeRef(cmd.def?.ColumnDef?.typeName);
        if (col && t) col.type = t;
        break;
      }
      case 'AT_SetNotNull': {
        const col = rel.columns.get(cmd.name);
        if (col) col.notNull = true;
        break;
      }
      case 'AT_DropNotNull': {
        const col = rel.columns.get(cmd.name);
        if (col) col.notNull = false;
        // PostgreSQL 18 keeps NOT NULL as a named constraint; DROP NOT NULL removes it.
        for (const [name, k] of rel.constraints) if (k.type === 'notnull' && (k.columns?.includes(cmd.name) || k.notNullColumn === cmd.name)) rel.constraints.delete(name);
        break;
      }
      case 'AT_ColumnDefault': {
        const col = rel.columns.get(cmd.name);
        if (col) col.defaultExpr = cmd.def;
        if (col) col.hasDefault = !!cmd.def && !isNullConstant(cmd.def);
        break;
      }
      case 'AT_AddConstraint': {
        const info = constraintInfo(cmd.def?.Constraint, name, at, undefined, catalog);
        if (info) catalog.noteConstraint(rel, info);
        primaryKeyColumnsNotNull(rel, info);
        if (info && !cmd.def?.Constraint?.indexname) addConstraintIndexes(catalog, [info], name, at);
        break;
      }
      case 'AT_ValidateConstraint': {
        const k = rel.constraints.get(cmd.name);
        if (k) k.validated = true;
        break;
      }
      case 'AT_DropConstraint': {
        const dropped = rel.constraints.get(cmd.name);
        rel.constraints.delete(cmd.name);
        // A PRIMARY KEY / UNIQUE / EXCLUDE constraint's index goes with it.
        if (!dropped || dropped.type === 'primary' || dropped.type === 'unique' || dropped.type === 'exclusion') catalog.removeIndex({ schema: name.schema, name: cmd.name });
        break;
      }
      case 'AT_SetLogged': case 'AT_SetUnLogged':
        rel.unlogged = cmd.subtype === 'AT_SetUnLogged';
        break;
      case 'AT_AddIdentity': case 'AT_DropIdentity': {
        const col = rel.columns.get(cmd.name);
        if (col) col.identity = col.hasDefault = cmd.subtype === 'AT_AddIdentity';
        break;
      }
      case 'AT_DropExpression': {
        const col = rel.columns.get(cmd.name);
        if (col) col.generated = undefined;
        break;
      }
      case 'AT_AddInherit': case 'AT_DropInherit': case 'AT_AddOf': case 'AT_DropOf': case 'AT_AttachPartition': case 'AT_DetachPartition':
        if (cmd.subtype === 'AT_AttachPartition' || cmd.subtype === 'AT_DetachPartition') {
          // Keep the partition tree (the lock catalogue locks partitions and the DEFAULT one).
          const part = catalog.relation(rangeVarName(cmd.def?.PartitionCmd?.name));
          if (part && cmd.subtype === 'AT_AttachPartition') {
            catalog.setPartitionOf(part, rel.name, !!cmd.def?.PartitionCmd?.bound?.is_default);
          } else if (part && !cmd.def?.PartitionCmd?.concurrent) {
            catalog.setPartitionOf(part, undefined);
          }
        }
        rel.uncertain = `altered with ${String(cmd.subtype).slice(3)}`;
        break;
      default:
        break;
    }
  }
}


// The lock catalogue: for a parsed statement, which relations it locks, in which mode, and
// whether it rewrites or scans them. Facts: ../shared/reference/lock-facts-and-safety-tools.md §6
// (observed on PostgreSQL 15 and PGlite/PG 18). Rules, hover and reports all read this one table.
import { listName, rangeVarName, type QName } from '../ast/names';
import { couldBeRewriteFree, isRewriteFreeTypeChange, isVirtualGenerated, typeRef, SERIAL_TYPES } from '../ast/types';
import { expressionVolatility, isNullConstant } from '../ast/volatility';
import { hasOption } from '../ast/options';
import type { Catalog } from '../context/catalog';
import type { Statement } from '../parse/statement';
import { strongerLock, type LockMode } from './modes';

export interface LockEffect {
  relation: QName;
  /** What the relation is to the statement: the table it changes, an FK's referenced table, … */
  role: 'target' | 'referenced' | 'parent' | 'partition' | 'index';
  mode: LockMode;
  /** Rewrites the table (new relfilenode): time grows with table size, lock held throughout. */
  rewrite: boolean;
  /** The rewrite depends on facts pgsafe does not know (e.g. the column's current type). */
  rewriteUnknown?: boolean;
  /** Scans the table while the lock is held. */
  scan: boolean;
  /** Short name of the action that takes it, for messages: "ADD COLUMN", "CREATE INDEX". */
  action: string;
}

export interface LockOptions {
  catalog: Catalog;
  pgVersion: number;
}

const SUE: LockMode = 'SHARE UPDATE EXCLUSIVE';
const SRE: LockMode = 'SHARE ROW EXCLUSIVE';
const AE: LockMode = 'ACCESS EXCLUSIVE';

function effect(relation: QName | undefined, mode: LockMode, action: string, extra: Partial<LockEffect> = {}): LockEffect[] {
  if (!relation) return [];
  return [{ relation, role: 'target', mode, rewrite: false, scan: false, action, ...extra }];
}

export function lockEffects(stmt: Statement, opts: LockOptions): LockEffect[] {
  const n = stmt.node;
  if (!n) return [];
  switch (stmt.kind) {
    case 'IndexStmt':
      return effect(rangeVarName(n.relation), n.concurrent ? SUE : 'SHARE', n.concurrent ? 'CREATE INDEX CONCURRENTLY' : 'CREATE INDEX', { scan: true });
    case 'DropStmt':
      return dropEffects(n, opts);
    case 'TruncateStmt':
      return (n.relations ?? []).flatMap((r: any) => effect(rangeVarName(r.RangeVar), AE, 'TRUNCATE'));
    case 'AlterTableStmt':
      return alterTableEffects(n, opts);
    case 'RenameStmt':
      return renameEffects(n, opts);
    case 'CreateStmt':
      return createTableEffects(n);
    case 'ReindexStmt': {
      const conc = hasOption(n.params, 'concurrently');
      const target = rangeVarName(n.relation);
      if (!target) return [];
      if (n.kind === 'REINDEX_OBJECT_INDEX') {
        const table = opts.catalog.index(target)?.table;
        return conc
          ? effect(table ?? target, SUE, 'REINDEX CONCURRENTLY', { role: table ? 'target' : 'index', scan: true })
          : [...effect(table, 'SHARE', 'REINDEX', { scan: true }), ...effect(target, AE, 'REINDEX', { role: 'index', rewrite: true })];
      }
      // REINDEX TABLE rebuilds the table's indexes (reading the table); the table itself keeps its file.
      return effect(target, conc ? SUE : 'SHARE', conc ? 'REINDEX CONCURRENTLY' : 'REINDEX', { scan: true });
    }
    case 'RefreshMatViewStmt':
      return effect(rangeVarName(n.relation), n.concurrent ? 'EXCLUSIVE' : AE, n.concurrent ? 'REFRESH MATERIALIZED VIEW CONCURRENTLY' : 'REFRESH MATERIALIZED VIEW', { rewrite: !n.concurrent, scan: true });
    case 'VacuumStmt': {
      const full = hasOption(n.options, 'full');
      const action = n.is_vacuumcmd ? (full ? 'VACUUM FULL' : 'VACUUM') : 'ANALYZE';
      return (n.rels ?? []).flatMap((r: any) => effect(rangeVarName(r.VacuumRelation?.relation), full ? AE : SUE, action, { rewrite: full, scan: true }));
    }
    case 'ClusterStmt':
      return effect(rangeVarName(n.relation), AE, 'CLUSTER', { rewrite: true, scan: true });
    case 'CreateTrigStmt':
      return effect(rangeVarName(n.relation), SRE, 'CREATE TRIGGER');
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return effect(rangeVarName(n.table), AE, stmt.kind === 'CreatePolicyStmt' ? 'CREATE POLICY' : 'ALTER POLICY');
    case 'CreateStatsStmt':
      return (n.relations ?? []).flatMap((r: any) => effect(rangeVarName(r.RangeVar), SUE, 'CREATE STATISTICS'));
    case 'CommentStmt':
      return n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_COLUMN'
        ? effect(listName(n.object?.List?.items?.slice(0, n.objtype === 'OBJECT_COLUMN' ? -1 : undefined)), SUE, 'COMMENT ON')
        : [];
    case 'LockStmt':
      return (n.relations ?? []).flatMap((r: any) => effect(rangeVarName(r.RangeVar), LOCK_MODES[n.mode] ?? AE, 'LOCK TABLE'));
    case 'UpdateStmt':
      return effect(rangeVarName(n.relation), 'ROW EXCLUSIVE', 'UPDATE', { scan: !n.whereClause });
    case 'DeleteStmt':
      return effect(rangeVarName(n.relation), 'ROW EXCLUSIVE', 'DELETE', { scan: !n.whereClause });
    case 'InsertStmt':
      return effect(rangeVarName(n.relation), 'ROW EXCLUSIVE', 'INSERT');
    case 'CopyStmt':
      return n.is_from ? effect(rangeVarName(n.relation), 'ROW EXCLUSIVE', 'COPY FROM') : [];
    case 'MergeStmt':
      return effect(rangeVarName(n.relation), 'ROW EXCLUSIVE', 'MERGE');
    default:
      return [];
  }
}

const LOCK_MODES: Record<number, LockMode> = {
  1: 'ACCESS SHARE', 2: 'ROW SHARE', 3: 'ROW EXCLUSIVE', 4: SUE, 5: 'SHARE', 6: SRE, 7: 'EXCLUSIVE', 8: AE,
};

function dropEffects(n: any, opts: LockOptions): LockEffect[] {
  const out: LockEffect[] = [];
  for (const o of n.objects ?? []) {
    const items = o.List?.items;
    switch (n.removeType) {
      case 'OBJECT_INDEX': {
        const q = listName(items);
        const table = opts.catalog.index(q)?.table;
        if (n.concurrent) out.push(...effect(table ?? q, SUE, 'DROP INDEX CONCURRENTLY', { role: table ? 'target' : 'index' }));
        else out.push(...effect(table ?? q, AE, 'DROP INDEX', { role: table ? 'target' : 'index' }));
        break;
      }
      case 'OBJECT_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_SEQUENCE':
      case 'OBJECT_FOREIGN_TABLE': {
        const q = listName(items);
        const action = `DROP ${n.removeType.slice(7).replace('MATVIEW', 'MATERIALIZED VIEW').replace('_', ' ')}`;
        out.push(...effect(q, AE, action));
        // Dropping a table drops its FKs, which locks each referenced table too.
        for (const c of opts.catalog.relation(q)?.constraints.values() ?? []) {
          if (c.type === 'foreign' && c.references) out.push(...effect(c.references, AE, action, { role: 'referenced' }));
        }
        break;
      }
      case 'OBJECT_TRIGGER':
      case 'OBJECT_RULE':
      case 'OBJECT_POLICY': {
        const table = listName(items?.slice(0, -1));
        out.push(...effect(table, AE, `DROP ${n.removeType.slice(7)}`));
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function renameEffects(n: any, opts: LockOptions): LockEffect[] {
  const rel = rangeVarName(n.relation);
  if (n.renameType === 'OBJECT_INDEX') return effect(rel, opts.pgVersion >= 12 ? SUE : AE, 'ALTER INDEX … RENAME', { role: 'index' });
  if (['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_TRIGGER', 'OBJECT_FOREIGN_TABLE'].includes(n.renameType)) {
    const what = n.renameType === 'OBJECT_COLUMN' ? 'RENAME COLUMN' : n.renameType === 'OBJECT_TABCONSTRAINT' ? 'RENAME CONSTRAINT' : n.renameType === 'OBJECT_TRIGGER' ? 'ALTER TRIGGER … RENAME' : 'RENAME TO';
    return effect(rel, AE, what);
  }
  return [];
}

function createTableEffects(n: any): LockEffect[] {
  const out: LockEffect[] = [];
  if (n.partbound) out.push(...effect(rangeVarName(n.inhRelations?.[0]?.RangeVar), AE, 'CREATE TABLE … PARTITION OF', { role: 'parent' }));
  const addFk = (c: any) => {
    if (c?.contype === 'CONSTR_FOREIGN') out.push(...effect(rangeVarName(c.pktable), SRE, 'CREATE TABLE … REFERENCES', { role: 'referenced' }));
  };
  for (const e of n.tableElts ?? []) {
    addFk(e.Constraint);
    for (const c of e.ColumnDef?.constraints ?? []) addFk(c.Constraint);
  }
  return out;
}

function alterTableEffects(n: any, opts: LockOptions): LockEffect[] {
  const table = rangeVarName(n.relation);
  if (!table) return [];
  const role: LockEffect['role'] = n.objtype === 'OBJECT_INDEX' ? 'index' : 'target';
  let mode: LockMode | undefined;
  let rewrite = false;
  let rewriteUnknown = false;
  let scan = false;
  const actions: string[] = [];
  const others: LockEffect[] = [];
  for (const c of n.cmds ?? []) {
    const cmd = c.AlterTableCmd;
    if (!cmd) continue;
    const e = alterCmdEffect(cmd, table, opts);
    mode = mode ? strongerLock(mode, e.mode) : e.mode;
    rewrite ||= e.rewrite;
    rewriteUnknown ||= !!e.rewriteUnknown;
    scan ||= e.scan;
    if (!actions.includes(e.action)) actions.push(e.action);
    others.push(...e.others);
  }
  if (!mode) return [];
  return [{ relation: table, role, mode, rewrite, rewriteUnknown: rewriteUnknown || undefined, scan, action: actions.join(', ') }, ...others];
}

interface CmdEffect {
  mode: LockMode;
  rewrite: boolean;
  rewriteUnknown?: boolean;
  scan: boolean;
  action: string;
  others: LockEffect[];
}

/** Lock, rewrite and scan of one ALTER TABLE subcommand (docs: sql-altertable, "Notes"). */
export function alterCmdEffect(cmd: any, table: QName, opts: LockOptions): CmdEffect {
  const base = (mode: LockMode, action: string, extra: Partial<CmdEffect> = {}): CmdEffect => ({ mode, rewrite: false, scan: false, action, others: [], ...extra });
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = cmd.def?.ColumnDef;
      const cons: any[] = (def?.constraints ?? []).map((c: any) => c.Constraint).filter(Boolean);
      const t = typeRef(def?.typeName);
      const dflt = cons.find((c) => c.contype === 'CONSTR_DEFAULT');
      let rewrite = !!t && SERIAL_TYPES.has(t.name);
      rewrite ||= cons.some((c) => c.contype === 'CONSTR_IDENTITY' || (c.contype === 'CONSTR_GENERATED' && !isVirtualGenerated(c)));
      if (dflt) {
        if (opts.pgVersion < 11 && !isNullConstant(dflt.raw_expr)) rewrite = true;
        else if (expressionVolatility(dflt.raw_expr, (f) => opts.catalog.functionVolatility(f)).volatility === 'volatile') rewrite = true;
      }
      const others: LockEffect[] = [];
      let scan = false;
      for (const c of cons) {
        if (c.contype === 'CONSTR_FOREIGN') {
          others.push(...effect(rangeVarName(c.pktable), SRE, 'ADD COLUMN … REFERENCES', { role: 'referenced', scan: true }));
          scan = true;
        }
        if (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') scan = true;
      }
      return base(AE, 'ADD COLUMN', { rewrite, scan, others });
    }
    case 'AT_AlterColumnType': {
      const to = typeRef(cmd.def?.ColumnDef?.typeName);
      const using = !!cmd.def?.ColumnDef?.raw_default;
      const rel = opts.catalog.relation(table);
      const from = rel?.uncertain ? undefined : rel?.columns.get(cmd.name)?.type;
      let rewrite = true;
      let rewriteUnknown = false;
      if (to && !using) {
        if (from) rewrite = !isRewriteFreeTypeChange(from, to);
        else if (couldBeRewriteFree(to)) { rewrite = false; rewriteUnknown = true; }
      }
      return base(AE, 'ALTER COLUMN TYPE', { rewrite, rewriteUnknown, scan: rewrite });
    }
    case 'AT_SetNotNull': {
      const proven = opts.pgVersion >= 12 && hasValidatedNotNullCheck(opts.catalog, table, cmd.name);
      return base(AE, 'SET NOT NULL', { scan: !proven });
    }
    case 'AT_AddConstraint': {
      const c = cmd.def?.Constraint;
      const validate = !c?.skip_validation;
      switch (c?.contype) {
        case 'CONSTR_FOREIGN':
          return base(SRE, 'ADD FOREIGN KEY', {
            scan: validate,
            others: effect(rangeVarName(c.pktable), SRE, 'ADD FOREIGN KEY', { role: 'referenced', scan: validate }),
          });
        case 'CONSTR_CHECK':
          return base(AE, 'ADD CHECK', { scan: validate });
        case 'CONSTR_NOTNULL':
          return base(AE, 'ADD NOT NULL', { scan: validate });
        case 'CONSTR_UNIQUE':
        case 'CONSTR_PRIMARY':
          return base(AE, c.contype === 'CONSTR_PRIMARY' ? 'ADD PRIMARY KEY' : 'ADD UNIQUE', { scan: !c.indexname });
        case 'CONSTR_EXCLUSION':
          return base(AE, 'ADD EXCLUDE', { scan: true });
        default:
          return base(AE, 'ADD CONSTRAINT');
      }
    }
    case 'AT_ValidateConstraint': {
      const ref = opts.catalog.constraint(table, cmd.name)?.references;
      return base(SUE, 'VALIDATE CONSTRAINT', { scan: true, others: effect(ref, 'ROW SHARE', 'VALIDATE CONSTRAINT', { role: 'referenced' }) });
    }
    case 'AT_DropConstraint': {
      const known = opts.catalog.constraint(table, cmd.name);
      const ref = known?.type === 'foreign' ? known.references : undefined;
      return base(AE, 'DROP CONSTRAINT', { others: effect(ref, AE, 'DROP CONSTRAINT', { role: 'referenced' }) });
    }
    case 'AT_SetStatistics': case 'AT_SetOptions': case 'AT_ResetOptions': case 'AT_ClusterOn': case 'AT_DropCluster':
      return base(SUE, cmd.subtype === 'AT_SetStatistics' ? 'SET STATISTICS' : 'SET options');
    case 'AT_SetRelOptions': case 'AT_ResetRelOptions':
      return base(SUE, 'SET (storage parameters)');
    case 'AT_EnableTrig': case 'AT_EnableAlwaysTrig': case 'AT_EnableReplicaTrig': case 'AT_DisableTrig':
    case 'AT_EnableTrigAll': case 'AT_DisableTrigAll': case 'AT_EnableTrigUser': case 'AT_DisableTrigUser':
      return base(SRE, cmd.subtype.startsWith('AT_Disable') ? 'DISABLE TRIGGER' : 'ENABLE TRIGGER');
    case 'AT_AttachPartition': {
      const part = rangeVarName(cmd.def?.PartitionCmd?.name);
      return base(SUE, 'ATTACH PARTITION', { others: effect(part, AE, 'ATTACH PARTITION', { role: 'partition', scan: true }) });
    }
    case 'AT_DetachPartition': {
      const part = rangeVarName(cmd.def?.PartitionCmd?.name);
      const conc = !!cmd.def?.PartitionCmd?.concurrent;
      return base(conc ? SUE : AE, conc ? 'DETACH PARTITION CONCURRENTLY' : 'DETACH PARTITION', { others: effect(part, conc ? SUE : AE, 'DETACH PARTITION', { role: 'partition' }) });
    }
    case 'AT_DetachPartitionFinalize':
      return base(SUE, 'DETACH PARTITION FINALIZE');
    case 'AT_SetLogged': case 'AT_SetUnLogged':
      return base(AE, cmd.subtype === 'AT_SetLogged' ? 'SET LOGGED' : 'SET UNLOGGED', { rewrite: true });
    case 'AT_SetTableSpace':
      return base(AE, 'SET TABLESPACE', { rewrite: true });
    case 'AT_SetAccessMethod':
      return base(AE, 'SET ACCESS METHOD', { rewrite: true });
    case 'AT_SetExpression':
      return base(AE, 'SET EXPRESSION', { rewrite: true });
    case 'AT_DropColumn':
      return base(AE, 'DROP COLUMN');
    case 'AT_ColumnDefault':
      return base(AE, cmd.def ? 'SET DEFAULT' : 'DROP DEFAULT');
    case 'AT_DropNotNull':
      return base(AE, 'DROP NOT NULL');
    default:
      return base(AE, alterActionName(cmd.subtype));
  }
}

function alterActionName(subtype: string): string {
  return String(subtype ?? 'ALTER').replace(/^AT_/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}



export function hasValidatedNotNullCheck(catalog: Catalog, table: QName, column: string): boolean {
  for (const c of catalog.relation(table)?.constraints.values() ?? []) {
    if (c.validated && c.notNullColumn === column && (c.type === 'check' || c.type === 'notnull')) return true;
  }
  return false;
}

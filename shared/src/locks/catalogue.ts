// The lock catalogue: for a parsed statement, which relations it locks, in which mode, and
// whether it rewrites or scans them. Facts: ../shared/reference/lock-facts-and-safety-tools.md §6
// (observed on PostgreSQL 15 and PGlite/PG 18). Rules, hover and reports all read this one table.
import { listName, rangeVarName, type QName } from '../ast/names';
import { couldBeRewriteFree, isRewriteFreeTypeChange, isVirtualGenerated, typeRef, SERIAL_TYPES } from '../ast/types';
import { expressionVolatility, isNullConstant } from '../ast/volatility';
import { hasOption } from '../ast/options';
import type { Catalog } from '../context/catalog';
import { allPartitions, hasValidatedNotNullCheck, knownWithoutTrigger, ownedSequences, primaryKeyNeedsNotNullScan } from './model-facts';

export { hasValidatedNotNullCheck, ownedSequences } from './model-facts';
import type { Statement } from '../parse/statement';
import { strongerLock, type LockMode } from './modes';

export interface LockEffect {
  relation: QName;
  /** What the relation is to the statement: the table it changes, an FK's referenced table, a sequence, … */
  role: 'target' | 'referenced' | 'referencing' | 'parent' | 'partition' | 'index' | 'sequence';
  mode: LockMode;
  /** Rewrites the table (new relfilenode): time grows with table size, lock held throughout. */
  rewrite: boolean;
  /**
   * The table gets a new, empty file without a rewrite (TRUNCATE): the database shows a new
   * relfilenode, but no row is copied, so it is instant whatever the table's size.
   */
  newStorage?: boolean;
  /** The rewrite depends on facts pgsafe does not know (e.g. the column's current type). */
  rewriteUnknown?: boolean;
  /**
   * With `rewrite`: PostgreSQL skips the rewrite under a condition pgsafe cannot see, e.g. "the
   * session TimeZone is UTC" for timestamp → timestamptz. Rules still report it; the verify
   * comparison does not hold the catalogue to either outcome.
   */
  rewriteUnless?: string;
  /** Scans the table while the lock is held. */
  scan: boolean;
  /** Whether it scans depends on the plan (an UPDATE / DELETE with a WHERE: index or full scan). */
  scanDependsOnPlan?: boolean;
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
    case 'IndexStmt': {
      const table = rangeVarName(n.relation);
      const out = effect(table, n.concurrent ? SUE : 'SHARE', n.concurrent ? 'CREATE INDEX CONCURRENTLY' : 'CREATE INDEX', { scan: true });
      // On a partitioned table (without ONLY) the index is built on every partition, each under SHARE.
      if (table && n.relation?.inh) for (const p of allPartitions(opts.catalog, table)) out.push(...effect(p, 'SHARE', 'CREATE INDEX', { role: 'partition', scan: true }));
      return out;
    }
    case 'DropStmt':
      return dropEffects(n, opts);
    case 'TruncateStmt':
      // TRUNCATE swaps in a new, empty file (newStorage, not a rewrite); RESTART IDENTITY also
      // resets, under ACCESS EXCLUSIVE, the sequences the tables own.
      return (n.relations ?? []).flatMap((r: any) => {
        const table = rangeVarName(r.RangeVar);
        return [
          ...effect(table, AE, 'TRUNCATE', { newStorage: true }),
          ...(n.restart_seqs ? ownedSequences(opts.catalog, table).flatMap((q) => effect(q, AE, 'TRUNCATE … RESTART IDENTITY', { role: 'sequence', newStorage: true })) : []),
        ];
      });
    case 'AlterSeqStmt':
      // Every ALTER SEQUENCE form (RESTART, INCREMENT, OWNED BY, …) opens the sequence with SHARE
      // ROW EXCLUSIVE (sequence.c AlterSequence, PG 10+), which blocks nextval() until COMMIT.
      // Every option but OWNED BY rewrites the sequence's one-row file (sequence.c init_params,
      // need_seq_rewrite): a new, empty-sized file, not a table rewrite.
      return effect(rangeVarName(n.sequence), SRE, 'ALTER SEQUENCE', {
        role: 'sequence',
        newStorage: (n.options ?? []).some((o: any) => o.DefElem?.defname !== 'owned_by'),
      });
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
      // ANALYZE reads a sample of the rows, not the whole table (no seq_scan in the statistics).
      return (n.rels ?? []).flatMap((r: any) => effect(rangeVarName(r.VacuumRelation?.relation), full ? AE : SUE, action, { rewrite: full, scan: !!n.is_vacuumcmd }));
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
      return effect(rangeVarName(n.relation), 'ROW EXCLUSIVE', 'UPDATE', { scan: !n.whereClause, scanDependsOnPlan: !!n.whereClause || undefined });
    case 'DeleteStmt':
      return effect(rangeVarName(n.relation), 'ROW EXCLUSIVE', 'DELETE', { scan: !n.whereClause, scanDependsOnPlan: !!n.whereClause || undefined });
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
        // Dropping a table drops its FKs, which locks each referenced table too, and the
        // sequences its serial / identity columns own.
        for (const c of opts.catalog.relation(q)?.constraints.values() ?? []) {
          if (c.type === 'foreign' && c.references) out.push(...effect(c.references, AE, action, { role: 'referenced' }));
        }
        if (n.removeType === 'OBJECT_TABLE') for (const sq of ownedSequences(opts.catalog, q)) out.push(...effect(sq, AE, action, { role: 'sequence' }));
        break;
      }
      case 'OBJECT_TRIGGER': {
        // DROP TRIGGER IF EXISTS of a trigger the model knows is absent only raises a notice:
        // PostgreSQL looks the trigger up before it locks the table.
        const table = listName(items?.slice(0, -1));
        if (n.missing_ok && knownWithoutTrigger(opts.catalog, table, listName(items)?.name)) break;
        out.push(...effect(table, AE, 'DROP TRIGGER'));
        break;
      }
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
  let rewriteUnless: string | undefined;
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
    rewriteUnless ??= e.rewriteUnless;
    scan ||= e.scan;
    if (!actions.includes(e.action)) actions.push(e.action);
    others.push(...e.others);
  }
  if (!mode) return [];
  return [{ relation: table, role, mode, rewrite, rewriteUnknown: rewriteUnknown || undefined, rewriteUnless, scan, action: actions.join(', ') }, ...others];
}

interface CmdEffect {
  mode: LockMode;
  rewrite: boolean;
  rewriteUnknown?: boolean;
  rewriteUnless?: string;
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
      // A domain with constraints: every row is checked against them, by rewriting the table.
      rewrite ||= !!opts.catalog.domain(t)?.constrained;
      rewrite ||= cons.some((c) => c.contype === 'CONSTR_IDENTITY' || (c.contype === 'CONSTR_GENERATED' && !isVirtualGenerated(c)));
      if (dflt) {
        if (opts.pgVersion < 11 && !isNullConstant(dflt.raw_expr)) rewrite = true;
        else if (expressionVolatility(dflt.raw_expr, (f) => opts.catalog.functionVolatility(f)).volatility === 'volatile') rewrite = true;
      }
      const others: LockEffect[] = [];
      let scan = false;
      for (const c of cons) {
        if (c.contype === 'CONSTR_FOREIGN') {
          // The new column is all NULL, so the FK is validated without reading either table.
          others.push(...effect(rangeVarName(c.pktable), SRE, 'ADD COLUMN … REFERENCES', { role: 'referenced' }));
        }
        if (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') scan = true;
      }
      return base(AE, 'ADD COLUMN', { rewrite, scan, others });
    }
    case 'AT_AlterColumnType': {
      const named = typeRef(cmd.def?.ColumnDef?.typeName);
      // To a domain: a constrained one checks every row (rewrite); an unconstrained one is its base type.
      const domain = opts.catalog.domain(named);
      const to = domain && !domain.constrained ? domain.base : named;
      const using = !!cmd.def?.ColumnDef?.raw_default;
      const rel = opts.catalog.relation(table);
      const from = rel?.uncertain ? undefined : rel?.columns.get(cmd.name)?.type;
      let rewrite = true;
      let rewriteUnknown = false;
      let rewriteUnless: string | undefined;
      if (to && !using && !domain?.constrained) {
        if (from) rewrite = !isRewriteFreeTypeChange(from, to);
        else if (couldBeRewriteFree(to)) { rewrite = false; rewriteUnknown = true; }
        if (rewrite && from?.name === 'timestamp' && to.name === 'timestamptz' && opts.pgVersion >= 12) rewriteUnless = 'the session TimeZone is UTC';
      }
      // Foreign keys of other tables to this column are dropped and re-added (their tables are
      // locked, and re-checked when the column's storage changes).
      const referencing = opts.catalog.dependentsOf(table, cmd.name).filter((d) => d.kind === 'foreign key' && d.on)
        .flatMap((d) => effect(d.on, AE, 'ALTER COLUMN TYPE', { role: 'referencing', scan: rewrite, rewriteUnknown: rewriteUnknown || !!rewriteUnless || undefined }));
      return base(AE, 'ALTER COLUMN TYPE', { rewrite, rewriteUnknown, rewriteUnless, scan: rewrite, others: referencing });
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
          return base(AE, c.contype === 'CONSTR_PRIMARY' ? 'ADD PRIMARY KEY' : 'ADD UNIQUE', { scan: !c.indexname || (c.contype === 'CONSTR_PRIMARY' && primaryKeyNeedsNotNullScan(opts.catalog, table, c.indexname)) });
        case 'CONSTR_EXCLUSION':
          return base(AE, 'ADD EXCLUDE', { scan: true });
        default:
          return base(AE, 'ADD CONSTRAINT');
      }
    }
    case 'AT_ValidateConstraint': {
      const ref = opts.catalog.constraint(table, cmd.name)?.references;
      // An FK's validation query joins the referenced table: both are read (no blocking lock on it).
      return base(SUE, 'VALIDATE CONSTRAINT', { scan: true, others: effect(ref, 'ROW SHARE', 'VALIDATE CONSTRAINT', { role: 'referenced', scan: true }) });
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
      // The DEFAULT partition is locked too and scanned for rows that now belong to the new one.
      const dflt = opts.catalog.partitionsOf(table).filter((r) => r.defaultPartition).flatMap((r) => effect(r.name, AE, 'ATTACH PARTITION', { role: 'partition', scan: true }));
      return base(SUE, 'ATTACH PARTITION', { others: [...effect(part, AE, 'ATTACH PARTITION', { role: 'partition', scan: true }), ...dflt] });
    }
    case 'AT_DetachPartition': {
      const part = rangeVarName(cmd.def?.PartitionCmd?.name);
      const conc = !!cmd.def?.PartitionCmd?.concurrent;
      // Tables with a foreign key to the parent lose the partition's rows from it: ACCESS
      // EXCLUSIVE on each, and a scan checking no row references the partition (observed on
      // PostgreSQL 15 and 18).
      const referencing = conc ? [] : opts.catalog.dependentsOf(table).filter((d) => d.kind === 'foreign key' && d.on).flatMap((d) => effect(d.on, AE, 'DETACH PARTITION', { role: 'referencing', scan: true }));
      return base(conc ? SUE : AE, conc ? 'DETACH PARTITION CONCURRENTLY' : 'DETACH PARTITION', { others: [...effect(part, conc ? SUE : AE, 'DETACH PARTITION', { role: 'partition' }), ...referencing] });
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
    case 'AT_DropColumn': {
      // The column's FKs go with it (ACCESS EXCLUSIVE on each referenced table, as DROP
      // CONSTRAINT), and so does the sequence a serial / identity column owns.
      const rel = opts.catalog.relation(table);
      const others: LockEffect[] = [];
      for (const c of rel?.constraints.values() ?? []) {
        if (c.type === 'foreign' && c.references && c.columns?.includes(cmd.name)) others.push(...effect(c.references, AE, 'DROP COLUMN', { role: 'referenced' }));
      }
      for (const sq of ownedSequences(opts.catalog, table, cmd.name)) others.push(...effect(sq, AE, 'DROP COLUMN', { role: 'sequence' }));
      return base(AE, 'DROP COLUMN', { others });
    }
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

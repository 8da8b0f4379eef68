// Walks a file's statements in order and keeps what rules need to know about "where" each one
// runs: the transaction it is in (explicit BEGIN, the runner's, or none), the session's
// lock_timeout, locks already held, and the schema built from the statements before it.
import { rangeVarName } from '../ast/names';
import { lockEffects, type LockEffect } from '../locks/catalogue';
import { blocksTraffic } from '../locks/modes';
import type { Section } from '../parse/sections';
import { transactionPlan } from '../project/transactions';
import type { DetectedFramework, TransactionPlan } from '../project/types';
import type { Statement } from '../parse/statement';
import { applyStatement } from './apply';
import { Catalog } from './catalog';
import { constraintKey, type MigrationInfo, type RuleContext, type TransactionSource, type TransactionView } from './rule-context';

export type TransactionMode = 'auto' | 'always' | 'never';

export interface WalkerOptions {
  pgVersion: number;
  transaction: TransactionMode;
  path: string;
  statements: readonly Statement[];
  catalog?: Catalog;
  /** The runner that applies this file and how it sends it (from project detection). */
  framework?: DetectedFramework;
  plan?: TransactionPlan;
  text?: string;
  migration?: MigrationInfo;
  lockTimeout?: string;
}

/** What a section starts in: the runner's transaction, an implicit one, or none. */
interface SectionScope {
  source: TransactionSource;
  reason: string;
  runner?: TransactionRunner;
  optOut?: string;
  /** Implicit transactions (one query / one pipeline): from the first statement, or from the second. */
  implicit?: 'all' | 'after-first';
  /** The runner is unknown: how pgsafe's assumption about it goes. */
  assumption?: string;
  /** The runner refuses to run this migration at all (Flyway's mixed-statement check). */
  runnerRefuses?: string;
  /** Statements the runner runs on their own, outside the pipeline's implicit transaction. */
  standalone?: RegExp;
}

interface TxState {
  source: TransactionSource;
  reason: string;
  runner?: TransactionRunner;
  optOut?: string;
  /** The StatementBegin/End block this implicit transaction is. */
  block?: number;
  begin?: Statement;
  earlier: Statement[];
  unprotectedHeavyLock?: { stmt: Statement; effect: LockEffect };
  accessExclusive?: { stmt: Statement; effect: LockEffect };
  workAfterAccessExclusive: number;
  notValidAdded: Map<string, Statement>;
  firstDdl?: Statement;
  firstDataChange?: Statement;
  enumValuesAdded: Map<string, Statement>;
  localLockTimeout?: Statement | null; // null: SET LOCAL lock_timeout = 0
}

/** Statement kinds whose effect on the schema the replay models (or that do not change tables). */
export const MODELLED_KINDS = new Set([
  'CreateStmt', 'CreateTableAsStmt', 'ViewStmt', 'CreateSeqStmt', 'IndexStmt', 'CreateEnumStmt', 'AlterEnumStmt',
  'CreateFunctionStmt', 'AlterTableStmt', 'RenameStmt', 'DropStmt', 'AlterObjectSchemaStmt', 'CreateTrigStmt', 'CreateSchemaStmt',
  // No change to columns, indexes or constraints:
  'TruncateStmt', 'VacuumStmt', 'ClusterStmt', 'ReindexStmt', 'RefreshMatViewStmt', 'LockStmt', 'CommentStmt', 'GrantStmt',
  'CreatePolicyStmt', 'AlterPolicyStmt', 'CreateStatsStmt', 'UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt', 'CopyStmt',
  'TransactionStmt', 'VariableSetStmt', 'DoStmt', 'SelectStmt',
]);

const DATA_KINDS = new Set(['UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt', 'CopyStmt']);
const NO_WORK_KINDS = new Set(['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt', 'DiscardStmt']);

export class MigrationWalker {
  readonly catalog: Catalog;
  /** Set when a rule reads `ctx.statements` (the engine resets it before each rule). */
  statementsRead = false;
  private tx: TxState;
  private section: Section | undefined;
  private sessionLockTimeout: Statement | undefined;
  /** Outside transactions the "once per transaction" scope is the session. */
  private sessionScope: TxState;

  constructor(private readonly opts: WalkerOptions) {
    this.catalog = opts.catalog ?? new Catalog();
    this.sessionScope = this.freshTx('none', 'no transaction block');
    this.tx = this.sessionScope;
  }

  private freshTx(source: TransactionSource, reason: string, begin?: Statement): TxState {
    return { source, reason, begin, earlier: [], workAfterAccessExclusive: 0, notValidAdded: new Map(), enumValuesAdded: new Map() };
  }

  private scope: SectionScope = { source: 'none', reason: 'no transaction block' };
  private lastIndex = -1;
  private unitStatements = 0;

  /** Track section changes, pipelines and StatementBegin/End blocks before each statement. */
  private enter(stmt: Statement): void {
    if (this.section !== stmt.section) {
      this.section = stmt.section;
      this.scope = sectionScope(stmt.section, this.opts);
      this.sessionScope = this.freshTx('none', this.scope.reason);
      this.tx = this.scope.source === 'none' || this.scope.implicit === 'after-first' ? this.sessionScope : this.openTx(this.scope.source, this.scope.reason);
      this.unitStatements = 0;
    }
    if (stmt.index === this.lastIndex) return; // statements of a DO block run inside it
    this.lastIndex = stmt.index;
    this.unitStatements++;
    if (this.scope.implicit === 'after-first' && this.unitStatements === 2 && this.tx.source === 'none') {
      this.tx = this.openTx('implicit', this.scope.reason);
    }
    if (this.tx.block !== undefined && stmt.block !== this.tx.block) {
      this.sessionScope = this.freshTx('none', this.scope.reason);
      this.tx = this.sessionScope;
    }
    // A block's statements are consecutive: it has more than one when a neighbour shares it.
    const all = this.opts.statements;
    if (stmt.block !== undefined && this.tx.source === 'none' && (all[stmt.index - 1]?.block === stmt.block || all[stmt.index + 1]?.block === stmt.block)) {
      const fw = this.opts.framework ?? stmt.section.framework ?? 'goose';
      this.tx = { ...this.openTx('implicit', `${fw} sends a StatementBegin/StatementEnd block as one query, which PostgreSQL runs as one implicit transaction`), block: stmt.block, optOut: 'its own StatementBegin/StatementEnd block (or no block), in a migration without a transaction' };
    }
  }

  private openTx(source: TransactionSource, reason: string): TxState {
    return { ...this.freshTx(source, reason), runner: this.scope.runner, optOut: this.scope.optOut };
  }

  /**
   * The walker's state before `statements[index]` (taken before entering it), for the language
   * server's incremental lint; undefined when it cannot be taken here (inside a StatementBegin/End
   * block, or while the state refers to statements embedded in a DO block).
   */
  checkpoint(index: number): WalkerCheckpoint | undefined {
    const stmts = this.opts.statements;
    const prev = stmts[index - 1];
    if (!prev || (prev.block !== undefined && prev.block === stmts[index]?.block) || this.section !== prev.section) return undefined;
    const top = (s: Statement | null | undefined) => !s || stmts[s.index] === s;
    const txOk = (t: TxState) => top(t.begin) && top(t.firstDdl) && top(t.firstDataChange) && top(t.localLockTimeout) && top(t.unprotectedHeavyLock?.stmt) && top(t.accessExclusive?.stmt)
      && t.earlier.every(top) && [...t.notValidAdded.values(), ...t.enumValuesAdded.values()].every(top);
    if (!top(this.sessionLockTimeout) || !txOk(this.tx) || !txOk(this.sessionScope)) return undefined;
    const session = copyTx(this.sessionScope, (s) => s);
    return {
      index, catalog: this.catalog.fork(), session, tx: this.tx === this.sessionScope ? session : copyTx(this.tx, (s) => s),
      sessionLockTimeout: this.sessionLockTimeout, lastIndex: this.lastIndex, unitStatements: this.unitStatements,
    };
  }

  /**
   * Continue from a checkpoint of an earlier version of the file whose statements before it are
   * unchanged. The checkpoint's catalog moves into the walker's: the checkpoint is used up.
   */
  resume(cp: WalkerCheckpoint): void {
    const stmts = this.opts.statements;
    const map = <T extends Statement | null | undefined>(s: T): T => (s ? stmts[s.index] : s) as T;
    this.catalog.takeOver(cp.catalog);
    this.section = stmts[cp.index - 1].section;
    this.scope = sectionScope(this.section, this.opts);
    this.sessionScope = copyTx(cp.session, map);
    this.tx = cp.tx === cp.session ? this.sessionScope : copyTx(cp.tx, map);
    this.sessionLockTimeout = map(cp.sessionLockTimeout);
    this.lastIndex = cp.lastIndex;
    this.unitStatements = cp.unitStatements;
  }

  contextFor(stmt: Statement): RuleContext {
    this.enter(stmt);
    const catalog = this.catalog;
    const walker = this;
    const statements = this.opts.statements;
    const locks = lockEffects(stmt, { catalog, pgVersion: this.opts.pgVersion });
    // A statement the runner takes out of the pipeline runs in no transaction (the others keep theirs).
    const tx = this.scope.standalone?.test(stmt.text) && this.tx.source === 'implicit' ? { ...this.sessionScope, reason: `${this.scope.runner} runs this statement on its own, outside the migration's pipeline` } : this.tx;
    const view: TransactionView = {
      inTransaction: tx.source !== 'none',
      source: tx.source,
      reason: tx.reason,
      assumption: this.scope.assumption,
      runnerRefuses: this.scope.runnerRefuses,
      runner: tx.runner ?? this.scope.runner,
      optOut: tx.optOut,
      begin: tx.begin,
      earlier: tx.earlier,
      unprotectedHeavyLock: tx.unprotectedHeavyLock,
      accessExclusive: tx.accessExclusive,
      workAfterAccessExclusive: tx.workAfterAccessExclusive,
      notValidAdded: tx.notValidAdded,
      firstDdl: tx.firstDdl,
      firstDataChange: tx.firstDataChange,
      enumValuesAdded: tx.enumValuesAdded,
    };
    return {
      pgVersion: this.opts.pgVersion,
      path: this.opts.path,
      text: this.opts.text ?? '',
      migration: this.opts.migration,
      lockTimeout: this.opts.lockTimeout ?? '5s',
      // Read through a getter so the incremental lint knows which rules looked at other statements.
      get statements() {
        walker.statementsRead = true;
        return statements;
      },
      catalog,
      tx: view,
      session: { lockTimeout: this.currentLockTimeout() },
      locks,
      isNew: (q) => catalog.isNew(q),
    };
  }

  private currentLockTimeout(): Statement | undefined {
    if (this.tx.localLockTimeout !== undefined) return this.tx.localLockTimeout ?? undefined;
    return this.sessionLockTimeout;
  }

  /** Record the statement's effects (after rules have checked it). */
  after(stmt: Statement, locks: readonly LockEffect[]): void {
    const n = stmt.node;
    if (!n) return;
    if (stmt.kind === 'TransactionStmt') {
      this.transactionControl(stmt);
      return;
    }
    if (stmt.kind === 'VariableSetStmt' && n.name === 'lock_timeout') {
      const value = n.kind === 'VAR_SET_VALUE' ? settingIsNonZero(n.args) : false;
      const setter = value ? stmt : undefined;
      if (n.is_local) {
        if (this.tx.source !== 'none') this.tx.localLockTimeout = setter ?? null;
      } else {
        this.sessionLockTimeout = setter;
        if (this.tx.localLockTimeout !== undefined) this.tx.localLockTimeout = undefined;
      }
    }
    const tx = this.tx;
    const existing = locks.filter((l) => !this.catalog.isNew(l.relation));
    if (!tx.unprotectedHeavyLock && !this.currentLockTimeout()) {
      const heavy = existing.find((l) => blocksTraffic(l.mode));
      if (heavy) tx.unprotectedHeavyLock = { stmt, effect: heavy };
    }
    if (tx.source !== 'none') {
      if (tx.accessExclusive && !isNoWork(stmt)) tx.workAfterAccessExclusive++;
      if (!tx.accessExclusive) {
        const ae = existing.find((l) => l.mode === 'ACCESS EXCLUSIVE');
        if (ae) tx.accessExclusive = { stmt, effect: ae };
      }
      if (!tx.firstDataChange && isDataChangeOnExisting(stmt, existing)) tx.firstDataChange = stmt;
      if (!tx.firstDdl && isDdlOnExisting(stmt, existing)) tx.firstDdl = stmt;
      if (stmt.kind === 'AlterTableStmt') {
        const table = rangeVarName(n.relation);
        for (const c of n.cmds ?? []) {
          const k = c.AlterTableCmd?.def?.Constraint;
          if (table && c.AlterTableCmd?.subtype === 'AT_AddConstraint' && k?.skip_validation && k.conname) tx.notValidAdded.set(constraintKey(table, k.conname), stmt);
        }
      }
      if (stmt.kind === 'AlterEnumStmt' && n.newVal && !n.oldVal) tx.enumValuesAdded.set(n.newVal, stmt);
      tx.earlier.push(stmt);
    }
    applyStatement(this.catalog, stmt);
    // A statement kind the replay does not model that takes ACCESS EXCLUSIVE on a known table may
    // have changed it in ways the catalog cannot follow.
    if (!MODELLED_KINDS.has(stmt.kind)) {
      for (const l of locks) {
        const r = l.mode === 'ACCESS EXCLUSIVE' ? this.catalog.relation(l.relation) : undefined;
        if (r && !r.uncertain) r.uncertain = `changed by a ${stmt.kind.replace(/Stmt$/, '')} statement the replay does not model`;
      }
    }
    // DDL that may or may not have run (inside IF / loops / exception handlers of a DO block):
    // applied, but what it touched is no longer certain.
    if ((stmt as { conditional?: boolean }).conditional) {
      for (const q of [rangeVarName(n.relation), ...locks.map((l) => l.relation)]) {
        const r = this.catalog.relation(q);
        if (r) r.uncertain = 'changed by conditional DDL in a DO block';
      }
    }
  }

  private transactionControl(stmt: Statement): void {
    const kind: string = stmt.node?.kind;
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') {
      // In a multi-statement query, BEGIN turns the implicit block into a regular one.
      if (this.tx.source === 'none') this.tx = this.openTx('begin', 'the BEGIN earlier in this file');
      else if (this.tx.source === 'implicit') this.tx = { ...this.tx, source: 'begin', begin: stmt, reason: 'the BEGIN earlier in this file' };
      if (this.tx.source === 'begin' && !this.tx.begin) this.tx.begin = stmt;
      return;
    }
    // COMMIT / ROLLBACK PREPARED act on an already prepared transaction, not on the current one.
    if (['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE'].includes(kind)) {
      if (this.tx.source !== 'none' && stmt.node?.chain && kind !== 'TRANS_STMT_PREPARE') {
        // … AND CHAIN ends this transaction and at once starts a new one like it.
        this.sessionScope = this.freshTx('none', 'no transaction block (after COMMIT)');
        this.tx = { ...this.openTx('begin', 'the transaction COMMIT AND CHAIN started'), begin: stmt };
        return;
      }
      if (this.tx.source !== 'none') {
        this.sessionScope = this.freshTx('none', 'no transaction block (after COMMIT)');
        // The rest of a multi-statement query runs in a new implicit block.
        this.tx = this.scope.implicit === 'all' && this.tx.block === undefined ? this.openTx('implicit', this.scope.reason) : this.sessionScope;
      }
    }
  }
}

/** The walker's state at a statement boundary (see MigrationWalker.checkpoint). */
export interface WalkerCheckpoint {
  index: number;
  catalog: Catalog;
  session: TxState;
  tx: TxState;
  sessionLockTimeout: Statement | undefined;
  lastIndex: number;
  unitStatements: number;
}

/** A copy of a transaction's state with every statement passed through `map`. */
function copyTx(t: TxState, map: <T extends Statement | null | undefined>(s: T) => T): TxState {
  const remap = (m: Map<string, Statement>) => new Map([...m].map(([k, v]) => [k, map(v)]));
  return {
    ...t, begin: map(t.begin), earlier: t.earlier.map(map), firstDdl: map(t.firstDdl), firstDataChange: map(t.firstDataChange),
    localLockTimeout: map(t.localLockTimeout), notValidAdded: remap(t.notValidAdded), enumValuesAdded: remap(t.enumValuesAdded),
    unprotectedHeavyLock: t.unprotectedHeavyLock && { ...t.unprotectedHeavyLock, stmt: map(t.unprotectedHeavyLock.stmt) },
    accessExclusive: t.accessExclusive && { ...t.accessExclusive, stmt: map(t.accessExclusive.stmt) },
  };
}

/** UPDATE / DELETE / MERGE / COPY FROM / INSERT … SELECT FROM on a pre-existing table (plain INSERT … VALUES is quick). */
export function isDataChangeOnExisting(stmt: Statement, existing: readonly LockEffect[]): boolean {
  if (!DATA_KINDS.has(stmt.kind) || existing.length === 0) return false;
  if (stmt.kind === 'InsertStmt') return !!stmt.node?.selectStmt?.SelectStmt?.fromClause;
  return true;
}

/** A schema change (any non-data statement) that locks a pre-existing relation. */
export function isDdlOnExisting(stmt: Statement, existing: readonly LockEffect[]): boolean {
  return !DATA_KINDS.has(stmt.kind) && existing.some((l) => l.mode !== 'ROW EXCLUSIVE' && l.mode !== 'ACCESS SHARE');
}

/** Statements that do no work on tables (they do not widen a lock window). */
export function isNoWork(stmt: Statement): boolean {
  return NO_WORK_KINDS.has(stmt.kind);
}

function settingIsNonZero(args: any[] | undefined): boolean {
  const c = args?.[0]?.A_Const;
  if (!c) return true;
  if (c.ival !== undefined) return (c.ival.ival ?? 0) !== 0;
  const s = String(c.sval?.sval ?? '').trim().toLowerCase();
  return !/^0+(\.0+)?\s*(ms|s|min|h|d|us)?$/.test(s);
}

export type TransactionRunner = DetectedFramework | 'config';

/** The transaction a section's statements start in, from config, framework plan and markers. */
export function sectionScope(section: Section, opts: Pick<WalkerOptions, 'transaction' | 'plan' | 'framework' | 'statements'>): SectionScope {
  if (opts.transaction === 'always') return { source: 'runner', runner: 'config', reason: 'the runner wraps each migration in a transaction (config "transaction": "always")' };
  if (opts.transaction === 'never') return { source: 'none', reason: 'the runner does not open a transaction (config "transaction": "never")' };
  const framework = opts.framework ?? section.framework;
  const plan = opts.plan ?? (section.framework ? transactionPlan(section.framework) : undefined);
  if (!plan || !framework) return { source: 'none', reason: 'no transaction block (the file has no BEGIN and no framework marker)' };
  const base = { runner: framework as TransactionRunner, optOut: plan.optOut };
  // Unknown runner: no transaction is assumed (precision first); rules that fail outright in a
  // one-query file can still say what would happen if the runner sends the file as one query.
  if (plan.assumed) return { ...base, runner: undefined, source: 'none', reason: 'no transaction block is known (the runner of these plain files is not known)', assumption: plan.reason };
  if (plan.autoNonTransactional) {
    const re = plan.autoNonTransactional;
    const mine = opts.statements.filter((s) => s.section.direction === section.direction);
    const outside = mine.filter((s) => re.test(s.text)).length;
    if (outside > 0 && outside === mine.length) return { ...base, source: 'none', reason: `every statement of this migration is one ${framework} runs outside a transaction, so it runs the migration without one` };
    if (outside > 0) return { ...base, source: 'runner', reason: plan.reason, runnerRefuses: `${framework} refuses a migration that mixes statements it must run outside a transaction with others ("Detected both transactional and non-transactional statements within the same migration")` };
  }
  if (plan.runnerTransaction && !section.noTransaction) return { ...base, source: 'runner', reason: plan.reason };
  const optedOut = plan.runnerTransaction ? `the ${framework} marker opts this migration out of its transaction` : '';
  const count = opts.statements.filter((s) => (plan.sending === 'section' ? s.section === section : s.section.direction === section.direction)).length;
  if (plan.sending === 'statement' || count < 2) return { ...base, source: 'none', reason: optedOut || plan.reason };
  const reason = optedOut ? `${optedOut}, but ${plan.sendingReason ?? plan.reason}` : plan.reason;
  return { ...base, source: 'implicit', reason, implicit: plan.sending === 'pipeline' ? 'after-first' : 'all', standalone: plan.standalone };
}

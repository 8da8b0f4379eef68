// Row-level security, policies and privileges of tables, as the migrations set them. The schema
// catalog models none of them, and DROP TABLE takes them all with it, so the down of a DROP TABLE
// needs them from here: ENABLE / FORCE ROW LEVEL SECURITY, each policy's CREATE POLICY text (with
// the ALTER POLICY statements made on it since) and the GRANT / REVOKE statements made on the table,
// followed through policy and table renames and drops. Also the inverses of statements on them.
import { quoteIdent, rangeVarName, stringList } from '../ast/names';
import type { Statement } from '../parse/statement';
import type { Inverse } from './invert';
import { mentions, retarget, tokens, type Tok } from './text';

export interface PolicyDef {
  /** CREATE POLICY, then each ALTER POLICY since, rewritten to the policy's and table's current names. */
  texts: string[];
  /** Why these texts no longer describe the policy (it is then reported, never re-created from them). */
  unknown?: string;
}

export interface RowSecurity {
  enabled: boolean;
  forced: boolean;
}

type Restored = { sql: string[]; notes: string[] };

/** A GRANT / REVOKE on one table, cut around its object list: `GRANT SELECT ON` + table + `TO reader`. */
interface Privilege {
  head: string;
  tail: string;
}

/** Table keys are bare names, like the rest of the ledger. */
export class TableSecurity {
  /** table → policy name → its definition. */
  readonly policies = new Map<string, Map<string, PolicyDef>>();
  /** table → row security flags; present for every table created by the migrations. */
  readonly rls = new Map<string, RowSecurity>();
  /** table → why it may have policies or row security this ledger did not see (set in a DO block). */
  readonly unseen = new Map<string, string>();
  /** table → the GRANT / REVOKE statements naming it since it was created, in order. */
  readonly privileges = new Map<string, Privilege[]>();
  /** table → why its privileges may differ from replaying those (schema-wide grants, default privileges). */
  readonly privilegeNotes = new Map<string, string>();

  clone(): TableSecurity {
    const c = new TableSecurity();
    for (const [t, m] of this.policies) c.policies.set(t, new Map([...m].map(([k, v]) => [k, { ...v, texts: [...v.texts] }])));
    for (const [t, v] of this.rls) c.rls.set(t, { ...v });
    for (const [t, v] of this.unseen) c.unseen.set(t, v);
    for (const [t, v] of this.privileges) c.privileges.set(t, [...v]);
    for (const [t, v] of this.privilegeNotes) c.privilegeNotes.set(t, v);
    return c;
  }

  policy(table: string, name: string): PolicyDef | undefined {
    return this.policies.get(table)?.get(name);
  }

  record(stmt: Statement): void {
    const n = stmt.node;
    if (!n) return;
    switch (stmt.kind) {
      case 'CreateStmt': {
        const t = rangeVarName(n.relation)?.name;
        // CREATE TABLE IF NOT EXISTS on an existing table changes nothing.
        if (t && !(n.if_not_exists && this.rls.has(t))) this.forget(t), this.rls.set(t, { enabled: false, forced: false });
        return;
      }
      case 'AlterTableStmt':
        return this.alterTable(n);
      case 'CreatePolicyStmt': {
        const t = rangeVarName(n.table)?.name;
        if (t) this.tablePolicies(t).set(n.policy_name, { texts: [stmt.text] });
        return;
      }
      case 'AlterPolicyStmt': {
        const def = this.policy(rangeVarName(n.table)?.name ?? '', n.policy_name);
        if (def) def.texts.push(stmt.text);
        return;
      }
      case 'DropStmt':
        if (n.removeType === 'OBJECT_TABLE') for (const o of n.objects ?? []) this.forget(stringList(o.List?.items).pop() ?? '');
        if (n.removeType === 'OBJECT_POLICY') {
          for (const o of n.objects ?? []) {
            const names = stringList(o.List?.items);
            this.policies.get(names[names.length - 2] ?? '')?.delete(names[names.length - 1] ?? '');
          }
        }
        return;
      case 'RenameStmt':
        if (n.renameType === 'OBJECT_POLICY') this.renamePolicy(rangeVarName(n.relation)?.name ?? '', n.subname, n.newname);
        else if (n.renameType === 'OBJECT_TABLE' || n.renameType === 'OBJECT_VIEW' || n.renameType === 'OBJECT_MATVIEW' || n.renameType === 'OBJECT_FOREIGN_TABLE') {
          this.renameTable(rangeVarName(n.relation)?.name ?? '', n.newname, n.renameType === 'OBJECT_TABLE');
        }
        return;
      case 'DoStmt':
        this.noteDoBlock(stmt.text);
        return;
      case 'GrantStmt':
        this.grant(stmt);
        return;
      case 'AlterDefaultPrivilegesStmt':
        for (const t of this.rls.keys()) this.notePrivileges(t, 'default privileges changed after it was created: the re-created table gets the ones in force when the down runs');
        return;
      default:
    }
  }

  /**
   * What a re-created `table` (written `sqlName` in the down) needs back: its row security flags
   * and its policies. `notes` says what cannot be put back and why: the down is then partial.
   */
  restore(table: string, sqlName: string): Restored {
    const out: Restored = { sql: [], notes: [] };
    const rls = this.rls.get(table);
    if (rls?.enabled) out.sql.push(`ALTER TABLE ${sqlName} ENABLE ROW LEVEL SECURITY;`);
    if (rls?.forced) out.sql.push(`ALTER TABLE ${sqlName} FORCE ROW LEVEL SECURITY;`);
    for (const [name, def] of this.policies.get(table) ?? []) {
      if (def.unknown) out.notes.push(`policy ${name} on ${sqlName} is not re-created: ${def.unknown}`);
      else out.sql.push(...def.texts.map((t) => `${t};`));
    }
    const unseen = this.unseen.get(table);
    if (unseen) out.notes.push(`${sqlName} may have had row level security or policies that pgsafe cannot read: ${unseen}`);
    for (const p of this.privileges.get(table) ?? []) out.sql.push(`${p.head} TABLE ${sqlName} ${p.tail};`);
    const privileges = this.privilegeNotes.get(table);
    if (privileges) out.notes.push(`the privileges on ${sqlName} may differ: ${privileges}`);
    return out;
  }

  private tablePolicies(table: string): Map<string, PolicyDef> {
    let m = this.policies.get(table);
    if (!m) this.policies.set(table, (m = new Map()));
    return m;
  }

  private notePrivileges(table: string, why: string): void {
    const had = this.privilegeNotes.get(table);
    this.privilegeNotes.set(table, had && !had.includes(why) ? `${had}; ${why}` : why);
  }

  private forget(table: string): void {
    for (const m of [this.policies, this.rls, this.unseen, this.privileges, this.privilegeNotes] as Map<string, unknown>[]) m.delete(table);
  }

  /**
   * GRANT / REVOKE on tables the migrations created, kept per table with the object list cut out
   * (re-made for the table alone under its name at the time of the down). Schema-wide ones
   * (ALL TABLES IN SCHEMA) are noted, not replayed: which tables they reached is not tracked.
   */
  private grant(stmt: Statement): void {
    const n = stmt.node!;
    if (n.objtype !== 'OBJECT_TABLE') return;
    if (n.targtype !== 'ACL_TARGET_OBJECT') {
      for (const t of this.rls.keys()) this.notePrivileges(t, 'a GRANT or REVOKE on ALL TABLES IN SCHEMA ran after it was created');
      return;
    }
    const cut = cutObjects(stmt.text, n.is_grant ? 'to' : 'from');
    for (const o of n.objects ?? []) {
      const t = o.RangeVar?.relname;
      if (!t || !this.rls.has(t)) continue;
      if (!cut) this.notePrivileges(t, 'pgsafe could not read a GRANT or REVOKE on it');
      else this.privileges.set(t, [...(this.privileges.get(t) ?? []), cut]);
    }
  }

  private alterTable(n: any): void {
    const t = rangeVarName(n.relation)?.name;
    if (!t) return;
    for (const c of n.cmds ?? []) {
      const sub = c.AlterTableCmd?.subtype;
      const flags = FLAGS[sub];
      if (!flags) continue;
      let s = this.rls.get(t);
      if (!s) this.rls.set(t, (s = { enabled: false, forced: false }));
      Object.assign(s, flags);
    }
  }

  private renamePolicy(table: string, from: string, to: string): void {
    const m = this.policies.get(table);
    const def = m?.get(from);
    if (!m || !def) return;
    m.delete(from);
    m.set(to, renamed(def, (t) => retarget(t, { keyword: 'policy', name: to })));
  }

  /**
   * A relation renamed: its own flags and policies move to the new name with their ON clause
   * rewritten; any other policy whose text names it (a subquery in USING) no longer says what
   * PostgreSQL has (it follows the rename by OID) and is marked unknown.
   */
  private renameTable(from: string, to: string, isTable: boolean): void {
    if (!from) return;
    for (const [table, m] of this.policies) {
      if (isTable && table === from) continue;
      for (const def of m.values()) {
        if (!def.unknown && def.texts.some((t) => mentions(t, from))) def.unknown = `its text names ${from}, which was renamed to ${to} after it was created`;
      }
    }
    if (!isTable) return;
    const own = this.policies.get(from);
    if (own) {
      this.policies.delete(from);
      this.policies.set(to, new Map([...own].map(([k, def]) => [k, renamed(def, (t) => retarget(t, { table: to, from }), `its text names ${from}, which was renamed to ${to} after it was created`)])));
    }
    for (const m of [this.rls, this.unseen, this.privileges, this.privilegeNotes] as Map<string, any>[]) {
      const v = m.get(from);
      if (v === undefined) continue;
      m.delete(from);
      m.set(to, v);
    }
  }

  /** A DO block that creates policies or sets row security: on the tables it names, they are unknown. */
  private noteDoBlock(text: string): void {
    if (!/\b(create|alter|drop)\s+policy\b|\brow\s+level\s+security\b/i.test(text)) return;
    for (const t of this.rls.keys()) if (new RegExp(`\\b${t.replace(/[^\w]/g, '\\$&')}\\b`, 'i').test(text)) this.unseen.set(t, 'a DO block that names it creates policies or sets row level security');
  }
}

/** `GRANT SELECT ON TABLE a, b TO r` → `GRANT SELECT ON` and `TO r` (the first top-level ON, then TO / FROM). */
function cutObjects(text: string, word: 'to' | 'from'): Privilege | undefined {
  let depth = 0;
  let on: Tok | undefined;
  for (const t of tokens(text)) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && !on && t.text.toLowerCase() === 'on') on = t;
    else if (depth === 0 && on && t.text.toLowerCase() === word) return { head: text.slice(0, on.end), tail: text.slice(t.start) };
  }
  return undefined;
}

const FLAGS: Record<string, Partial<RowSecurity>> = {
  AT_EnableRowSecurity: { enabled: true },
  AT_DisableRowSecurity: { enabled: false },
  AT_ForceRowSecurity: { forced: true },
  AT_NoForceRowSecurity: { forced: false },
};

/** `def` with every text rewritten; unknown when a rewrite fails or leaves a stale mention. */
function renamed(def: PolicyDef, rewrite: (t: string) => { text: string; stale: boolean } | undefined, staleWhy?: string): PolicyDef {
  if (def.unknown) return def;
  const texts: string[] = [];
  for (const t of def.texts) {
    const r = rewrite(t);
    if (!r) return { texts: def.texts, unknown: 'pgsafe could not follow a rename in its text' };
    if (r.stale) return { texts: def.texts, unknown: staleWhy ?? 'its text names a renamed table' };
    texts.push(r.text);
  }
  return { texts };
}

/**
 * ENABLE / DISABLE / FORCE / NO FORCE ROW LEVEL SECURITY: the ledger knows the flag before for
 * tables the migrations created (a no-op when it was already so); otherwise the opposite is assumed.
 */
export function invertRowSecurity(subtype: string, t: string, before: { enabled: boolean; forced: boolean } | undefined): Inverse {
  const force = subtype === 'AT_ForceRowSecurity' || subtype === 'AT_NoForceRowSecurity';
  const on = subtype === 'AT_EnableRowSecurity' || subtype === 'AT_ForceRowSecurity';
  const was = before && (force ? before.forced : before.enabled);
  if (was === on) return { status: 'no-op', sql: [], reason: `row level security was already ${force ? (on ? 'forced' : 'not forced') : on ? 'on' : 'off'}` };
  const sql = `${t} ${force ? (on ? 'NO FORCE' : 'FORCE') : on ? 'DISABLE' : 'ENABLE'} ROW LEVEL SECURITY;`;
  return { status: 'inverted', sql: [sql], reason: was === undefined && !force ? `assumes row level security was ${on ? 'off' : 'on'} before` : undefined };
}

/**
 * A policy put back as it was before this statement: its CREATE text and the ALTER POLICY statements
 * since. `dropFirst` (the table as the up wrote it) when it still exists (the inverse of an ALTER POLICY).
 */
export function restorePolicy(security: TableSecurity, name: string, dropFirst: string | undefined, table: string | undefined): Inverse {
  const def = table === undefined ? undefined : security.policy(table, name);
  if (!def || def.unknown) return { status: 'unsupported', sql: [], reason: `the previous definition of policy ${name} is not known${def?.unknown ? `: ${def.unknown}` : ''}` };
  const drop = dropFirst ? [`DROP POLICY IF EXISTS ${quoteIdent(name)} ON ${dropFirst};`] : [];
  return { status: 'inverted', sql: [...drop, ...def.texts.map((t) => `${t};`)], reason: dropFirst ? 'restores the previous definition of the policy' : undefined };
}

/** GRANT → REVOKE of the same privileges from the same roles (the text between the keywords kept). */
export function invertGrant(stmt: Statement): Inverse {
  const n = stmt.node!;
  if (!n.is_grant) return { status: 'unsupported', sql: [], reason: 'the privileges held before a REVOKE are not known' };
  const toks = tokens(stmt.text);
  if (toks[0]?.text.toLowerCase() !== 'grant') return { status: 'unsupported', sql: [], reason: 'unexpected GRANT text' };
  let depth = 0;
  let to = -1;
  let withAt = -1;
  toks.forEach((t, i) => {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.text.toLowerCase() === 'to' && to === -1) to = i;
    else if (depth === 0 && to !== -1 && t.text.toLowerCase() === 'with' && withAt === -1) withAt = i;
    else if (depth === 0 && to !== -1 && t.text.toLowerCase() === 'granted' && withAt === -1) withAt = i;
  });
  if (to === -1) return { status: 'unsupported', sql: [], reason: 'unexpected GRANT text' };
  const end = withAt === -1 ? stmt.text.length : toks[withAt].start;
  return { status: 'inverted', sql: [`REVOKE${stmt.text.slice(toks[0].end, toks[to].start)}FROM${stmt.text.slice(toks[to].end, end).trimEnd()};`], reason: 'assumes the roles did not hold these privileges before' };
}

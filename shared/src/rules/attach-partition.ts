import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, lockPhrase, name, rangeAt } from './_helpers';
import { rangeVarName, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import { defaultPartitionSeen } from './_drops';

/** A validated CHECK constraint on the table (other than `col IS NOT NULL`): assumed to match the bound. */
function hasValidatedCheck(ctx: RuleContext, table: QName): boolean {
  for (const c of ctx.catalog.relation(table)?.constraints.values() ?? []) {
    if (c.type === 'check' && c.validated && !c.notNullColumn) return true;
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'attach-partition',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'ATTACH PARTITION of an existing table scans it under an ACCESS EXCLUSIVE lock unless a matching CHECK constraint was validated first.',
    docs: docsUrl('attach-partition'),
    fixable: false,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table: parent, cmd } of alterCommands(stmt)) {
      if (cmd.subtype !== 'AT_AttachPartition') continue;
      const pc = cmd.def?.PartitionCmd;
      const part = rangeVarName(pc?.name);
      if (!part) continue;
      const p = name(parent);
      const c = name(part);
      const scan = !ctx.isNew(part) && !hasValidatedCheck(ctx, part);
      const parentLock = ctx.pgVersion < 12 && !ctx.isNew(parent);
      const dflt = pc?.bound?.is_default || ctx.isNew(parent) ? undefined : defaultPartitionSeen(ctx, stmt, parent);
      const knownDefault = dflt && !ctx.isNew(dflt) ? dflt : undefined;
      if (!scan && !parentLock && !knownDefault) continue;
      const said: string[] = [];
      if (scan) said.push(`ATTACH PARTITION ${c} takes ${lockPhrase('ACCESS EXCLUSIVE', part)}, and scans every row of ${c} under it to check that each one fits the partition bound.`);
      if (parentLock) said.push(`${scan ? 'Before PostgreSQL 12 it also holds' : `Before PostgreSQL 12, ATTACH PARTITION holds`} ${lockPhrase('ACCESS EXCLUSIVE', parent)} — the whole partitioned table${scan ? ' — for the whole scan' : ''}.`);
      if (knownDefault) said.push(`${name(parent)}'s DEFAULT partition ${name(knownDefault)} is locked ACCESS EXCLUSIVE as well and scanned, to check that none of its rows belong in ${c}.`);
      else if (scan && !pc?.bound?.is_default) said.push(`If ${p} has a DEFAULT partition, it is locked and scanned the same way.`);
      const help: string[] = [];
      if (scan) help.push(`Before attaching, add a CHECK constraint that matches the partition bound, NOT VALID, and VALIDATE it in a separate transaction (SHARE UPDATE EXCLUSIVE: reads and writes continue): \`ALTER TABLE ${c} ADD CONSTRAINT ${part.name}_bound CHECK (<the bound as a condition>) NOT VALID;\` then \`ALTER TABLE ${c} VALIDATE CONSTRAINT ${part.name}_bound;\` — ATTACH then skips the scan, and the CHECK can be dropped afterwards.`);
      if (knownDefault || (scan && !pc?.bound?.is_default)) help.push(`Give the DEFAULT partition a validated CHECK that excludes the new bound the same way, so it is not scanned.`);
      if (parentLock) help.push(`Before PostgreSQL 12 the lock on ${p} cannot be avoided: set a short lock_timeout, retry on timeout, and attach at a quiet time.`);
      out.push({ ...rangeAt(stmt, pc?.name?.location), message: said.join(' '), help: help.join(' ') });
    }
    return out;
  },
});

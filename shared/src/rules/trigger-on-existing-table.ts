import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, lockPhrase, name, rangeAt } from './_helpers';
import { listName, quoteIdent, rangeVarName, sameName, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import { earlierStatements, followingStatements } from './_drops';

function createsTrigger(s: Statement, trigger: string, table: QName): boolean {
  const t = rangeVarName(s.node?.relation);
  return s.kind === 'CreateTrigStmt' && s.node?.trigname === trigger && !!t && sameName(t, table);
}

function dropsTrigger(s: Statement, trigger: string, table: QName): boolean {
  if (s.kind !== 'DropStmt' || s.node?.removeType !== 'OBJECT_TRIGGER') return false;
  return (s.node.objects ?? []).some((o: any) => {
    const items: any[] = o.List?.items ?? [];
    const t = listName(items.slice(0, -1));
    return items[items.length - 1]?.String?.sval === trigger && !!t && sameName(t, table);
  });
}

function dropsTable(s: Statement, table: QName): boolean {
  if (s.kind !== 'DropStmt' || s.node?.removeType !== 'OBJECT_TABLE') return false;
  return (s.node.objects ?? []).some((o: any) => {
    const t = listName(o.List?.items);
    return !!t && sameName(t, table);
  });
}

function help(ctx: RuleContext, extra: string): string {
  const timeout = ctx.session.lockTimeout
    ? 'The lock is brief but still queues behind long-running queries (the lock_timeout set earlier keeps that wait short).'
    : `The lock is brief but still queues behind long-running queries, and every query on the table waits behind it: set \`SET ${ctx.tx.inTransaction ? 'LOCAL ' : ''}lock_timeout = '5s';\` before it and retry on timeout.`;
  return `${timeout} ${extra}`;
}

const LOGIC = 'Keep the trigger function small and fast, test it at production write rates, and make sure the application deployed alongside expects its effects.';

export default defineRule({
  meta: {
    id: 'trigger-on-existing-table',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'CREATE / DROP / ENABLE / DISABLE TRIGGER on an existing table: locks it and changes what every write to it does.',
    docs: docsUrl('trigger-on-existing-table'),
    fixable: false,
  },
  statementKinds: ['CreateTrigStmt', 'DropStmt', 'AlterTableStmt'],
  // followingStatements: the table dropped or the trigger created again later, and where the transaction ends.
  lookAhead: (later) => ['DropStmt', 'CreateTrigStmt', 'TransactionStmt'].includes(later.kind),
  check(stmt, ctx) {
    const n = stmt.node;
    if (!n) return undefined;
    if (stmt.kind === 'CreateTrigStmt') {
      const table = rangeVarName(n.relation);
      if (!table || ctx.isNew(table)) return undefined;
      const what = n.isconstraint ? 'CREATE CONSTRAINT TRIGGER' : n.replace ? 'CREATE OR REPLACE TRIGGER' : 'CREATE TRIGGER';
      const trig = String(n.trigname);
      // DROP TRIGGER x + CREATE TRIGGER x: one finding, here (the drop is not reported when both commit together).
      const scope = ctx.tx.inTransaction ? ctx.tx.earlier : earlierStatements(ctx, stmt);
      const replaced = scope.some((s) => dropsTrigger(s, trig, table));
      const replaceHint = replaced && !n.isconstraint
        ? ctx.pgVersion >= 14
          ? ` Use \`CREATE OR REPLACE TRIGGER ${quoteIdent(trig)} …\` instead of DROP TRIGGER + CREATE TRIGGER: it swaps the trigger atomically and avoids the DROP's ACCESS EXCLUSIVE lock.`
          : ' (CREATE OR REPLACE TRIGGER, from PostgreSQL 14, would avoid the DROP\'s ACCESS EXCLUSIVE lock.)'
        : '';
      return {
        ...rangeAt(stmt, n.relation.location),
        message: `${what} ${quoteIdent(trig)} ${replaced ? `re-creates the trigger dropped above (that DROP took an ACCESS EXCLUSIVE lock on ${name(table)}, which blocks all reads and writes) and ` : ''}takes ${lockPhrase('SHARE ROW EXCLUSIVE', table)}, and from then on its function runs on every matching write to ${name(table)}: its cost and its errors become part of the application's INSERT, UPDATE and DELETE statements.`,
        help: help(ctx, LOGIC + replaceHint),
      };
    }
    if (stmt.kind === 'DropStmt' && n.removeType === 'OBJECT_TRIGGER') {
      const out: RuleReport[] = [];
      for (const o of n.objects ?? []) {
        const items: any[] = o.List?.items ?? [];
        const table: QName | undefined = listName(items.slice(0, -1));
        const trig = items[items.length - 1]?.String?.sval;
        if (!table || ctx.isNew(table)) continue;
        const following = followingStatements(ctx, stmt);
        if (following.later.some((s) => dropsTable(s, table))) continue; // the table goes too: drop-table reports it
        if (following.atomic.some((s) => createsTrigger(s, String(trig), table))) continue; // replaced in the same transaction: reported at the CREATE
        const recreated = following.later.find((s) => createsTrigger(s, String(trig), table));
        if (recreated) {
          out.push({
            message: `DROP TRIGGER ${quoteIdent(String(trig))} takes ${lockPhrase('ACCESS EXCLUSIVE', table)} (briefly), and the trigger is created again below in a separate transaction: writes to ${name(table)} in between skip it.`,
            help: help(ctx, ctx.pgVersion >= 14
              ? `Replace it atomically with \`CREATE OR REPLACE TRIGGER ${quoteIdent(String(trig))} …\` (no DROP, no ACCESS EXCLUSIVE lock), or run the DROP and the CREATE in one transaction.`
              : 'Run the DROP and the CREATE in one transaction.'),
            related: [{ start: recreated.start, end: recreated.end, message: 'the trigger is created again here, after the DROP has committed' }],
          });
          continue;
        }
        out.push({
          message: `DROP TRIGGER ${quoteIdent(String(trig))} takes ${lockPhrase('ACCESS EXCLUSIVE', table)} (briefly), and from then on writes to ${name(table)} no longer run its logic.`,
          help: help(ctx, 'Make sure no running application code relies on what the trigger did (audit rows, derived columns, sync to another table) before dropping it.'),
        });
      }
      return out;
    }
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (!/^AT_(Enable|Disable)(Always|Replica)?Trig(All|User)?$/.test(String(cmd.subtype)) || ctx.isNew(table)) continue;
      const disable = String(cmd.subtype).startsWith('AT_Disable');
      const which = String(cmd.subtype).endsWith('All') ? 'ALL' : String(cmd.subtype).endsWith('User') ? 'USER' : quoteIdent(String(cmd.name));
      const verb = disable ? 'DISABLE' : cmd.subtype.includes('Always') ? 'ENABLE ALWAYS' : cmd.subtype.includes('Replica') ? 'ENABLE REPLICA' : 'ENABLE';
      out.push({
        message: `${verb} TRIGGER ${which} takes ${lockPhrase('SHARE ROW EXCLUSIVE', table)}, and changes what every write to ${name(table)} does, from every session: ${disable
          ? `writes no longer run ${which === 'ALL' ? 'any trigger — including the internal ones that enforce foreign keys —' : which === 'USER' ? 'the table\'s own triggers' : 'it'} until it is enabled again, so whatever they maintain drifts.`
          : `${which === 'ALL' || which === 'USER' ? 'the triggers' : 'its function'} run${which === 'ALL' || which === 'USER' ? '' : 's'} on every matching write.`}`,
        help: help(ctx, disable
          ? 'Prefer making only the one session that must skip the trigger skip it — `SET LOCAL session_replication_role = replica` (a superuser setting) or a switch the trigger function checks —, instead of disabling it for every session.'
          : LOGIC),
      });
    }
    return out;
  },
});

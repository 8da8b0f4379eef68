import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, lockPhrase, name, related } from './_helpers';
import { separateTransactionAdvice, transactionWhy } from './_columns';
import { quoteIdent, rangeVarName, type QName } from '../ast/names';
import { constraintKey } from '../context/rule-context';
import type { Statement } from '../parse/statement';

/** The NOT VALID constraint named `conname` that `add` (an ALTER TABLE) adds to `table`. */
function addedConstraint(add: Statement, conname: string): any {
  for (const { cmd } of alterCommands(add)) {
    const c = cmd.def?.Constraint;
    if (cmd.subtype === 'AT_AddConstraint' && c?.conname === conname && c.skip_validation) return c;
  }
  return undefined;
}

/** What the ADD … NOT VALID locked, and therefore what stays blocked while VALIDATE scans. */
function heldLocks(table: QName, c: any): { phrase: string; blocked: string } {
  if (c?.contype === 'CONSTR_FOREIGN') {
    const ref = rangeVarName(c.pktable);
    return {
      phrase: `SHARE ROW EXCLUSIVE locks on ${name(table)} and ${name(ref)}`,
      blocked: `writes to both ${name(table)} and ${name(ref)} are blocked`,
    };
  }
  return { phrase: lockPhrase('ACCESS EXCLUSIVE', table), blocked: `all reads and writes on ${name(table)} are blocked` };
}

export default defineRule({
  meta: {
    id: 'validate-in-same-transaction',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'VALIDATE CONSTRAINT in the same transaction as the ADD … NOT VALID: the ADD\'s lock is still held during the validation scan.',
    docs: docsUrl('validate-in-same-transaction'),
    fixable: false,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    const cmds = alterCommands(stmt);
    cmds.forEach(({ table, cmd }, i) => {
      if (cmd.subtype !== 'AT_ValidateConstraint' || !cmd.name || ctx.isNew(table)) return;
      const conname: string = cmd.name;
      const shown = quoteIdent(conname);
      // Same ALTER TABLE: `ADD … NOT VALID, VALIDATE CONSTRAINT …` is one statement, one lock.
      const sameStatement = cmds.slice(0, i).some(({ cmd: c }) => c.subtype === 'AT_AddConstraint' && c.def?.Constraint?.conname === conname && c.def.Constraint.skip_validation);
      if (sameStatement) {
        const { phrase, blocked } = heldLocks(table, addedConstraint(stmt, conname));
        out.push({
          message: `VALIDATE CONSTRAINT ${shown} runs in the same ALTER TABLE as its ADD … NOT VALID, so the scan happens while the ADD still holds ${phrase}: ${blocked} for the whole scan, and NOT VALID gains nothing.`,
          help: `Split it: ADD CONSTRAINT ${shown} … NOT VALID in one transaction, then \`ALTER TABLE ${name(table)} VALIDATE CONSTRAINT ${shown};\` in a later one (it takes SHARE UPDATE EXCLUSIVE, which lets reads and writes continue).`,
        });
        return;
      }
      if (!ctx.tx.inTransaction) return;
      const add = ctx.tx.notValidAdded.get(constraintKey(table, conname));
      if (!add) return;
      const { phrase, blocked } = heldLocks(table, addedConstraint(add, conname));
      out.push({
        message: `VALIDATE CONSTRAINT ${shown} runs in the same transaction as the ADD CONSTRAINT ${shown} … NOT VALID before it; they share a transaction because ${transactionWhy(ctx)}. That ADD took ${phrase}, held until the transaction ends, so the validation scan runs under it: ${blocked} for the whole scan, and NOT VALID gains nothing.`,
        help: `Commit the ADD … NOT VALID first, then validate in a new transaction: ${separateTransactionAdvice(ctx, `the VALIDATE CONSTRAINT`)}. On its own, VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE, which lets reads and writes continue during the scan.`,
        related: related(add, `${shown} is added NOT VALID here, in the same transaction`),
      });
    });
    return out;
  },
});

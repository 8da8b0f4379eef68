import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, lockPhrase, name, rangeAt } from './_helpers';

export default defineRule({
  meta: {
    id: 'exclusion-constraint',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'ADD CONSTRAINT … EXCLUDE on an existing table builds its index and checks every row under an ACCESS EXCLUSIVE lock; there is no online way.',
    docs: docsUrl('exclusion-constraint'),
    fixable: false,
  },
  statementKinds: ['AlterTableStmt'],
  check(stmt, ctx) {
    const out: RuleReport[] = [];
    for (const { table, cmd } of alterCommands(stmt)) {
      if (cmd.subtype !== 'AT_AddConstraint' || ctx.isNew(table)) continue;
      const c = cmd.def?.Constraint;
      if (c?.contype !== 'CONSTR_EXCLUSION') continue;
      const t = name(table);
      const method = c.access_method ?? 'btree';
      out.push({
        ...rangeAt(stmt, c.location),
        message: `ADD CONSTRAINT ${c.conname ? `${c.conname} ` : ''}EXCLUDE builds a ${method} index over every row of ${t} and checks each row against the others while holding ${lockPhrase('ACCESS EXCLUSIVE', table)}, for the whole build.`,
        help: `Exclusion constraints have no online path: no NOT VALID, no USING INDEX, and a prebuilt index cannot be attached. Options: run it in a maintenance window with a short \`SET lock_timeout\` and retries so it never queues in front of traffic for long; or create a new table that has the constraint, copy the rows over in batches (with a trigger for new writes) and swap the tables; or enforce the rule with a trigger until a window is available.`,
      });
    }
    return out;
  },
});

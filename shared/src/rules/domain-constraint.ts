import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, lockPhrase, name, rangeAt } from './_helpers';
import { columnConstraints, domainOf, domainsBefore } from './_columns';
import { displayName, listName, quoteIdent, sameName } from '../ast/names';
import { typeRef } from '../ast/types';

export default defineRule({
  meta: {
    id: 'domain-constraint',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'ALTER DOMAIN … ADD CONSTRAINT without NOT VALID checks every column of every table that uses the domain, blocking writes to them; adding a column of a constrained domain rewrites the table.',
    docs: docsUrl('domain-constraint'),
    fixable: false,
  },
  statementKinds: ['AlterDomainStmt', 'AlterTableStmt'],
  check(stmt, ctx) {
    const n = stmt.node;
    if (!n) return undefined;
    if (stmt.kind === 'AlterDomainStmt') {
      const domain = listName(n.typeName);
      if (!domain) return undefined;
      const c = n.def?.Constraint;
      const setNotNull = n.subtype === 'O';
      const addCheck = n.subtype === 'C' && c?.contype === 'CONSTR_CHECK' && !c.skip_validation;
      const addNotNull = n.subtype === 'C' && c?.contype === 'CONSTR_NOTNULL' && !c.skip_validation;
      if (!setNotNull && !addCheck && !addNotNull) return undefined;
      // A domain created earlier in this file is only used by columns this file added.
      if (domainsBefore(ctx, stmt).some((d) => d.createdInFile && sameName(d.name, domain))) return undefined;
      const d = displayName(domain);
      const what = setNotNull ? 'SET NOT NULL' : `ADD CONSTRAINT ${c.conname ? `${c.conname} ` : ''}${addCheck ? 'CHECK' : 'NOT NULL'}`;
      const cname = quoteIdent(c?.conname ?? `${domain.name}_check`);
      const nn = quoteIdent(`${domain.name}_not_null`);
      const recipe = addCheck
        ? `Add it with NOT VALID (\`ALTER DOMAIN ${d} ADD CONSTRAINT ${cname} CHECK (…) NOT VALID;\`): instant, and new values are checked from then on. Then run \`ALTER DOMAIN ${d} VALIDATE CONSTRAINT ${cname};\` in its own transaction at a quiet time, with a lock_timeout`
        : `Use a CHECK instead: \`ALTER DOMAIN ${d} ADD CONSTRAINT ${nn} CHECK (VALUE IS NOT NULL) NOT VALID;\` (instant), then \`ALTER DOMAIN ${d} VALIDATE CONSTRAINT ${nn};\` in its own transaction at a quiet time, with a lock_timeout`;
      return {
        ...rangeAt(stmt, c?.location),
        message: `ALTER DOMAIN ${d} ${what} checks the values of every column of every table that uses ${d}, holding a SHARE lock on each of those tables (blocks INSERT, UPDATE and DELETE; reads continue) until the transaction commits.`,
        help: `${recipe} (up to PostgreSQL 18 validation still takes SHARE locks on those tables, but only for the scan, in a transaction you can retry). If only a few columns use the domain, a table CHECK constraint added NOT VALID and validated separately checks them without blocking writes.`,
      };
    }
    // ADD COLUMN of a domain that has constraints (known from CREATE/ALTER DOMAIN earlier in the file).
    const cmds = alterCommands(stmt).filter(({ cmd }) => cmd.subtype === 'AT_AddColumn');
    if (cmds.length === 0) return undefined;
    const domains = domainsBefore(ctx, stmt).filter((x) => x.constraints.length > 0);
    if (domains.length === 0) return undefined;
    const out: RuleReport[] = [];
    for (const { table, cmd } of cmds) {
      if (ctx.isNew(table)) continue;
      const def = cmd.def?.ColumnDef;
      const dom = domainOf(domains, typeRef(def?.typeName));
      if (!dom) continue;
      const t = name(table);
      const hasDefault = columnConstraints(def).some((c) => c.contype === 'CONSTR_DEFAULT');
      const kindList = [...new Set(dom.constraints.map((k) => (k === 'CONSTR_CHECK' ? 'CHECK' : 'NOT NULL')))];
      const kinds = kindList.length > 1 ? `${kindList.join(' and ')} constraints` : `a ${kindList[0]} constraint`;
      const fails = kindList.includes('NOT NULL') && !hasDefault ? ` And since the domain is NOT NULL and the column has no default, the statement fails as soon as ${t} has a row.` : '';
      out.push({
        ...rangeAt(stmt, def?.location),
        message: `ADD COLUMN ${quoteIdent(def.colname)} ${displayName(dom.name)} rewrites ${t} and all its indexes: the domain has ${kinds}, so PostgreSQL checks them against the new column's value in every existing row${hasDefault ? '' : ' (even the NULLs)'}, rewriting the table while holding ${lockPhrase('ACCESS EXCLUSIVE', table)}.${fails}`,
        help: `Add the column with the domain's base type (instant), backfill it in batches, then add the rule as a table CHECK constraint with NOT VALID and VALIDATE CONSTRAINT in a separate transaction (and switch the column to the domain only in a maintenance window, since ALTER COLUMN TYPE to a constrained domain rewrites too).`,
      });
    }
    return out;
  },
});

import { defineRule, docsUrl, type RuleReport } from './types';
import { columnLabel, columnTypeSites } from './_flow';
import { quoteIdent } from '../ast/names';

export default defineRule({
  meta: {
    id: 'prefer-text-field',
    category: 'style',
    defaultLevel: 'off',
    description: 'varchar(n) columns: the length limit is hard to change later; use text, with a CHECK constraint when a limit is needed.',
    docs: docsUrl('prefer-text-field'),
    fixable: false,
  },
  statementKinds: ['CreateStmt', 'AlterTableStmt'],
  check(stmt) {
    const out: RuleReport[] = [];
    for (const site of columnTypeSites(stmt)) {
      if (site.type.schema || site.type.name !== 'varchar' || site.type.mods.length === 0) continue;
      const n = site.type.mods[0];
      const col = quoteIdent(site.column);
      out.push({
        start: site.start,
        end: site.end,
        message: `${columnLabel(site)} is varchar(${n}): the limit is part of the column type, so changing it later is an ALTER COLUMN TYPE under an ACCESS EXCLUSIVE lock on the table (and a full table rewrite when the limit shrinks). In PostgreSQL, varchar(n) is neither faster nor smaller than text.`,
        help: `Use text${n ? `, and if the limit matters add \`CHECK (char_length(${col}) <= ${n})\` (added NOT VALID and validated separately on an existing table, it can be replaced without a rewrite)` : ''}.`,
      });
    }
    return out;
  },
});

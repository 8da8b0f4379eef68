import { defineRule, docsUrl, type RuleReport } from './types';
import { columnLabel, columnTypeSites } from './_flow';

export default defineRule({
  meta: {
    id: 'prefer-timestamptz',
    category: 'style',
    defaultLevel: 'off',
    description: 'timestamp (without time zone) columns: the value has no time zone, so it is read differently by clients in other zones; use timestamptz.',
    docs: docsUrl('prefer-timestamptz'),
    fixable: false,
  },
  statementKinds: ['CreateStmt', 'AlterTableStmt'],
  check(stmt) {
    const out: RuleReport[] = [];
    for (const site of columnTypeSites(stmt)) {
      if (site.type.schema || site.type.name !== 'timestamp') continue;
      const p = site.type.mods.length ? `(${site.type.mods[0]})` : '';
      out.push({
        start: site.start,
        end: site.end,
        message: `${columnLabel(site)} is timestamp${p} without time zone: it stores a wall-clock reading with no zone, so now() is stored in the session's TimeZone and read back unchanged in any other zone, comparisons with timestamptz depend on the session setting, and daylight-saving changes produce duplicate or missing hours.`,
        help: `Use timestamptz${p} (timestamp with time zone): it stores an absolute instant (in UTC) in the same 8 bytes and converts to each session's TimeZone on output.`,
      });
    }
    return out;
  },
});

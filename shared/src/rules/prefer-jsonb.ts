import { defineRule, docsUrl, type RuleReport } from './types';
import { alterCommands, name } from './_helpers';
import { columnSpan } from './_columns';
import { rangeVarName } from '../ast/names';
import { typeRef } from '../ast/types';
import type { Statement } from '../parse/statement';

function isJson(typeName: any): boolean {
  const t = typeRef(typeName);
  return !!t && t.name === 'json' && !t.schema;
}

function report(stmt: Statement, def: any, where: string, verb: string): RuleReport {
  const arr = typeRef(def.typeName)?.array ? 'json[]' : 'json';
  return {
    ...columnSpan(stmt, def),
    message: `${where} ${verb} type ${arr}. json keeps the raw text and re-parses it on every access, and has no equality operator: DISTINCT, GROUP BY, UNION (without ALL) and unique indexes on it fail with "could not identify an equality operator for type json", and json = json does not exist.`,
    help: `Use ${arr === 'json[]' ? 'jsonb[]' : 'jsonb'}: it is parsed once on write, compares and indexes (GIN, btree), and supports the containment operators. Keep json only if you need the exact input text back (key order, duplicate keys, whitespace).`,
  };
}

export default defineRule({
  meta: {
    id: 'prefer-jsonb',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'Columns of type json: no equality operator (DISTINCT, GROUP BY, UNION, unique indexes fail) and re-parsed on every access; use jsonb.',
    docs: docsUrl('prefer-jsonb'),
    fixable: false,
  },
  statementKinds: ['CompositeTypeStmt', 'CreateStmt', 'AlterTableStmt'],
  check(stmt, _ctx) {
    const n = stmt.node;
    if (!n) return undefined;
    const out: RuleReport[] = [];
    if (stmt.kind === 'CreateStmt' || stmt.kind === 'CompositeTypeStmt') {
      const rel = name(rangeVarName(stmt.kind === 'CreateStmt' ? n.relation : n.typevar));
      const elts: any[] = stmt.kind === 'CreateStmt' ? n.tableElts ?? [] : n.coldeflist ?? [];
      for (const e of elts) {
        const def = e?.ColumnDef;
        if (def && isJson(def.typeName)) out.push(report(stmt, def, `Column ${rel}.${def.colname}`, 'is declared with'));
      }
      return out;
    }
    for (const { table, cmd } of alterCommands(stmt)) {
      const def = cmd.def?.ColumnDef;
      if (!def || !isJson(def.typeName)) continue;
      if (cmd.subtype === 'AT_AddColumn') out.push(report(stmt, def, `New column ${name(table)}.${def.colname}`, 'has'));
      else if (cmd.subtype === 'AT_AlterColumnType') out.push(report(stmt, def, `Column ${name(table)}.${cmd.name}`, 'is changed to'));
    }
    return out;
  },
});

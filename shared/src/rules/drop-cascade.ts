import { defineRule, docsUrl, type RuleReport } from './types';
import { name, rangeAt } from './_helpers';
import { listName, quoteIdent, rangeVarName, type QName } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import { createdEarlier, joinNames } from './_drops';

/** What CASCADE takes with it, per kind of object dropped. */
const DEPENDENTS: Record<string, string> = {
  OBJECT_TABLE: 'views that select from it and foreign-key constraints in other tables that reference it',
  OBJECT_FOREIGN_TABLE: 'views that select from it',
  OBJECT_VIEW: 'views built on it',
  OBJECT_MATVIEW: 'views built on it',
  OBJECT_SEQUENCE: 'column defaults that call nextval() on it',
  OBJECT_INDEX: 'constraints that rely on it, such as foreign keys in other tables that reference its columns',
  OBJECT_TYPE: 'columns of that type in other tables (with their data), and the functions and views that use it',
  OBJECT_DOMAIN: 'columns of that type in other tables (with their data), and the functions and views that use it',
  OBJECT_FUNCTION: 'column defaults, triggers, indexes, constraints and views that call it',
  OBJECT_PROCEDURE: 'objects that depend on it',
  OBJECT_AGGREGATE: 'views and functions that use it',
  OBJECT_EXTENSION: 'every column (with its data), index, view and function that uses its types or functions',
};

const RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_INDEX']);

const KEYWORDS: Record<string, string> = {
  OBJECT_MATVIEW: 'MATERIALIZED VIEW', OBJECT_FOREIGN_SERVER: 'SERVER', OBJECT_FDW: 'FOREIGN DATA WRAPPER',
  OBJECT_OPCLASS: 'OPERATOR CLASS', OBJECT_OPFAMILY: 'OPERATOR FAMILY', OBJECT_STATISTIC_EXT: 'STATISTICS',
  OBJECT_TSCONFIGURATION: 'TEXT SEARCH CONFIGURATION', OBJECT_TSDICTIONARY: 'TEXT SEARCH DICTIONARY',
  OBJECT_TSPARSER: 'TEXT SEARCH PARSER', OBJECT_TSTEMPLATE: 'TEXT SEARCH TEMPLATE',
};

function keyword(removeType: string): string {
  return KEYWORDS[removeType] ?? String(removeType).replace(/^OBJECT_/, '').replace(/_/g, ' ');
}

/** Display name of one dropped object, and whether it was created earlier in this file. */
function droppedObject(o: any, removeType: string, stmt: Statement, ctx: RuleContext): { label: string; isNew: boolean; location?: number } {
  if (RELATIONS.has(removeType)) {
    const q = listName(o.List?.items);
    return { label: name(q), isNew: ctx.isNew(q) };
  }
  if (o.TypeName) {
    const q = listName(o.TypeName.names);
    return { label: name(q), isNew: !!q && (ctx.catalog.created(ctx.catalog.type(q)) || createdEarlier(ctx, stmt, 'type', q)), location: o.TypeName.location };
  }
  if (o.ObjectWithArgs) {
    const q = listName(o.ObjectWithArgs.objname);
    return { label: name(q), isNew: createdEarlier(ctx, stmt, 'function', q) };
  }
  if (typeof o.String?.sval === 'string') {
    const q: QName = { name: o.String.sval };
    const kind = removeType === 'OBJECT_SCHEMA' ? 'schema' : removeType === 'OBJECT_EXTENSION' ? 'extension' : undefined;
    return { label: quoteIdent(q.name), isNew: !!kind && createdEarlier(ctx, stmt, kind, q) };
  }
  const items: any[] | undefined = o.List?.items;
  if (items && ['OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE'].includes(removeType)) {
    const table = listName(items.slice(0, -1));
    const last = items[items.length - 1]?.String?.sval;
    return { label: `${quoteIdent(String(last))} ON ${name(table)}`, isNew: ctx.isNew(table) };
  }
  if (items && removeType === 'OBJECT_CAST') {
    const t = items.map((i: any) => name(listName(i?.TypeName?.names?.filter((x: any) => x?.String?.sval !== 'pg_catalog'))));
    return { label: `(${t[0]} AS ${t[1]})`, isNew: false };
  }
  if (items && (removeType === 'OBJECT_OPCLASS' || removeType === 'OBJECT_OPFAMILY')) {
    return { label: `${name(listName(items.slice(1)))} USING ${items[0]?.String?.sval ?? '?'}`, isNew: false };
  }
  const q = listName(items);
  return { label: q ? name(q) : keyword(removeType).toLowerCase(), isNew: false };
}

const HELP_TAIL = 'so the statement fails instead of silently removing something you did not list. To find the dependents, run the statement without CASCADE against a copy of the database (the error lists them) or query pg_depend.';

export default defineRule({
  meta: {
    id: 'drop-cascade',
    category: 'hazard',
    defaultLevel: 'error',
    description: 'DROP … CASCADE silently drops every dependent object (views, foreign keys, columns, defaults …) that the statement does not name.',
    docs: docsUrl('drop-cascade'),
    fixable: false,
  },
  statementKinds: ['AlterTableStmt', 'DropOwnedStmt', 'DropStmt'],
  check(stmt, ctx) {
    const n = stmt.node;
    if (!n) return undefined;
    // DROP SCHEMA … CASCADE is drop-schema's (one finding per statement for the same loss).
    if (stmt.kind === 'DropStmt' && n.behavior === 'DROP_CASCADE' && n.removeType !== 'OBJECT_SCHEMA') {
      const objects = (n.objects ?? []).map((o: any) => droppedObject(o, n.removeType, stmt, ctx));
      const existing = objects.filter((o: { isNew: boolean }) => !o.isNew);
      if (existing.length === 0) return undefined;
      const kw = keyword(n.removeType);
      const labels = existing.map((o: { label: string }) => o.label).join(', ');
      const it = existing.length > 1 ? 'them' : 'it';
      const known = DEPENDENTS[n.removeType];
      const deps = known ? ` — ${known.replace(/\bit\b/g, it)} —` : '';
      return {
        ...rangeAt(stmt, existing[0].location),
        message: `DROP ${kw} ${labels} CASCADE also drops every object that depends on ${it}${deps} without naming them (PostgreSQL only lists them in NOTICEs), and takes an ACCESS EXCLUSIVE lock on every table it touches.`,
        help: `Drop the dependent objects explicitly first, each in its own reviewed statement, then DROP ${kw} ${labels} without CASCADE, ${HELP_TAIL}`,
      };
    }
    if (stmt.kind === 'DropOwnedStmt' && n.behavior === 'DROP_CASCADE') {
      const roles = (n.roles ?? []).map((r: any) => quoteIdent(String(r.RoleSpec?.rolename ?? r.RoleSpec?.roletype ?? 'role')));
      return {
        message: `DROP OWNED BY ${joinNames(roles)} CASCADE drops every object ${roles.length > 1 ? 'those roles own' : 'that role owns'} in this database — tables with all their rows included — and everything that depends on them, without naming any of it.`,
        help: `Reassign what must survive first (REASSIGN OWNED BY … TO …), drop the rest explicitly, and run DROP OWNED without CASCADE, ${HELP_TAIL}`,
      };
    }
    if (stmt.kind === 'AlterTableStmt') {
      const table = rangeVarName(n.relation);
      if (!table) return undefined;
      const isType = n.objtype === 'OBJECT_TYPE';
      if (isType ? createdEarlier(ctx, stmt, 'type', table) || ctx.catalog.created(ctx.catalog.type(table)) : ctx.isNew(table)) return undefined;
      const out: RuleReport[] = [];
      for (const c of n.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (!cmd || cmd.behavior !== 'DROP_CASCADE') continue;
        const what = quoteIdent(String(cmd.name));
        if (cmd.subtype === 'AT_DropColumn') {
          out.push({
            message: isType
              ? `ALTER TYPE ${name(table)} DROP ATTRIBUTE ${what} CASCADE also drops the attribute from every typed table of this type (with its data) and whatever depends on it, without naming them.`
              : `DROP COLUMN ${what} CASCADE also drops every object that depends on ${name(table)}.${what} — views that select it, and constraints of other tables (such as foreign keys referencing it) — without naming them (PostgreSQL only lists them in NOTICEs).`,
            help: `Drop or redefine the dependent objects explicitly first, then drop ${what} without CASCADE, ${HELP_TAIL}`,
          });
        } else if (cmd.subtype === 'AT_DropConstraint') {
          out.push({
            message: `DROP CONSTRAINT ${what} CASCADE on ${name(table)} also drops every constraint that depends on it — foreign keys in other tables that reference the unique index behind it — without naming them, and takes an ACCESS EXCLUSIVE lock on each of those tables.`,
            help: `Drop the dependent foreign keys explicitly first (ALTER TABLE <referencing table> DROP CONSTRAINT …), then drop ${what} without CASCADE, ${HELP_TAIL}`,
          });
        }
      }
      return out;
    }
    return undefined;
  },
});

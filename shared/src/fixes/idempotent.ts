// Recipe 9: re-runnable DDL. A migration that fails half-way (or a runner that lost its bookkeeping)
// is re-run from the top; every statement that already ran then fails again ("already exists",
// "does not exist"). The guards PostgreSQL has are inserted as keywords (`IF NOT EXISTS`,
// `IF EXISTS`); ADD CONSTRAINT has none, so it goes into a DO block that checks pg_constraint.
// CREATE INDEX CONCURRENTLY is left to require-cic-guard (its fix names the index and adds the
// guard, or drops an INVALID leftover first).
import { quoteIdent } from '../ast/names';
import type { RuleContext } from '../context/rule-context';
import type { Statement } from '../parse/statement';
import type { TextEdit } from '../rules/types';
import { alterCommands } from '../rules/_helpers';
import { defaultIndexName } from './index-concurrently';
import { wrapBlock } from './steps';
import { findWord, keywordCase, statementSource, tokensOf, type Tok } from './text';
import { relationText } from './unique-using-index';

export interface Guard {
  /** What lacks its guard ("CREATE TABLE without IF NOT EXISTS"). */
  what: string;
  /** The edits that add it; undefined when pgsafe cannot write it. */
  edits?: TextEdit[];
}

/** Keywords between DROP and the object name, per object type (IF EXISTS goes after them). */
const DROP_WORDS: Record<string, string[]> = {
  OBJECT_TABLE: ['TABLE'], OBJECT_INDEX: ['INDEX', 'CONCURRENTLY'], OBJECT_VIEW: ['VIEW'], OBJECT_MATVIEW: ['MATERIALIZED', 'VIEW'],
  OBJECT_SEQUENCE: ['SEQUENCE'], OBJECT_SCHEMA: ['SCHEMA'], OBJECT_EXTENSION: ['EXTENSION'], OBJECT_TYPE: ['TYPE'], OBJECT_DOMAIN: ['DOMAIN'],
  OBJECT_FUNCTION: ['FUNCTION'], OBJECT_PROCEDURE: ['PROCEDURE'], OBJECT_TRIGGER: ['TRIGGER'], OBJECT_POLICY: ['POLICY'], OBJECT_FOREIGN_TABLE: ['FOREIGN', 'TABLE'],
};

/** Index after the run of `words` (in order, each optional after the first) starting at token `from`. */
function afterWords(toks: readonly Tok[], from: number, words: readonly string[]): number {
  let i = from;
  for (const [n, w] of words.entries()) {
    if (toks[i]?.word === w) i++;
    else if (n === 0) return -1;
  }
  return i;
}

const ident = (t: Tok | undefined) => (!t ? undefined : t.text.startsWith('"') ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase());

function insertAfter(toks: readonly Tok[], at: number, words: string): TextEdit[] | undefined {
  if (at < 0 || !toks[at]) return undefined;
  return [{ start: toks[at].end, end: toks[at].end, newText: ` ${keywordCase(toks[at].text, words)}` }];
}

/** `ALTER TABLE … DROP [COLUMN] name` / `DROP CONSTRAINT name`: the token of the name, or -1. */
function dropTarget(toks: readonly Tok[], name: string, constraint: boolean): number {
  for (let i = 1; i < toks.length - 1; i++) {
    if (toks[i].word !== 'DROP') continue;
    const j = toks[i + 1].word === (constraint ? 'CONSTRAINT' : 'COLUMN') ? i + 2 : constraint ? -1 : i + 1;
    if (j !== -1 && toks[j] && toks[j].word !== 'IF' && ident(toks[j]) === name) return j;
  }
  return -1;
}

/** The DO block that runs an ADD CONSTRAINT only when the table does not have it yet. */
function constraintGuard(stmt: Statement, ctx: RuleContext, conname: string, tableText: string, k: (w: string) => string): TextEdit[] {
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const block = [
    `${k('DO')} $guard$`,
    `${k('BEGIN')}`,
    `  ${k('IF NOT EXISTS')} (${k('SELECT FROM')} pg_constraint ${k('WHERE')} conname = ${lit(conname)} ${k('AND')} conrelid = ${lit(tableText)}::regclass) ${k('THEN')}`,
    `    ${statementSource(ctx.text, stmt)}`,
    `  ${k('END IF')};`,
    `${k('END')}`,
    `$guard$`,
  ].join('\n');
  const nl = ctx.text.includes('\r\n') ? '\r\n' : '\n';
  const fw = stmt.section.framework;
  if (fw === 'goose' || fw === 'sql-migrate') {
    // The whole block, its `;` included, between StatementBegin/End.
    const end = stmt.terminator !== undefined ? stmt.terminator + 1 : stmt.end;
    return [{ start: stmt.start, end, newText: wrapBlock(`${block};`, fw).replace(/\n/g, nl) }];
  }
  // The block replaces the statement up to its `;`, which then ends the DO.
  return [{ start: stmt.start, end: stmt.terminator ?? stmt.end, newText: block.replace(/\n/g, nl) }];
}

export function missingGuards(stmt: Statement, ctx: RuleContext): Guard[] {
  const n = stmt.node;
  if (!n || 'parent' in stmt) return [];
  const toks = () => tokensOf(stmt);
  switch (stmt.kind) {
    case 'CreateStmt':
      return n.if_not_exists ? [] : [{ what: 'CREATE TABLE without IF NOT EXISTS', edits: insertAfter(toks(), findWord(toks(), ['TABLE']), 'IF NOT EXISTS') }];
    case 'IndexStmt': {
      if (n.if_not_exists || n.concurrent) return [];
      const t = toks();
      const at = findWord(t, ['INDEX']);
      let edits = insertAfter(t, at, 'IF NOT EXISTS');
      if (edits && !n.idxname) {
        const on = findWord(t, ['ON'], at);
        edits = on === -1 || !n.relation?.relname ? undefined : [...edits, { start: t[on].start, end: t[on].start, newText: `${quoteIdent(defaultIndexName(n.relation.relname, n))} ` }];
      }
      return [{ what: 'CREATE INDEX without IF NOT EXISTS', edits }];
    }
    case 'CreateSeqStmt':
      return n.if_not_exists ? [] : [{ what: 'CREATE SEQUENCE without IF NOT EXISTS', edits: insertAfter(toks(), findWord(toks(), ['SEQUENCE']), 'IF NOT EXISTS') }];
    case 'CreateSchemaStmt':
      // IF NOT EXISTS cannot be combined with schema elements.
      return n.if_not_exists || n.schemaElts?.length ? [] : [{ what: 'CREATE SCHEMA without IF NOT EXISTS', edits: insertAfter(toks(), findWord(toks(), ['SCHEMA']), 'IF NOT EXISTS') }];
    case 'CreateExtensionStmt':
      return n.if_not_exists ? [] : [{ what: 'CREATE EXTENSION without IF NOT EXISTS', edits: insertAfter(toks(), findWord(toks(), ['EXTENSION']), 'IF NOT EXISTS') }];
    case 'CreateTableAsStmt': {
      if (n.if_not_exists || n.is_select_into) return [];
      const mat = n.objtype === 'OBJECT_MATVIEW';
      return [{ what: `CREATE ${mat ? 'MATERIALIZED VIEW' : 'TABLE … AS'} without IF NOT EXISTS`, edits: insertAfter(toks(), findWord(toks(), [mat ? 'VIEW' : 'TABLE']), 'IF NOT EXISTS') }];
    }
    case 'DropStmt': {
      const words = DROP_WORDS[n.removeType];
      if (n.missing_ok || !words) return [];
      const t = toks();
      const at = afterWords(t, 1, words);
      return [{ what: `DROP ${words[0] === 'INDEX' ? 'INDEX' : words.join(' ')} without IF EXISTS`, edits: at > 1 ? insertAfter(t, at - 1, 'IF EXISTS') : undefined }];
    }
    case 'AlterTableStmt': {
      if (n.objtype !== 'OBJECT_TABLE') return [];
      const out: Guard[] = [];
      const t = toks();
      const cmds = alterCommands(stmt);
      for (const { cmd } of cmds) {
        if (cmd.subtype === 'AT_AddColumn' && !cmd.missing_ok) {
          const at = t.findIndex((x) => x.start === stmt.loc(cmd.def?.ColumnDef?.location));
          out.push({ what: 'ADD COLUMN without IF NOT EXISTS', edits: at === -1 ? undefined : [{ start: t[at].start, end: t[at].start, newText: `${keywordCase(t[at - 1]?.text ?? 'ADD', 'IF NOT EXISTS')} ` }] });
        } else if ((cmd.subtype === 'AT_DropColumn' || cmd.subtype === 'AT_DropConstraint') && !cmd.missing_ok) {
          const constraint = cmd.subtype === 'AT_DropConstraint';
          const at = dropTarget(t, cmd.name, constraint);
          out.push({ what: `DROP ${constraint ? 'CONSTRAINT' : 'COLUMN'} without IF EXISTS`, edits: at === -1 ? undefined : [{ start: t[at].start, end: t[at].start, newText: `${keywordCase(t[at - 1].text, 'IF EXISTS')} ` }] });
        } else if (cmd.subtype === 'AT_AddConstraint') {
          const c = cmd.def?.Constraint;
          const relation = relationText(stmt, t, ctx.text);
          // A DO block can guard the statement only when it does nothing else and names the constraint.
          const edits = cmds.length === 1 && c?.conname && relation && stmt.block === undefined && !n.missing_ok
            ? constraintGuard(stmt, ctx, c.conname, relation.tableText, (w) => keywordCase(t[0].text, w)) : undefined;
          out.push({ what: 'ADD CONSTRAINT (PostgreSQL has no IF NOT EXISTS for it)', edits });
        }
      }
      return out;
    }
    default:
      return [];
  }
}

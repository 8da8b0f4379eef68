// Findings the engine itself produces (not rules): they have ids, docs pages and levels like
// rules do, so they can be configured and suppressed the same way.
import { docsUrl, type RuleMeta } from './rules/types';

const engine = (id: string, level: RuleMeta['defaultLevel'], description: string): RuleMeta => ({
  id, category: 'hazard', defaultLevel: level, description, docs: docsUrl(id), fixable: false,
});

export const ENGINE_DIAGNOSTICS = {
  syntaxError: engine('syntax-error', 'error', 'A statement PostgreSQL cannot parse; the rest of the file is still checked.'),
  psqlMetaCommand: engine('psql-meta-command', 'warn', 'A psql meta-command (\\set, \\i, …): only psql understands it; pgsafe skips the line.'),
  psqlVariable: engine('psql-variable', 'warn', 'A psql-style :variable placeholder that the migration runner substitutes before running the file.'),
  missingSemicolon: engine('missing-semicolon', 'warn', 'A statement inside a goose/sql-migrate StatementBegin/End block without its terminating semicolon.'),
  unusedSuppression: engine('unused-suppression', 'warn', 'A pgsafe-ignore comment that suppresses nothing, or names an unknown rule.'),
  unreadableFile: engine('unreadable-file', 'error', 'A file pgsafe cannot read as SQL text: missing, binary, not UTF-8, or too large.'),
} as const;

export const ENGINE_DIAGNOSTIC_LIST: readonly RuleMeta[] = Object.values(ENGINE_DIAGNOSTICS);

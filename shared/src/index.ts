// Public engine API (the CLI and, later, the language server import from here only).
export { lintText, lintTextSync, allRuleMetas, knownRuleIds, ruleMeta, activeRules, type LintOptions, type LintResult } from './engine';
export { ensureParser, PARSER_PG_MAJOR } from './parse/pgquery';
export { ConfigError, findConfigFile, loadConfigFile, validateConfig, CONFIG_FILE } from './config/load';
export { defaultConfig, DEFAULT_PG, MIN_PG, MAX_PG, FRAMEWORKS, type PgsafeConfig } from './config/types';
export { positionFindings, totals, type FileReport, type PositionedFinding } from './format/report';
export { formatJson, formatJsonPieces } from './format/json';
export { formatSarif } from './format/sarif';
export { formatGithub } from './format/github';
export { formatGitlab } from './format/gitlab';
export { formatText } from './format/text';
export { ENGINE_DIAGNOSTICS } from './diagnostics';
export type { Finding, RuleMeta, RuleLevel, Severity, Rule } from './rules/types';
export { nodeFs, cachedFs, overlayFs, type ProjectFs } from './project/fs';
export { setsFor, loadSet, setRootOf, detectFramework, orderSets } from './project/discover';
export { Catalog } from './context/catalog';
export { lintSet, isDeployed, IncrementalSet } from './project/lint';
export { explainSets, fileTransactionMode } from './project/explain';
export { transactionPlan } from './project/transactions';
export type { MigrationSet, MigrationFile, TransactionPlan, DetectedFramework } from './project/types';
export type { StatementInfo } from './engine';
export { ProjectIndex, type FileContext } from './project/workspace';
export { ConfigResolver, normalizeSettings, type ConfigSettings, type SettingsProblem } from './config/resolve';
export { statementLockMarkdown, fileLockReport, statementTitle } from './format/locks';
export { ignoreForStatement, ignoreForFile } from './fixes/suppression';
export type { Fix, TextEdit, Related } from './rules/types';
export type { Statement } from './parse/statement';
export type { SplitResult } from './parse/split';
export { ParseCache } from './parse/split';
export { LintMemo } from './lint-memo';
export { chooseFixes, compatibleFixes, applyTextEdits, preferredFix, isSafeFix, type FixMode } from './fixes/apply';
// Rollback generation (`pgsafe down`, the language server's "Generate rollback migration").
export { generateDown, writeDown, stateBefore, DownError, type DownResult } from './rollback/index';
export { downForText, advance, emptyState, type RollbackState, type Placement, type DownItem, type DownSql, type DownStatus } from './rollback/index';
export { roundTrip, snapshotSchema, compareSnapshots, applyMigration, execScript, type RoundTripResult, type SchemaSnapshot, type SqlDb } from './rollback/roundtrip';
// `pgsafe verify`: migrations on PGlite or a throwaway server database, traced statement by statement.
export { verifySet, openPglite, openServer, requestedExtensions, DatabaseError, formatVerifyText, formatVerifyJson, formatVerifyMarkdown, summarize, type SetVerdict, type VerifyDb } from './verify/index';

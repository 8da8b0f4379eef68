// Public engine API (the CLI and, later, the language server import from here only).
export { lintText, lintTextSync, allRuleMetas, knownRuleIds, ruleMeta, activeRules, type LintOptions, type LintResult } from './engine';
export { ensureParser, PARSER_PG_MAJOR } from './parse/pgquery';
export { ConfigError, findConfigFile, loadConfigFile, validateConfig, CONFIG_FILE } from './config/load';
export { defaultConfig, DEFAULT_PG, MIN_PG, MAX_PG, FRAMEWORKS, type PgsafeConfig } from './config/types';
export { positionFindings, totals, type FileReport, type PositionedFinding } from './format/report';
export { formatJson } from './format/json';
export { formatSarif } from './format/sarif';
export { formatGithub } from './format/github';
export { formatGitlab } from './format/gitlab';
export { formatText } from './format/text';
export { ENGINE_DIAGNOSTICS } from './diagnostics';
export type { Finding, RuleMeta, RuleLevel, Severity, Rule } from './rules/types';
export { nodeFs, cachedFs, overlayFs, type ProjectFs } from './project/fs';
export { setsFor, loadSet, setRootOf, detectFramework } from './project/discover';
export { lintSet, isDeployed, IncrementalSet } from './project/lint';
export { explainSets, fileTransactionMode } from './project/explain';
export { transactionPlan } from './project/transactions';
export type { MigrationSet, MigrationFile, TransactionPlan, DetectedFramework } from './project/types';

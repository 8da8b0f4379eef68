// pgsafe.config.json: found by walking up from the linted file, validated strictly. Every problem
// names the key and the file; the CLI exits 2 on them. The JSON schema in
// schema/pgsafe.config.schema.json describes the same shape for editors.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FRAMEWORKS, LOCK_TIMEOUT_PATTERN, MAX_PG, MIN_PG, defaultConfig, type Framework, type PgsafeConfig } from './types';
import type { RuleLevel } from '../rules/types';

export const CONFIG_FILE = 'pgsafe.config.json';
const KEYS = ['$schema', 'pgVersion', 'framework', 'transaction', 'rules', 'include', 'exclude', 'deployedBefore', 'lockTimeout'];
const LEVELS: RuleLevel[] = ['off', 'warn', 'error'];

export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
  }
}

/** The nearest pgsafe.config.json at or above `dir`, or undefined. */
export function findConfigFile(dir: string, cache?: Map<string, string | undefined>): string | undefined {
  const visited: string[] = [];
  let d = resolve(dir);
  let found: string | undefined;
  for (;;) {
    if (cache?.has(d)) {
      found = cache.get(d);
      break;
    }
    visited.push(d);
    const candidate = join(d, CONFIG_FILE);
    if (existsSync(candidate)) {
      found = candidate;
      break;
    }
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const v of visited) cache?.set(v, found);
  return found;
}

export function loadConfigFile(file: string, knownRules: ReadonlySet<string>): PgsafeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e: any) {
    throw new ConfigError(file, [`cannot read the file (${e?.code ?? e?.message ?? e})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e: any) {
    throw new ConfigError(file, [`is not valid JSON: ${e?.message ?? e}`]);
  }
  const config = validateConfig(json, file, knownRules);
  config.source = file;
  config.baseDir = dirname(file);
  return config;
}

export function validateConfig(json: unknown, file: string, knownRules: ReadonlySet<string>): PgsafeConfig {
  const problems: string[] = [];
  const config = defaultConfig();
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ConfigError(file, ['must contain a JSON object']);
  const obj = json as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KEYS.includes(key)) {
      const close = KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
      problems.push(`unknown key "${key}"${close ? ` (did you mean "${close}"?)` : ''}; allowed keys: ${KEYS.filter((k) => k !== '$schema').join(', ')}`);
    }
  }
  if ('pgVersion' in obj) {
    const v = obj.pgVersion;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_PG || v > MAX_PG) problems.push(`"pgVersion" must be a PostgreSQL major version, an integer from ${MIN_PG} to ${MAX_PG} (got ${JSON.stringify(v)})`);
    else config.pgVersion = v;
  }
  if ('framework' in obj) {
    const v = obj.framework;
    if (typeof v !== 'string' || !(FRAMEWORKS as readonly string[]).includes(v)) problems.push(`"framework" must be one of ${FRAMEWORKS.join(', ')} (got ${JSON.stringify(v)})`);
    else config.framework = v as Framework;
  }
  if ('transaction' in obj) {
    const v = obj.transaction;
    if (v !== 'auto' && v !== 'always' && v !== 'never') problems.push(`"transaction" must be "auto", "always" or "never" (got ${JSON.stringify(v)})`);
    else config.transaction = v;
  }
  if ('rules' in obj) {
    const v = obj.rules;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) problems.push(`"rules" must be an object mapping rule ids to "off", "warn" or "error"`);
    else {
      for (const [id, level] of Object.entries(v as Record<string, unknown>)) {
        if (!knownRules.has(id)) problems.push(`"rules": unknown rule id "${id}" (run \`pgsafe rules\` for the list)`);
        else if (typeof level !== 'string' || !LEVELS.includes(level as RuleLevel)) problems.push(`"rules.${id}" must be "off", "warn" or "error" (got ${JSON.stringify(level)})`);
        else config.rules[id] = level as RuleLevel;
      }
    }
  }
  for (const key of ['include', 'exclude'] as const) {
    if (!(key in obj)) continue;
    const v = obj[key];
    if (!Array.isArray(v) || v.some((g) => typeof g !== 'string' || g.length === 0)) problems.push(`"${key}" must be an array of non-empty glob strings`);
    else config[key] = v as string[];
  }
  if ('lockTimeout' in obj) {
    const v = obj.lockTimeout;
    if (typeof v !== 'string' || !new RegExp(LOCK_TIMEOUT_PATTERN).test(v)) problems.push(`"lockTimeout" must be a positive duration such as "5s", "500ms" or "2min" (got ${JSON.stringify(v)})`);
    else config.lockTimeout = v;
  }
  if ('deployedBefore' in obj) {
    const v = obj.deployedBefore;
    if (typeof v !== 'string' || v.length === 0) problems.push(`"deployedBefore" must be a migration file name or version prefix (got ${JSON.stringify(v)})`);
    else config.deployedBefore = v;
  }
  if (problems.length) throw new ConfigError(file, problems);
  config.explicit = Object.keys(obj).filter((k) => k !== '$schema');
  return config;
}

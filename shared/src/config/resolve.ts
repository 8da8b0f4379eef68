// Which configuration applies to a file: defaults, then editor settings, then the nearest
// pgsafe.config.json (the file wins over settings, key by key; `rules` merge rule by rule).
// Cached per config file; a broken config file is reported and the settings apply meanwhile.
import { dirname } from 'node:path';
import { ConfigError, findConfigFile, loadConfigFile } from './load';
import { defaultConfig, FRAMEWORKS, MAX_PG, MIN_PG, type Framework, type PgsafeConfig } from './types';
import type { RuleLevel } from '../rules/types';

/** Editor settings (VS Code `pgsafe.*`, LSP initializationOptions). */
export interface ConfigSettings {
  pgVersion?: number;
  framework?: string;
  rules?: Record<string, string>;
  /** A config file to use for every document instead of the nearest one. */
  configPath?: string;
}

export interface SettingsProblem {
  key: string;
  message: string;
}

/** Validate loosely-typed settings; bad values are dropped and reported, never thrown. */
export function normalizeSettings(raw: unknown, knownRules: ReadonlySet<string>): { settings: ConfigSettings; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const settings: ConfigSettings = {};
  if (raw === null || raw === undefined) return { settings, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { settings, problems: [{ key: 'pgsafe', message: 'settings must be an object' }] };
  const obj = raw as Record<string, unknown>;
  if (obj.pgVersion !== undefined && obj.pgVersion !== null) {
    const v = obj.pgVersion;
    if (typeof v === 'number' && Number.isInteger(v) && v >= MIN_PG && v <= MAX_PG) settings.pgVersion = v;
    else problems.push({ key: 'pgVersion', message: `must be an integer from ${MIN_PG} to ${MAX_PG} (got ${JSON.stringify(v)})` });
  }
  if (obj.framework !== undefined && obj.framework !== null && obj.framework !== '') {
    const v = obj.framework;
    if (typeof v === 'string' && (FRAMEWORKS as readonly string[]).includes(v)) settings.framework = v;
    else problems.push({ key: 'framework', message: `must be one of ${FRAMEWORKS.join(', ')} (got ${JSON.stringify(v)})` });
  }
  if (obj.rules !== undefined && obj.rules !== null) {
    const v = obj.rules;
    if (typeof v !== 'object' || Array.isArray(v)) problems.push({ key: 'rules', message: 'must be an object mapping rule ids to "off", "warn" or "error"' });
    else {
      settings.rules = {};
      for (const [id, level] of Object.entries(v as Record<string, unknown>)) {
        if (!knownRules.has(id)) problems.push({ key: `rules.${id}`, message: 'unknown rule id' });
        else if (level !== 'off' && level !== 'warn' && level !== 'error') problems.push({ key: `rules.${id}`, message: `must be "off", "warn" or "error" (got ${JSON.stringify(level)})` });
        else settings.rules[id] = level;
      }
    }
  }
  if (typeof obj.configPath === 'string' && obj.configPath.trim() !== '') settings.configPath = obj.configPath.trim();
  return { settings, problems };
}

function withSettings(base: PgsafeConfig, s: ConfigSettings): PgsafeConfig {
  const fileSet = new Set(base.explicit ?? []);
  const out: PgsafeConfig = { ...base, rules: { ...(s.rules as Record<string, RuleLevel> | undefined), ...base.rules } };
  if (s.pgVersion !== undefined && !fileSet.has('pgVersion')) out.pgVersion = s.pgVersion;
  if (s.framework !== undefined && !fileSet.has('framework')) out.framework = s.framework as Framework;
  return out;
}

export class ConfigResolver {
  private loaded = new Map<string, PgsafeConfig>();
  private dirs = new Map<string, string | undefined>();
  /** Config files that failed to load, with the error (shown to the user once per change). */
  readonly errors = new Map<string, ConfigError>();

  constructor(private readonly knownRules: ReadonlySet<string>, private settings: ConfigSettings = {}) {}

  setSettings(settings: ConfigSettings): void {
    this.settings = settings;
    this.clear();
  }

  /** Forget cached files (a config file was created, changed or deleted). */
  clear(): void {
    this.loaded.clear();
    this.dirs.clear();
    this.errors.clear();
  }

  /** The config file that governs `file`, if any. */
  fileFor(file: string): string | undefined {
    return this.settings.configPath ?? findConfigFile(dirname(file), this.dirs);
  }

  configFor(file: string): PgsafeConfig {
    const found = this.fileFor(file);
    if (!found) return withSettings(defaultConfig(), this.settings);
    let c = this.loaded.get(found);
    if (!c) {
      try {
        c = withSettings(loadConfigFile(found, this.knownRules), this.settings);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        this.errors.set(found, e);
        c = withSettings(defaultConfig(), this.settings);
      }
      this.loaded.set(found, c);
    }
    return c;
  }
}

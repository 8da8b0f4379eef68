import type { RuleLevel } from '../rules/types';
import type { TransactionMode } from '../context/walker';

export const FRAMEWORKS = [
  'auto', 'goose', 'sql-migrate', 'dbmate', 'golang-migrate', 'flyway', 'liquibase', 'sqitch', 'prisma',
  'drizzle', 'supabase', 'diesel', 'graphile-migrate', 'atlas', 'tern', 'node-pg-migrate', 'sqlx', 'ory', 'plain',
] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** PostgreSQL majors pgsafe knows the lock behaviour of. */
export const MIN_PG = 9;
export const MAX_PG = 18;
export const DEFAULT_PG = 18;

export interface PgsafeConfig {
  pgVersion: number;
  framework: Framework;
  transaction: TransactionMode;
  rules: Record<string, RuleLevel>;
  include: string[];
  exclude: string[];
  /** Migrations whose name sorts before this one are deployed; later ones ship with the change under review. */
  deployedBefore?: string;
  /** The file the configuration was read from (undefined: defaults). */
  source?: string;
  /** Folder that include/exclude globs are relative to. */
  baseDir?: string;
  /** The lock_timeout the lock-timeout fix writes (default 5s). */
  lockTimeout: string;
  /** Keys the configuration file set itself (the rest are defaults or editor settings). */
  explicit?: string[];
}

/** A PostgreSQL duration for lock_timeout: a number with an optional unit. */
export const LOCK_TIMEOUT_PATTERN = '^[1-9][0-9]*(us|ms|s|min|h|d)?$';

export function defaultConfig(): PgsafeConfig {
  return { pgVersion: DEFAULT_PG, framework: 'auto', transaction: 'auto', rules: {}, include: [], exclude: [], lockTimeout: '5s' };
}

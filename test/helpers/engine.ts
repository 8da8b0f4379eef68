// Test helpers: lint a string with a config and get findings with 1-based lines.
import { lintText } from '../../shared/src/engine';
import { defaultConfig, type PgsafeConfig } from '../../shared/src/config/types';
import { positionFindings, type PositionedFinding } from '../../shared/src/format/report';
import { transactionPlan } from '../../shared/src/project/transactions';
import type { DetectedFramework } from '../../shared/src/project/types';

/** Lint `sql` as file `path`; `framework` makes it run the way that framework runs files. */
export async function lint(sql: string, overrides: Partial<PgsafeConfig> = {}, path = 'migrations/001_test.sql', framework?: DetectedFramework): Promise<PositionedFinding[]> {
  const config = { ...defaultConfig(), ...overrides, rules: { ...(overrides.rules ?? {}) } };
  const r = await lintText(sql, { path, config, framework, plan: framework ? transactionPlan(framework, path, sql) : undefined });
  return positionFindings(path, sql, r.findings).findings;
}

export async function rulesFired(sql: string, overrides: Partial<PgsafeConfig> = {}, path?: string, framework?: DetectedFramework): Promise<string[]> {
  return (await lint(sql, overrides, path, framework)).map((f) => f.rule);
}

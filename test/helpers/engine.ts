// Test helpers: lint a string with a config and get findings with 1-based lines.
import { lintText } from '../../shared/src/engine';
import { defaultConfig, type PgsafeConfig } from '../../shared/src/config/types';
import { positionFindings, type PositionedFinding } from '../../shared/src/format/report';

export async function lint(sql: string, overrides: Partial<PgsafeConfig> = {}, path = 'migrations/001_test.sql'): Promise<PositionedFinding[]> {
  const config = { ...defaultConfig(), ...overrides, rules: { ...(overrides.rules ?? {}) } };
  const r = await lintText(sql, { path, config });
  return positionFindings(path, sql, r.findings).findings;
}

export async function rulesFired(sql: string, overrides: Partial<PgsafeConfig> = {}, path?: string): Promise<string[]> {
  return (await lint(sql, overrides, path)).map((f) => f.rule);
}

// `--since <ref>`: the migrations changed since a git ref (committed, staged, unstaged or new)
// are the ones under review; they are not deployed yet.
import { resolve } from 'node:path';
import { UsageError } from './args';

function git(cwd: string, args: string[]): string {
  // Loaded here, not at start: only --since needs it.
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new UsageError(`--since needs git: ${r.error.message}`);
  if (r.status !== 0) throw new UsageError(`--since: git ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

export function changedSince(ref: string, cwd: string): Set<string> {
  const top = git(cwd, ['rev-parse', '--show-toplevel']).trim();
  const names = [
    ...git(top, ['diff', '--name-only', '--no-renames', ref, '--']).split('\n'),
    ...git(top, ['ls-files', '--others', '--exclude-standard']).split('\n'),
  ].filter(Boolean);
  return new Set(names.map((n) => resolve(top, n)));
}

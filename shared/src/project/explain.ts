// `pgsafe check --explain-context`: what pgsafe believes about each migration set — framework and
// why, the order files are applied in, up/down pairs, and each file's transaction mode.
import { relative, sep } from 'node:path';
import { sectionScope } from '../context/walker';
import type { PgsafeConfig } from '../config/types';
import { splitStatements } from '../parse/split';
import type { ProjectFs } from './fs';
import { isDeployed } from './lint';
import { transactionPlan } from './transactions';
import type { MigrationFile, MigrationSet } from './types';

export function fileTransactionMode(set: MigrationSet, file: MigrationFile, fs: ProjectFs, config: PgsafeConfig): string {
  const text = fs.readText(file.path);
  if (text === undefined) return 'unreadable';
  const framework = config.framework !== 'auto' ? config.framework : set.framework;
  const plan = transactionPlan(framework, file.path, text, fs);
  const { statements, layout } = splitStatements(text, file.role === 'down' ? 'down' : 'up');
  const direction = file.role === 'down' ? 'down' : 'up';
  const sections = layout.sections.filter((s) => s.direction === direction && statements.some((st) => st.section === s));
  if (sections.length === 0) return 'no statements';
  const modes = sections.map((section) => {
    const scope = sectionScope(section, { transaction: config.transaction, plan, framework, statements });
    const n = statements.filter((s) => (plan.sending === 'section' ? s.section === section : s.section.direction === direction)).length;
    const explicit = statements.some((s) => s.section === section && s.kind === 'TransactionStmt' && /BEGIN|START/.test(s.node?.kind ?? ''));
    const what =
      scope.source === 'runner' ? 'runner transaction'
        : scope.source === 'implicit' ? `implicit transaction (${scope.implicit === 'after-first' ? 'pipeline' : 'one query'}, ${n} statements)`
          : plan.assumed ? 'runner unknown: no transaction assumed (a runner that sends the file as one query would make it one implicit transaction)'
            : section.noTransaction ? 'no transaction (opted out)' : 'no transaction, statement by statement';
    return explicit ? `${what} + BEGIN/COMMIT in the file` : what;
  });
  return [...new Set(modes)].join('; ');
}

export function explainSets(sets: readonly MigrationSet[], fs: ProjectFs, configFor: (path: string) => PgsafeConfig, cwd: string, changed?: ReadonlySet<string>): string {
  const out: string[] = [];
  const show = (p: string) => relative(cwd, p).split(sep).join('/') || '.';
  for (const set of sets) {
    const config = configFor(`${set.root}${sep}pgsafe.config.json`);
    const framework = config.framework !== 'auto' ? config.framework : set.framework;
    const ups = set.files.filter((f) => f.role === 'up' || f.role === 'repeatable');
    out.push(`${show(set.root)}: ${framework} (${config.framework !== 'auto' ? 'set in pgsafe.config.json' : set.evidence})`);
    out.push(`  ${ups.length} migrations in apply order, ${set.files.filter((f) => f.role === 'down').length} down files, target PostgreSQL ${config.pgVersion}, transaction setting "${config.transaction}"`);
    ups.forEach((f, i) => {
      const down = f.pair ? `  down: ${relative(set.root, f.pair).split(sep).join('/')}` : '';
      const deployed = isDeployed(set, f, config, changed) ? '' : '  [not deployed: its objects count as new]';
      out.push(`  ${String(i + 1).padStart(4)}. ${relative(set.root, f.path).split(sep).join('/')}${f.role === 'repeatable' ? ' (repeatable)' : ''} — ${fileTransactionMode(set, f, fs, config)}${down}${deployed}`);
    });
    const other = set.files.filter((f) => f.role === 'verify' || f.role === 'ignored');
    if (other.length) out.push(`  not applied as migrations: ${other.length} file(s) (${[...new Set(other.map((f) => f.role))].join(', ')})`);
    out.push('');
  }
  return out.join('\n');
}

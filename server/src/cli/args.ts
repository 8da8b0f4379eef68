// Command-line parsing (node:util parseArgs, strict: unknown flags are usage errors).
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab'] as const;
export type Format = (typeof FORMATS)[number];

export interface CheckArgs {
  command: 'check';
  paths: string[];
  format: Format;
  pgVersion?: number;
  config?: string;
  rules: Record<string, 'off' | 'warn' | 'error'>;
  maxWarnings?: number;
  stdinFilename?: string;
  color: boolean;
  explainContext: boolean;
  since?: string;
  /** `--fix` (safe) or `--fix=all`. */
  fix?: 'safe' | 'all';
}

/** `pgsafe down <file>` (rollback generation). */
export interface DownArgs {
  command: 'down';
  file: string;
  format: 'sql' | 'json';
  write: boolean;
  allowPartial: boolean;
  verify: boolean;
  /** --verify on a throwaway database of this server instead of PGlite. */
  databaseUrl?: string;
  config?: string;
}

/** `pgsafe verify [paths…]` (run the migrations on a database and trace them). */
export interface VerifyArgs {
  command: 'verify';
  paths: string[];
  format: 'text' | 'json' | 'markdown';
  databaseUrl?: string;
  since?: string;
  seedRows?: number;
  config?: string;
}

export type Args =
  | CheckArgs
  | DownArgs
  | VerifyArgs
  | { command: 'rules'; format: 'text' | 'json' }
  | { command: 'explain'; rule: string }
  | { command: 'help' }
  | { command: 'lsp' }
  | { command: 'version' };

export const HELP = `pgsafe — PostgreSQL migration safety checks

Usage:
  pgsafe check [paths…] [options]   Lint migration files, directories (recursive *.sql) or globs
  pgsafe down <file> [options]      Generate the down migration (rollback) of a migration file
  pgsafe verify [dir|files…] [options]  Run the migrations on a fresh database and trace their locks
  pgsafe rules [--format text|json] List the rules
  pgsafe explain <rule>             Print a rule's documentation
  pgsafe lsp --stdio                Run the language server (LSP over stdin/stdout)
  pgsafe --version | --help

Options for check:
  --format <text|json|sarif|github|gitlab>   Output format (default: text)
  --pg-version <major>                       Target PostgreSQL major (default: config, else 18)
  --config <file>                            Use this pgsafe.config.json for every file
  --rule <id>=<off|warn|error>               Override a rule's level (repeatable)
  --max-warnings <n>                         Exit 1 when there are more than n warnings
  --stdin-filename <name>                    Read SQL from stdin; report it under this name
  --since <git ref>                          Migrations changed since the ref are not deployed yet:
                                             objects they create count as new for later files
  --explain-context                          Print the detected framework, apply order and
                                             transaction mode of each file, and exit
  --fix                                      Apply the fixes that stay within the file and need no choice
  --fix=all                                  Also apply fixes that create migration files or need a value
  --no-color                                 Plain text output

Options for down:
  --format <sql|json>                        Output format (default: sql, on stdout)
  --write                                    Write the down where the framework expects it (never over
                                             an existing down part: a diff is shown instead)
  --allow-partial                            Exit 0 (and write) even when some statements cannot be
                                             reverted exactly (data loss, irreversible, unsupported)
  --verify                                   Round-trip on PGlite: earlier migrations, up, down, compare
                                             the catalog with the snapshot, up again
  --database-url <postgres://…>              With --verify: round-trip on a throwaway database of this
                                             server (created, then dropped) instead of PGlite
  --config <file>                            Use this pgsafe.config.json

Options for verify:
  --database-url <postgres://…>              Use a throwaway database on this server (created, then
                                             dropped) instead of the embedded PGlite
  --since <git ref>                          Trace the migrations changed since the ref (default: the
                                             files named, else all); earlier ones are only applied
  --seed-rows <n>                            Insert n synthetic rows into every table first
  --format <text|json|markdown>              Output format (default: text)

Exit codes: 0 no findings or warnings only, 1 an error-level finding (or too many warnings),
2 usage, configuration or file errors.
`;

export function parseCommandLine(argv: string[], stdoutIsTty: boolean): Args {
  // `--fix` alone means the safe fixes; `--fix=all` adds the ones that create files or need a value.
  argv = argv.map((a) => (a === '--fix' ? '--fix=safe' : a));
  // The language server reads its own transport flags (--stdio, --node-ipc, --socket=N).
  if (argv[0] === 'lsp') return { command: 'lsp' };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        'pg-version': { type: 'string' },
        config: { type: 'string' },
        rule: { type: 'string', multiple: true },
        'max-warnings': { type: 'string' },
        'stdin-filename': { type: 'string' },
        'no-color': { type: 'boolean' },
        'explain-context': { type: 'boolean' },
        since: { type: 'string' },
        fix: { type: 'string' },
        write: { type: 'boolean' },
        'allow-partial': { type: 'boolean' },
        verify: { type: 'boolean' },
        'database-url': { type: 'string' },
        'seed-rows': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e: any) {
    throw new UsageError(e?.message ?? String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [command = 'help', ...rest] = positionals;
  if (command === 'help') return { command: 'help' };
  if (command === 'version') return { command: 'version' };
  if (command === 'rules') {
    const f = values.format ?? 'text';
    if (f !== 'text' && f !== 'json') throw new UsageError(`pgsafe rules: --format must be text or json (got "${f}")`);
    return { command: 'rules', format: f };
  }
  if (command === 'explain') {
    if (rest.length !== 1) throw new UsageError('usage: pgsafe explain <rule>');
    return { command: 'explain', rule: rest[0] };
  }
  if (command === 'down') {
    if (rest.length !== 1) throw new UsageError('usage: pgsafe down <file> [--write] [--format sql|json] [--allow-partial] [--verify [--database-url <url>]]');
    const f = values.format ?? 'sql';
    if (f !== 'sql' && f !== 'json') throw new UsageError(`pgsafe down: --format must be sql or json (got "${f}")`);
    if (values['seed-rows'] !== undefined) throw new UsageError('--seed-rows is an option of `pgsafe verify`');
    if (values['database-url'] !== undefined && !values.verify) throw new UsageError('pgsafe down: --database-url needs --verify (it names the server the round trip runs on)');
    return { command: 'down', file: rest[0], format: f, write: !!values.write, allowPartial: !!values['allow-partial'], verify: !!values.verify, databaseUrl: values['database-url'], config: values.config };
  }
  if (command === 'verify') return verifyArgs(rest, values);
  if (values['database-url'] !== undefined || values['seed-rows'] !== undefined) throw new UsageError('--database-url and --seed-rows are options of `pgsafe verify`');
  if (values.write || values['allow-partial'] || values.verify) throw new UsageError('--write, --allow-partial and --verify are options of `pgsafe down`');
  if (command !== 'check') throw new UsageError(`unknown command "${command}" (commands: check, down, verify, rules, explain, lsp)`);

  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${values.format}")`);
  let pgVersion: number | undefined;
  if (values['pg-version'] !== undefined) {
    const m = /^(\d+)(?:\.\d+)*$/.exec(values['pg-version']);
    if (!m) throw new UsageError(`--pg-version must be a PostgreSQL major version such as 15 (got "${values['pg-version']}")`);
    pgVersion = Number(m[1]);
  }
  const rules: CheckArgs['rules'] = {};
  for (const r of values.rule ?? []) {
    const m = /^([a-z0-9-]+)=(off|warn|error)$/.exec(r.trim());
    if (!m) throw new UsageError(`--rule expects <id>=<off|warn|error> (got "${r}")`);
    rules[m[1]] = m[2] as 'off' | 'warn' | 'error';
  }
  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new UsageError(`--max-warnings must be a non-negative integer (got "${values['max-warnings']}")`);
  }
  const fix = values.fix as 'safe' | 'all' | undefined;
  if (fix !== undefined && fix !== 'safe' && fix !== 'all') throw new UsageError(`--fix takes no value or "all" (got "${values.fix}")`);
  const paths = rest;
  const stdinFilename = values['stdin-filename'];
  if (stdinFilename !== undefined && paths.length) throw new UsageError('--stdin-filename reads SQL from stdin: do not also pass paths');
  return {
    command: 'check',
    paths: paths.length || stdinFilename !== undefined ? paths : ['.'],
    format,
    pgVersion,
    config: values.config,
    rules,
    maxWarnings,
    stdinFilename,
    color: stdoutIsTty && !values['no-color'] && !process.env.NO_COLOR && format === 'text',
    explainContext: !!values['explain-context'],
    since: values.since,
    fix,
  };
}

function verifyArgs(rest: string[], values: Record<string, unknown>): VerifyArgs {
  const f = (values.format as string | undefined) ?? 'text';
  if (f !== 'text' && f !== 'json' && f !== 'markdown') throw new UsageError(`pgsafe verify: --format must be text, json or markdown (got "${f}")`);
  let seedRows: number | undefined;
  if (values['seed-rows'] !== undefined) {
    seedRows = Number(values['seed-rows']);
    if (!Number.isInteger(seedRows) || seedRows < 0) throw new UsageError(`--seed-rows must be a non-negative integer (got "${values['seed-rows']}")`);
  }
  return { command: 'verify', paths: rest, format: f, databaseUrl: values['database-url'] as string | undefined, since: values.since as string | undefined, seedRows, config: values.config as string | undefined };
}

// How each framework sends a migration to PostgreSQL (../shared/reference/frameworks.md, table B).
// In-file opt-out markers of goose, sql-migrate, dbmate and tern are read per section by the
// splitter; the per-file switches of the other frameworks are read here.
import { dirname, join } from 'node:path';
import type { ProjectFs } from './fs';
import type { DetectedFramework, TransactionPlan } from './types';

/** Statements Flyway's parser runs outside a transaction by itself (PostgreSQLParser.detectCanExecuteInTransaction). */
export const FLYWAY_NON_TRANSACTIONAL = /^\s*((CREATE|DROP)(\s+UNIQUE)?\s+INDEX\s+CONCURRENTLY|REINDEX\s+(SCHEMA|DATABASE|SYSTEM)|VACUUM|DISCARD\s+ALL|ALTER\s+SYSTEM|CREATE\s+(DATABASE|TABLESPACE|SUBSCRIPTION))\b/i;

function sidecarSays(fs: ProjectFs | undefined, file: string, re: RegExp): boolean {
  const conf = fs?.readText(`${file}.conf`);
  return conf !== undefined && re.test(conf);
}

export function transactionPlan(framework: DetectedFramework, file = '', text = '', fs?: ProjectFs): TransactionPlan {
  switch (framework) {
    case 'goose':
      return { runnerTransaction: true, sending: 'statement', reason: 'goose runs each migration in a transaction unless the file has `-- +goose NO TRANSACTION`', optOut: 'a migration file of its own marked `-- +goose NO TRANSACTION`', sendingReason: 'goose sends a StatementBegin/StatementEnd block as one query' };
    case 'sql-migrate':
      return { runnerTransaction: true, sending: 'statement', reason: 'sql-migrate runs each migration in a transaction unless the marker says `notransaction`', optOut: 'a migration of its own marked `-- +migrate Up notransaction`' };
    case 'dbmate':
      return { runnerTransaction: true, sending: 'section', reason: 'dbmate runs each section in a transaction unless its marker says `transaction:false`', sendingReason: 'dbmate still sends the section as one query, which PostgreSQL runs as one implicit transaction (dbmate#126)', optOut: 'a migration of its own marked `-- migrate:up transaction:false`, alone in its section (dbmate sends a section as one query)' };
    case 'tern':
      return { runnerTransaction: true, sending: 'statement', reason: 'tern runs each migration in a transaction unless the section has `---- tern: disable-tx ----`', optOut: 'a migration of its own with `---- tern: disable-tx ----` in its up section' };
    case 'node-pg-migrate':
      return { runnerTransaction: true, sending: 'section', reason: 'node-pg-migrate runs SQL migrations in a transaction and has no opt-out for .sql files', optOut: undefined };
    case 'golang-migrate':
      return { runnerTransaction: false, sending: 'file', reason: 'golang-migrate sends the whole file as one query, which PostgreSQL runs as one implicit transaction when it holds more than one statement', optOut: 'a file of its own (one statement per file runs outside any transaction)' };
    case 'sqlx':
      if (/^-- no-transaction/.test(text)) return { runnerTransaction: false, sending: 'file', reason: 'the file starts with `-- no-transaction`, but sqlx still sends it as one query, which PostgreSQL runs as one implicit transaction', optOut: 'a migration file of its own starting with `-- no-transaction`' };
      return { runnerTransaction: true, sending: 'file', reason: 'sqlx runs each migration in a transaction unless its first line is `-- no-transaction`', optOut: 'a migration file of its own starting with `-- no-transaction` (and nothing else in it)' };
    case 'ory':
      if (/\.autocommit\.(up|down)\.sql$/i.test(file)) return { runnerTransaction: false, sending: 'file', reason: 'an .autocommit migration runs without a transaction, but popx sends the file as one query, which PostgreSQL runs as one implicit transaction', optOut: 'an .autocommit.up.sql migration of its own' };
      return { runnerTransaction: true, sending: 'file', reason: 'ory/popx runs each migration in a transaction unless its file is named .autocommit.up.sql', optOut: 'an .autocommit.up.sql migration of its own, holding only that statement' };
    case 'prisma':
      return { runnerTransaction: false, sending: 'file', reason: 'Prisma Migrate sends migration.sql as one query, which PostgreSQL runs as one implicit transaction', optOut: 'a migration of its own (a migration.sql holding only that statement)' };
    case 'supabase': {
      const version = dependencyVersion(fs, file, 'supabase');
      if (version && compareVersion(version, [2, 109, 0]) >= 0) {
        return { runnerTransaction: false, sending: 'pipeline', standalone: SUPABASE_STANDALONE, reason: `the Supabase CLI (${version.join('.')} in package.json) sends each migration file as one pipeline, which runs every statement after the first in an implicit transaction; since 2.109 it runs CREATE INDEX CONCURRENTLY, REINDEX … CONCURRENTLY, VACUUM, ALTER SYSTEM and CLUSTER on their own`, optOut: 'a migration file of its own' };
      }
      return { runnerTransaction: false, sending: 'pipeline', reason: 'the Supabase CLI sends each migration file as one pipeline, which runs every statement after the first in an implicit transaction (CLI 2.109+ runs CREATE INDEX CONCURRENTLY separately)', optOut: 'a migration file of its own, or Supabase CLI 2.109 or later' };
    }
    case 'drizzle':
      return { runnerTransaction: true, sending: 'statement', reason: 'drizzle-kit migrate runs all pending migrations in one transaction and has no opt-out (drizzle-orm#860)', optOut: undefined };
    case 'diesel': {
      const meta = fs?.readText(join(dirname(file), 'metadata.toml')) ?? '';
      if (/run_in_transaction\s*=\s*false/.test(meta)) return { runnerTransaction: false, sending: 'file', reason: 'metadata.toml sets run_in_transaction = false, but Diesel still sends up.sql as one batch, which PostgreSQL runs as one implicit transaction', optOut: 'a migration of its own (alone in up.sql) with `run_in_transaction = false` in metadata.toml' };
      return { runnerTransaction: true, sending: 'file', sendingReason: 'Diesel sends up.sql as one batch, which PostgreSQL runs as one implicit transaction', reason: 'Diesel runs each migration in a transaction unless its metadata.toml sets run_in_transaction = false', optOut: '`run_in_transaction = false` in the migration\'s metadata.toml (and the statement alone in up.sql)' };
    }
    case 'flyway': {
      if (sidecarSays(fs, file, /executeInTransaction\s*=\s*false/i)) return { runnerTransaction: false, sending: 'statement', reason: `${'the .sql.conf sidecar sets executeInTransaction=false'}` };
      return { runnerTransaction: true, sending: 'statement', autoNonTransactional: FLYWAY_NON_TRANSACTIONAL, reason: 'Flyway runs each migration in a transaction unless every statement in it is one Flyway runs outside a transaction (CREATE/DROP INDEX CONCURRENTLY, VACUUM, …)', optOut: 'a migration of its own (Flyway then runs it outside a transaction), or `executeInTransaction=false` in a `.sql.conf` sidecar' };
    }
    case 'liquibase':
      // Per changeset: the splitter makes each `--changeset` line a section and reads its runInTransaction.
      return { runnerTransaction: true, sending: 'statement', reason: 'Liquibase runs each changeset in a transaction unless it says runInTransaction:false', optOut: 'a changeset of its own with `runInTransaction:false`' };
    case 'sqitch':
      return { runnerTransaction: false, sending: 'statement', reason: 'sqitch runs scripts with psql, one statement at a time; only the BEGIN/COMMIT of its template opens a transaction', optOut: 'remove the template\'s BEGIN/COMMIT around it' };
    case 'graphile-migrate':
      if (/^--!\s*no-transaction\b/.test(text)) return { runnerTransaction: false, sending: 'file', reason: 'the file starts with `--! no-transaction`, but graphile-migrate sends it as one query, which PostgreSQL runs as one implicit transaction', optOut: 'a file of its own holding only that statement' };
      return { runnerTransaction: true, sending: 'file', reason: 'graphile-migrate runs each migration in a transaction unless its first line is `--! no-transaction`', optOut: '`--! no-transaction` as the first line of a file holding only that statement' };
    case 'atlas':
      if (/^(--[^\n]*\n)*--\s*atlas:txmode\s+none\b/.test(text)) return { runnerTransaction: false, sending: 'statement', reason: 'the file header says `-- atlas:txmode none`' };
      return { runnerTransaction: true, sending: 'statement', reason: 'Atlas runs each file in a transaction unless its header says `-- atlas:txmode none`', optOut: '`-- atlas:txmode none` in the file header (followed by a blank line)' };
    case 'plain':
    default:
      return { runnerTransaction: false, sending: 'file', assumed: true, reason: 'the runner is not known (plain numbered files): pgsafe assumes it may send the whole file as one query, which PostgreSQL runs as one implicit transaction', optOut: 'a file of its own' };
  }
}

/** Short form for --explain-context. */
export function describePlan(p: TransactionPlan, sectionOptOut = false): string {
  if (p.runnerTransaction && !sectionOptOut) return 'runner transaction';
  const how = { statement: 'statements sent one by one', file: 'file sent as one query (implicit transaction)', section: 'section sent as one query (implicit transaction)', pipeline: 'file sent as one pipeline (implicit transaction after the first statement)' }[p.sending];
  return `no runner transaction, ${how}${p.assumed ? ' — assumed' : ''}`;
}

/** What the Supabase CLI (2.109+) runs outside the migration's pipeline (supabase/cli PR#5156). */
const SUPABASE_STANDALONE = /^\s*(CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|REINDEX\b[^;]*\bCONCURRENTLY|VACUUM|ALTER\s+SYSTEM|CLUSTER)\b/i;

/** The version of `name` in the nearest package.json above `file` (first x.y.z of its range). */
function dependencyVersion(fs: ProjectFs | undefined, file: string, name: string): number[] | undefined {
  if (!fs || !file) return undefined;
  let dir = dirname(file);
  for (let i = 0; i < 8; i++) {
    const text = fs.readText(join(dir, 'package.json'));
    if (text !== undefined) {
      try {
        const pkg = JSON.parse(text);
        const spec: unknown = pkg.dependencies?.[name] ?? pkg.devDependencies?.[name];
        const m = typeof spec === 'string' ? /(\d+)\.(\d+)\.(\d+)/.exec(spec) : null;
        if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
      } catch {
        // not JSON: keep looking further up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function compareVersion(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

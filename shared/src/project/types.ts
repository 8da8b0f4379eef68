// A migrations folder as its runner sees it: which framework, which files in which order, which
// part of each file is up or down, and how each file reaches PostgreSQL (transactions).
import type { Framework } from '../config/types';

export type DetectedFramework = Exclude<Framework, 'auto'>;

export interface MigrationFile {
  path: string;
  /** Position in the order the runner applies the set's up migrations (down files: their up's). */
  order: number;
  /** Up migration, down/revert file, or a file the runner never applies as a migration. */
  role: 'up' | 'down' | 'repeatable' | 'verify' | 'ignored';
  /** For down files: the up file they revert; for up files: their down file, when one exists. */
  pair?: string;
}

export interface MigrationSet {
  /** The folder the runner is pointed at. */
  root: string;
  framework: DetectedFramework;
  /** Why pgsafe believes it is this framework (shown by --explain-context). */
  evidence: string;
  files: MigrationFile[];
}

/** How a runner sends one migration to PostgreSQL. */
export interface TransactionPlan {
  /** The runner wraps each migration (or section) in a transaction. */
  runnerTransaction: boolean;
  /**
   * How statements are sent when there is no runner transaction: 'statement' one at a time;
   * 'file' / 'section' the whole file or section as one query (PostgreSQL runs a multi-statement
   * query as one implicit transaction); 'pipeline' as one pipeline (the 2nd+ statement is in an
   * implicit transaction).
   */
  sending: 'statement' | 'file' | 'section' | 'pipeline';
  /** When a migration opted out of the runner transaction but is still sent as one query: why that is an implicit transaction. */
  sendingReason?: string;
  /** One sentence: why, for messages and --explain-context. */
  reason: string;
  /** How one migration opts out of the runner's transaction, when the framework has a way. */
  optOut?: string;
  /** Flyway: statements matching this run outside a transaction; a migration made only of them
   *  runs without one, and a migration mixing them with others is refused by Flyway. */
  autoNonTransactional?: RegExp;
  /** Statements the runner takes out of the pipeline and runs on their own (Supabase CLI ≥ 2.109). */
  standalone?: RegExp;
  /** The runner's semantics are not known (plain numbered files): rules say so. */
  assumed?: boolean;
}

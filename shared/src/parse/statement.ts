import type { Comment } from './trivia';
import type { Section } from './sections';

export type AstNode = Record<string, any>;

export interface StatementSyntaxError {
  message: string;
  /** File offset (UTF-16) the parser pointed at. */
  offset: number;
}

/** One SQL statement of a file, with its exact source range and (if it parsed) its parse tree. */
export interface Statement {
  index: number;
  /** First character of the statement's first token (file offset, UTF-16). */
  start: number;
  /** End of the statement's last token, before any `;`. */
  end: number;
  /** Offset of the terminating `;`, when there is one. */
  terminator: number | undefined;
  text: string;
  /** Parse-tree node type, e.g. `CreateStmt`; `''` when the statement did not parse. */
  kind: string;
  /** The statement's node (the value under `kind`). */
  node: AstNode | undefined;
  error: StatementSyntaxError | undefined;
  section: Section;
  /** Comments between the previous statement and this one (suppressions live here). */
  leadingComments: Comment[];
  /** goose / sql-migrate StatementBegin…End block the statement is in (the runner sends a block as one query). */
  block?: number;
  /** psql variables were substituted before parsing. */
  hasPlaceholders: boolean;
  /** Map a parser `location` (bytes in the text that was parsed) to a file offset. */
  loc(location: number | undefined): number;
}

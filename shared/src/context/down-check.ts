// Does a migration's own down part undo its up part? Replayed on the schema model: the facts
// before the up must equal the facts after up + down. Only claimed when every down statement is
// one the replay models (otherwise the model cannot know what the down does).
import { applyStatement } from './apply';
import type { Catalog } from './catalog';
import { factsDiff, schemaFacts, type SchemaFacts } from './facts';
import { MODELLED_KINDS } from './walker';
import type { Statement } from '../parse/statement';

export interface DownCheck {
  /** What the down leaves different from before the up ([] = it reverts the up). */
  differences: string[];
}

/** `before`: facts before the up; `afterUp`: the catalog after it (not changed). */
export function checkDown(before: SchemaFacts, afterUp: Catalog, down: readonly Statement[]): DownCheck | undefined {
  const parsed = down.filter((s) => !s.error);
  if (parsed.length === 0 || parsed.length !== down.length) return undefined; // empty, or syntax errors (reported as such)
  if (parsed.some((s) => !MODELLED_KINDS.has(s.kind) || s.kind === 'DoStmt' || s.hasPlaceholders)) return undefined;
  const probe = afterUp.clone();
  for (const s of parsed) applyStatement(probe, s);
  return { differences: factsDiff(before, schemaFacts(probe)) };
}

export function downMessage(differences: readonly string[], where: string): { message: string; help: string } {
  const shown = differences.slice(0, 4).join('; ');
  const more = differences.length > 4 ? `; and ${differences.length - 4} more` : '';
  return {
    message: `${where} does not undo the up migration: replayed on the schema, ${shown}${more}.`,
    help: 'Make the down reverse every change of the up (in reverse order), or generate one with `pgsafe down <file>` and compare.',
  };
}

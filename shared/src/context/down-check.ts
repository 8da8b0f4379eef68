// Does a migration's own down part undo its up part? Replayed on the schema model: the facts
// before the up must equal the facts after up + down. Only the relations the up and down name are
// compared (copied out of the catalog, so the check costs what the file touches, not the schema's
// size). Only claimed when every down statement is one the replay models.
import { listName, namesInTree } from '../ast/names';
import { applyStatement } from './apply';
import type { Catalog } from './catalog';
import { factsDiff, schemaFacts, type SchemaFacts } from './facts';
import { MODELLED_KINDS } from './walker';
import type { Statement } from '../parse/statement';

/** Names of the relations (and indexes' tables) the statements touch. */
export function touchedRelations(stmts: readonly Statement[], catalog: Catalog): Set<string> {
  const names = new Set<string>();
  for (const s of stmts) {
    if (!s.node) continue;
    namesInTree(s.node, names, true);
    if (s.kind === 'DropStmt') for (const o of s.node.objects ?? []) {
      const q = listName(o.List?.items);
      if (q) names.add(q.name);
    }
  }
  for (const n of [...names]) {
    const idx = catalog.index({ name: n });
    if (idx) names.add(idx.table.name);
  }
  return names;
}

export interface DownProbe {
  names: Set<string>;
  before: SchemaFacts;
}

/** Before the up runs: what to compare, and its facts now. */
export function probeBefore(catalog: Catalog, up: readonly Statement[], down: readonly Statement[]): DownProbe {
  const names = touchedRelations([...up, ...down], catalog);
  return { names, before: schemaFacts(catalog.subset(names)) };
}

/** After the up ran on `afterUp` (not changed): what the down leaves different ([] = it reverts the up). */
export function checkDown(probe: DownProbe, afterUp: Catalog, down: readonly Statement[]): { differences: string[] } | undefined {
  const parsed = down.filter((s) => !s.error);
  if (parsed.length === 0 || parsed.length !== down.length) return undefined; // empty, or syntax errors (reported as such)
  if (parsed.some((s) => !MODELLED_KINDS.has(s.kind) || s.kind === 'DoStmt' || s.hasPlaceholders)) return undefined;
  // Relations the up created are in the catalog now: include them too.
  const names = new Set([...probe.names, ...touchedRelations(parsed, afterUp)]);
  const probeCatalog = afterUp.subset(names);
  for (const s of parsed) applyStatement(probeCatalog, s);
  return { differences: factsDiff(probe.before, schemaFacts(probeCatalog)) };
}

export function downMessage(differences: readonly string[], where: string): { message: string; help: string } {
  const shown = differences.slice(0, 4).join('; ');
  const more = differences.length > 4 ? `; and ${differences.length - 4} more` : '';
  return {
    message: `${where} does not undo the up migration: replayed on the schema, ${shown}${more}.`,
    help: 'Make the down reverse every change of the up (in reverse order), or generate one with `pgsafe down <file>` and compare.',
  };
}

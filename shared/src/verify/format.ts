// Reports of `pgsafe verify`: text (terminal), JSON (machines) and Markdown (a pull request).
import { describeDisagreement } from './compare';
import { RERUN_KINDS, RERUN_LABEL, type RerunKind } from './rerun';
import type { FileVerdict, SetVerdict, StatementReport } from './verify';

export interface VerifySummary {
  files: number;
  reviewed: number;
  failed: number;
  blockingLocks: number;
  rewrites: number;
  scans: number;
  downsEqual: number;
  downsChecked: number;
  /** Statements (and files whose second run changes the schema) that are not re-runnable, harmless ones excluded. */
  notRerunnable: number;
  /** The same by kind, harmless ones ("fails-in-transaction") included. */
  rerunByKind: Record<RerunKind, number>;
  disagreements: number;
}

/** Not re-runnable statements of these files by kind (schema changes count once per file). */
export function rerunCounts(files: readonly FileVerdict[]): Record<RerunKind, number> {
  const out = Object.fromEntries(RERUN_KINDS.map((k) => [k, 0])) as Record<RerunKind, number>;
  for (const f of files) {
    for (const x of f.idempotency?.failures ?? []) out[x.kind]++;
    if (f.idempotency?.schemaChanges.length) out['changes-schema']++;
  }
  return out;
}

/** "2 fail on re-run, 1 duplicates data (+ 5 harmless)" */
export function describeRerun(counts: Record<RerunKind, number>): string {
  const parts = RERUN_KINDS.filter((k) => k !== 'fails-in-transaction' && counts[k]).map((k) => `${counts[k]} ${RERUN_LABEL[k].replace(/ \(.*\)$/, '')}`);
  const harmless = counts['fails-in-transaction'];
  return `${parts.join(', ') || 'none'}${harmless ? ` (+ ${harmless} that fail on re-run harmlessly, inside the file's transaction)` : ''}`;
}

/** Blocking locks (SHARE or stronger) on relations that existed before the file. */
export function blockingLocks(s: StatementReport) {
  return s.locks.filter((l) => l.blocksTraffic);
}

export function summarize(sets: readonly SetVerdict[]): VerifySummary {
  const files = sets.flatMap((s) => s.files);
  const reviewed = files.filter((f) => f.reviewed);
  const stmts = reviewed.flatMap((f) => f.statements);
  return {
    files: files.length,
    reviewed: reviewed.length,
    failed: files.filter((f) => !f.ok).length + sets.filter((s) => s.stopped && !s.files.some((f) => !f.ok)).length,
    blockingLocks: stmts.reduce((n, s) => n + blockingLocks(s).length, 0),
    rewrites: stmts.reduce((n, s) => n + s.rewrites.filter((r) => r.kind !== 'i' && r.kind !== 'I' && r.how !== 'new empty file').length, 0),
    scans: stmts.reduce((n, s) => n + s.scans.length, 0),
    downsChecked: reviewed.filter((f) => f.down).length,
    downsEqual: reviewed.filter((f) => f.down?.equal).length,
    ...(() => {
      const rerunByKind = rerunCounts(reviewed);
      return { rerunByKind, notRerunnable: RERUN_KINDS.filter((k) => k !== 'fails-in-transaction').reduce((n, k) => n + rerunByKind[k], 0) };
    })(),
    disagreements: stmts.reduce((n, s) => n + s.disagreements.length, 0),
  };
}

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`);

function statementLines(s: StatementReport, indent: string): string[] {
  const out: string[] = [];
  const head = `${indent}line ${s.line}: ${s.title}`;
  if (s.source === 'control') return [];
  const facts: string[] = [];
  for (const l of s.locks.filter((x) => x.mode !== 'ACCESS SHARE' && x.mode !== 'ROW SHARE' && x.mode !== 'ROW EXCLUSIVE')) facts.push(`${l.mode} on ${l.relation}${l.kind === 'i' ? ' (index)' : ''} — ${l.blocks}`);
  for (const r of s.rewrites) facts.push(r.how === 'new empty file' ? `new empty file for ${r.relation} (no row copied)` : `rewrites ${r.relation}${r.kind === 'i' ? ' (index)' : ''}${r.how === 're-created' ? ' (re-created)' : ''}`);
  for (const sc of s.scans) facts.push(`scans ${sc.relation}${sc.count > 1 ? ` ×${sc.count}` : ''}`);
  if (!facts.length && !s.disagreements.length && !s.rules.length) return [];
  out.push(`${head}  (${ms(s.durationMs)}${s.source === 'catalogue' ? ', outside a transaction: locks from the catalogue, not observed' : ''})`);
  for (const f of facts) out.push(`${indent}  ${f}`);
  if (s.rules.length) out.push(`${indent}  rules: ${s.rules.join(', ')}`);
  for (const d of s.disagreements) out.push(`${indent}  DISAGREEMENT (${d.aspect}) ${describeDisagreement(d)}`);
  return out;
}

function fileStatus(f: FileVerdict): string {
  if (!f.up.ok) return 'FAILED';
  if (!f.reviewed) return 'applied';
  return f.ok ? 'ok' : 'FAILED';
}

export function formatVerifyText(sets: readonly SetVerdict[]): string {
  const out: string[] = [];
  for (const set of sets) {
    out.push(`${set.root} (${set.framework}) on ${set.engine}: ${set.applied}/${set.total} files applied in ${ms(set.durationMs)}`);
    if (set.seed) out.push(`  seeded ${set.seed.rows} rows into ${set.seed.seeded.length} table(s)${set.seed.failed.length ? `; not seeded: ${set.seed.failed.map((x) => `${x.table} (${x.message})`).join('; ')}` : ''}`);
    for (const f of set.files) {
      if (!f.reviewed && f.up.ok) continue;
      out.push(`  ${fileStatus(f)}  ${f.name}${f.mode ? `  [${f.mode}]` : ''}`);
      if (f.up.error) out.push(`    up failed at line ${f.up.error.line}: ${f.up.error.statement}\n      ${f.up.error.message}`);
      for (const s of f.statements) out.push(...statementLines(s, '    '));
      if (f.down) {
        const what = f.down.source === 'generated' ? `generated down${f.down.partial ? ' (partial: some statements cannot be reverted exactly)' : ''}` : f.down.source === 'own' ? 'own down' : 'down';
        if (f.down.error) out.push(`    ${what}: FAILED: ${f.down.error}`);
        else out.push(`    ${what}: ${f.down.equal ? 'catalog equal to the snapshot before the up' : 'catalog DIFFERS from the snapshot before the up'}`);
        for (const d of f.down.differences) out.push(`      ${d}`);
      }
      if (f.upAgain) {
        if (!f.upAgain.ok) out.push(`    up again: FAILED: ${f.upAgain.error}`);
        else if (f.upAgain.differences.length) {
          out.push('    up again: the catalog differs from the first up');
          for (const d of f.upAgain.differences) out.push(`      ${d}`);
        }
      }
      if (f.idempotency) {
        if (f.idempotency.rerunnable) out.push(f.idempotency.failures.length ? '    re-run: safe to retry (every failure is inside the file\'s transaction)' : '    re-run: idempotent');
        for (const x of f.idempotency.failures) out.push(`    re-run: line ${x.line} ${RERUN_LABEL[x.kind]}: ${x.statement} — ${x.message}`);
        for (const d of f.idempotency.schemaChanges) out.push(`    re-run changes the schema: ${d}`);
      }
    }
    if (set.stopped) out.push(`  stopped at ${set.stopped.file}${set.stopped.line ? `:${set.stopped.line}` : ''}: ${set.stopped.message}`);
  }
  const s = summarize(sets);
  out.push('', `${s.reviewed} file(s) verified, ${s.failed} failed; ${s.blockingLocks} blocking lock(s) on existing relations, ${s.rewrites} table rewrite(s), ${s.scans} full scan(s); downs equal ${s.downsEqual}/${s.downsChecked}; not re-runnable: ${describeRerun(s.rerunByKind)}; ${s.disagreements} catalogue/database disagreement(s).`);
  return out.join('\n') + '\n';
}

export function formatVerifyJson(sets: readonly SetVerdict[]): string {
  return JSON.stringify({ summary: summarize(sets), sets }, (k, v) => (k === 'durationMs' && typeof v === 'number' ? Math.round(v * 100) / 100 : k === 'path' ? undefined : v), 2) + '\n';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

export function formatVerifyMarkdown(sets: readonly SetVerdict[]): string {
  const s = summarize(sets);
  const bad = s.failed > 0;
  const out: string[] = [`## ${bad ? '❌' : s.blockingLocks ? '⚠️' : '✅'} pgsafe verify`, ''];
  out.push(`${s.reviewed} migration(s) verified on ${[...new Set(sets.map((x) => x.engine))].join(', ')}. Not re-runnable: ${describeRerun(s.rerunByKind)}.`, '');
  out.push('| file | up | blocking locks | rewrites | scans | down | re-run | disagreements |', '|---|---|---:|---:|---:|---|---|---:|');
  for (const set of sets) {
    for (const f of set.files.filter((x) => x.reviewed || !x.up.ok)) {
      const st = f.statements;
      const down = !f.down ? '–' : f.down.error ? '❌ failed' : f.down.equal ? `✅ ${f.down.source}` : `❌ differs (${f.down.source})`;
      const serious = f.idempotency ? f.idempotency.failures.filter((x) => x.severity !== 'harmless').length + (f.idempotency.schemaChanges.length ? 1 : 0) : 0;
      const rerun = !f.idempotency ? '–' : f.idempotency.rerunnable ? '✅' : `${f.idempotency.failures.some((x) => x.severity === 'error') ? '❌' : '⚠️'} ${serious}`;
      out.push(`| ${code(cell(f.name))} | ${f.up.ok ? '✅' : '❌'} | ${st.reduce((n, x) => n + blockingLocks(x).length, 0)} | ${st.reduce((n, x) => n + x.rewrites.filter((r) => r.how !== 'new empty file').length, 0)} | ${st.reduce((n, x) => n + x.scans.length, 0)} | ${down} | ${rerun} | ${st.reduce((n, x) => n + x.disagreements.length, 0)} |`);
    }
  }
  for (const set of sets) {
    if (set.stopped) out.push('', `**Stopped** at ${code(set.stopped.file)}${set.stopped.line ? ` line ${set.stopped.line}` : ''}: ${set.stopped.message}`);
    for (const f of set.files.filter((x) => x.reviewed)) {
      out.push('', `### ${code(f.name)}`, '', `Runs as: ${f.mode ?? '–'}.`);
      if (f.up.error) out.push('', `❌ The up fails at line ${f.up.error.line} (${code(cell(f.up.error.statement))}): ${f.up.error.message}`);
      for (const x of f.statements) {
        if (x.source === 'control' || (!x.locks.length && !x.rewrites.length && !x.scans.length && !x.rules.length && !x.disagreements.length)) continue;
        const danger = blockingLocks(x).length > 0;
        out.push('', `#### ${danger ? '❌' : '✅'} Line ${x.line}: ${code(cell(x.title))} (${ms(x.durationMs)})`);
        if (x.source === 'catalogue') out.push('', '_Runs outside a transaction: not observed; locks from the static catalogue._');
        if (x.locks.length) {
          out.push('', '| relation | mode | blocks |', '|---|---|---|');
          for (const l of x.locks) out.push(`| ${code(l.relation)}${l.kind === 'i' ? ' (index)' : ''} | ${l.mode} | ${cell(l.blocks)} |`);
        }
        const copied = x.rewrites.filter((r) => r.how !== 'new empty file');
        const emptied = x.rewrites.filter((r) => r.how === 'new empty file');
        if (copied.length) out.push('', `Rewrites: ${copied.map((r) => code(r.relation) + (r.how === 're-created' ? ' (re-created)' : '')).join(', ')}.`);
        if (emptied.length) out.push('', `New empty file (no row copied): ${emptied.map((r) => code(r.relation)).join(', ')}.`);
        if (x.scans.length) out.push('', `Full scans: ${x.scans.map((r) => code(r.relation) + (r.count > 1 ? ` ×${r.count}` : '')).join(', ')}.`);
        if (x.rules.length) out.push('', `Rules: ${x.rules.map(code).join(', ')}.`);
        for (const d of x.disagreements) out.push('', `> **Static and observed disagree** (${d.aspect}): ${describeDisagreement(d)}. One of them has a bug.`);
      }
      if (f.down) {
        out.push('', `Down (${f.down.source}${f.down.partial ? ', partial' : ''}): ${f.down.error ? `❌ ${f.down.error}` : f.down.equal ? '✅ the catalog is back to the snapshot' : '❌ the catalog differs:'}`);
        for (const d of f.down.differences) out.push(`- ${code(d)}`);
      }
      if (f.upAgain && (!f.upAgain.ok || f.upAgain.differences.length)) out.push('', `Up again: ❌ ${f.upAgain.error ?? f.upAgain.differences.join('; ')}`);
      if (f.idempotency && !f.idempotency.rerunnable) {
        out.push('', 'Not re-runnable:');
        for (const y of f.idempotency.failures.filter((x) => x.severity !== 'harmless')) out.push(`- line ${y.line} ${code(cell(y.statement))} ${RERUN_LABEL[y.kind]}: ${y.message}`);
        for (const d of f.idempotency.schemaChanges) out.push(`- the second run changes ${code(d)}`);
      }
    }
  }
  return out.join('\n') + '\n';
}

// Which migration set a file belongs to, which framework runs it, and in which order its files
// are applied. Detection follows ../shared/reference/frameworks.md §5: configuration, then
// decisive in-file markers, then tool files and layouts, then file-name patterns.
import { basename, dirname, join, relative, sep } from 'node:path';
import { layoutSections } from '../parse/sections';
import type { ProjectFs } from './fs';
import type { DetectedFramework, MigrationFile, MigrationSet } from './types';

const collator = new Intl.Collator('en', { numeric: true });

/** The folder a runner is pointed at, for a migration file. */
export function setRootOf(file: string, fs: ProjectFs): string {
  const dir = dirname(file);
  for (let d = dir, i = 0; i < 3; i++, d = dirname(d)) {
    if (fs.exists(join(d, 'sqitch.plan'))) return d;
  }
  const base = basename(file);
  // One folder per migration: Prisma / Drizzle v1 (migration.sql), Diesel (up.sql + down.sql).
  if (base === 'migration.sql' || base === 'up.sql' || base === 'down.sql') return dirname(dir);
  return dir;
}

function sqlFilesUnder(root: string, fs: ProjectFs, depth: number, out: string[] = []): string[] {
  for (const e of fs.list(root)) {
    const p = join(root, e.name);
    if (e.dir) {
      if (depth > 0 && e.name !== 'node_modules' && !e.name.startsWith('.')) sqlFilesUnder(p, fs, depth - 1, out);
    } else if (e.name.toLowerCase().endsWith('.sql')) out.push(p);
  }
  return out;
}

/** Drizzle's statement separator (the in-file markers of the other runners are read by layoutSections). */
const DRIZZLE = /-->\s*statement-breakpoint/;
const LIQUIBASE = /^\s*--\s*liquibase\s+formatted/i;
const GRAPHILE = /^--!\s*(Previous|Hash|Message|no-transaction)\b/;
const ATLAS = /^--\s*atlas:(txmode|delimiter|checkpoint|nolint)\b/;
const FLYWAY = /^(V\d+(?:[._]\d+)*|U\d+(?:[._]\d+)*|R|B\d+(?:[._]\d+)*)__.+\.sql$/;

/**
 * The framework one file's own text points at (its first line or its in-file markers), if any.
 * The folder's framework is the one most files point at, so an edit that changes a file's hint
 * (typing `-- +goose Up` into a plain folder's file) must re-detect the folder.
 */
export function frameworkHint(text: string): DetectedFramework | undefined {
  const firstLine = text.slice(0, 400).split('\n', 1)[0];
  if (LIQUIBASE.test(firstLine)) return 'liquibase';
  if (GRAPHILE.test(firstLine)) return 'graphile-migrate';
  if (ATLAS.test(firstLine)) return 'atlas';
  return layoutSections(text).framework ?? (DRIZZLE.test(text) ? 'drizzle' : undefined);
}

/** Framework of a set of files under `root`, and the evidence. */
export function detectFramework(root: string, files: readonly string[], fs: ProjectFs): { framework: DetectedFramework; evidence: string } {
  if (fs.exists(join(root, 'sqitch.plan'))) return { framework: 'sqitch', evidence: 'sqitch.plan in the folder' };
  const counts = new Map<DetectedFramework, number>();
  for (const f of files) {
    const text = fs.readText(f);
    const hit = text === undefined ? undefined : frameworkHint(text);
    if (hit) counts.set(hit, (counts.get(hit) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  if (best) return { framework: best[0], evidence: `${best[1]} of ${files.length} files carry ${best[0]} markers` };

  const rel = files.map((f) => relative(root, f).split(sep).join('/'));
  if (fs.exists(join(root, 'atlas.sum'))) return { framework: 'atlas', evidence: 'atlas.sum in the folder' };
  if (fs.exists(join(root, 'meta', '_journal.json'))) return { framework: 'drizzle', evidence: 'meta/_journal.json in the folder' };
  if (rel.some((r) => /^\d{14}_[^/]+\/migration\.sql$/.test(r))) {
    if (rel.some((r) => r.endsWith('/snapshot.json')) || fs.list(dirname(files[0])).some((e) => e.name === 'snapshot.json')) {
      return { framework: 'drizzle', evidence: '<timestamp>_<name>/migration.sql folders with snapshot.json (drizzle-kit v1)' };
    }
    return { framework: 'prisma', evidence: '<14-digit timestamp>_<name>/migration.sql folders' + (fs.exists(join(root, 'migration_lock.toml')) ? ' and migration_lock.toml' : '') };
  }
  if (rel.some((r) => /^[^/]+\/up\.sql$/.test(r))) return { framework: 'diesel', evidence: '<version>_<name>/up.sql (+ down.sql) folders' };
  if (/(^|[\\/])supabase[\\/]migrations$/.test(root)) return { framework: 'supabase', evidence: 'files in supabase/migrations' };
  if (rel.some((r) => FLYWAY.test(basename(r)))) return { framework: 'flyway', evidence: 'V<version>__<description>.sql file names' };
  // Runners that share golang-migrate's <version>_<name>.up.sql layout, told apart by their manifests.
  const manifest = (name: string, re: RegExp) => ancestorFile(root, name, fs, (t) => re.test(t));
  const sqlx = manifest('Cargo.toml', /^\s*sqlx\b/m);
  const ups = rel.filter((r) => /\.up\.sql$/i.test(r));
  if (sqlx && rel.every((r) => /^\d+_.+\.sql$/.test(basename(r)))) return { framework: 'sqlx', evidence: `<version>_<name>.sql files and sqlx in ${sqlx}` };
  if (ups.length > 0 && rel.every((r) => /\.(up|down)\.sql$/i.test(r))) {
    if (rel.some((r) => /\.autocommit\.(up|down)\.sql$/i.test(r)) || manifest('go.mod', /ory\/x\b|gobuffalo\/pop|ory\/popx/)) return { framework: 'ory', evidence: 'ory/popx migrations (.autocommit.up.sql files or ory/x in go.mod)' };
    const npm = manifest('package.json', /"node-pg-migrate"\s*:/);
    if (npm) return { framework: 'node-pg-migrate', evidence: `<id>.up.sql / .down.sql and node-pg-migrate in ${npm}` };
    return { framework: 'golang-migrate', evidence: 'every file is <version>_<name>.up.sql / .down.sql' };
  }
  if (fs.exists(join(root, 'tern.conf'))) return { framework: 'tern', evidence: 'tern.conf in the folder' };
  return { framework: 'plain', evidence: 'numbered .sql files with no framework markers or tool files' };
}

function versionParts(name: string): number[] {
  const m = /^[VUB](\d+(?:[._]\d+)*)__/.exec(name);
  return m ? m[1].split(/[._]/).map(Number) : [];
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** Leading version number of golang-migrate / sql-migrate / goose names, compared as a number. */
function leadingNumber(name: string): number {
  const m = /^(\d+)/.exec(name);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

/** Sqitch plan order: deploy/<change>.sql (reworked changes: deploy/<change>@<tag>.sql for older versions). */
function sqitchOrder(root: string, fs: ProjectFs): { deploy: string[]; byChange: Map<string, string> } {
  const plan = fs.readText(join(root, 'sqitch.plan')) ?? '';
  const lines = plan.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('%') && !l.startsWith('#'));
  const entries: { change?: string; tag?: string }[] = lines.map((l) => (l.startsWith('@') ? { tag: l.slice(1).split(/\s/)[0] } : { change: l.split(/\s/)[0] }));
  const deploy: string[] = [];
  const byChange = new Map<string, string>();
  entries.forEach((e, i) => {
    if (!e.change) return;
    const reworkedLater = entries.slice(i + 1).some((x) => x.change === e.change);
    let file = `${e.change}.sql`;
    if (reworkedLater) {
      // The old version of a reworked change is kept as <change>@<tag>.sql, named after a tag
      // that follows it in the plan.
      const tag = entries.slice(i + 1).find((x) => x.tag && fs.exists(join(root, 'deploy', `${e.change}@${x.tag}.sql`)))?.tag;
      if (tag) file = `${e.change}@${tag}.sql`;
    }
    deploy.push(file);
    byChange.set(file, e.change);
  });
  return { deploy, byChange };
}

/** Load the whole set a runner would apply from `root`: framework, roles, order, up/down pairs. */
export function loadSet(root: string, fs: ProjectFs, framework?: DetectedFramework): MigrationSet {
  const sqitch = fs.exists(join(root, 'sqitch.plan'));
  const all = sqlFilesUnder(root, fs, 1).filter((f) => sqitch || dirname(f) === root || /^(migration|up|down)\.sql$/.test(basename(f)));
  const detected = framework ? { framework, evidence: 'set in the configuration' } : detectFramework(root, all, fs);
  const fw = detected.framework;
  const rel = (f: string) => relative(root, f).split(sep).join('/');
  const files: MigrationFile[] = [];

  if (fw === 'sqitch') {
    const { deploy } = sqitchOrder(root, fs);
    deploy.forEach((name, i) => {
      const up = join(root, 'deploy', name);
      const down = join(root, 'revert', name);
      if (!fs.exists(up)) return;
      files.push({ path: up, order: i, role: 'up', pair: fs.exists(down) ? down : undefined });
      if (fs.exists(down)) files.push({ path: down, order: i, role: 'down', pair: up });
    });
    const listed = new Set(files.map((f) => f.path));
    for (const f of all) if (!listed.has(f)) files.push({ path: f, order: Number.MAX_SAFE_INTEGER, role: rel(f).startsWith('verify/') ? 'verify' : 'ignored' });
  } else if (fw === 'flyway') {
    const versioned = all.filter((f) => /^[VB]\d/.test(basename(f))).sort((a, b) => compareVersions(versionParts(basename(a)), versionParts(basename(b))) || collator.compare(a, b));
    const repeatable = all.filter((f) => /^R__/.test(basename(f))).sort(collator.compare);
    versioned.forEach((f, i) => files.push({ path: f, order: i, role: 'up' }));
    repeatable.forEach((f, i) => files.push({ path: f, order: versioned.length + i, role: 'repeatable' }));
    for (const f of all.filter((x) => /^U\d/.test(basename(x)))) {
      const v = versionParts(basename(f));
      const up = files.find((u) => u.role === 'up' && compareVersions(versionParts(basename(u.path)), v) === 0);
      files.push({ path: f, order: up?.order ?? Number.MAX_SAFE_INTEGER, role: 'down', pair: up?.path });
      if (up) up.pair = f;
    }
    for (const f of all) if (!files.some((x) => x.path === f)) files.push({ path: f, order: Number.MAX_SAFE_INTEGER, role: 'ignored' });
  } else if (fw === 'drizzle' && fs.exists(join(root, 'meta', '_journal.json'))) {
    // drizzle-kit applies exactly the journal's entries, in its order; other .sql files are not migrations.
    let tags: string[] = [];
    try {
      tags = (JSON.parse(fs.readText(join(root, 'meta', '_journal.json')) ?? '{}').entries ?? [])
        .sort((a: any, b: any) => (a.idx ?? 0) - (b.idx ?? 0)).map((e: any) => String(e.tag));
    } catch {
      tags = [];
    }
    const byTag = new Map(all.map((f) => [basename(f, '.sql'), f]));
    tags.forEach((tag, i) => {
      const f = byTag.get(tag);
      if (f) files.push({ path: f, order: i, role: 'up' });
    });
    for (const f of all) if (!files.some((x) => x.path === f)) files.push({ path: f, order: Number.MAX_SAFE_INTEGER, role: 'ignored' });
  } else {
    const isDown = (f: string) => /\.down\.sql$/i.test(f) || basename(f) === 'down.sql';
    const ups = all.filter((f) => !isDown(f));
    const numeric = fw === 'golang-migrate' || fw === 'sql-migrate' || fw === 'goose' || fw === 'sqlx' || fw === 'ory';
    ups.sort((a, b) => (numeric ? leadingNumber(basename(a)) - leadingNumber(basename(b)) : 0) || collator.compare(rel(a), rel(b)));
    ups.forEach((f, i) => files.push({ path: f, order: i, role: 'up' }));
    for (const f of all.filter(isDown)) {
      const stem = basename(f) === 'down.sql' ? join(dirname(f), 'up.sql') : f.replace(/\.down\.sql$/i, '.up.sql');
      const up = files.find((u) => u.path === stem) ?? files.find((u) => leadingNumber(basename(u.path)) === leadingNumber(basename(f)) && leadingNumber(basename(f)) !== Number.POSITIVE_INFINITY);
      files.push({ path: f, order: up?.order ?? Number.MAX_SAFE_INTEGER, role: 'down', pair: up?.path });
      if (up) up.pair = f;
    }
  }
  files.sort((a, b) => a.order - b.order || (a.role === b.role ? 0 : a.role === 'up' ? -1 : 1));
  return { root, framework: fw, evidence: detected.evidence, files };
}

/** The sets the given files belong to (each loaded whole), in a stable order. */
export function setsFor(files: readonly string[], fs: ProjectFs, framework?: DetectedFramework): MigrationSet[] {
  const roots = [...new Set(files.map((f) => setRootOf(f, fs)))].sort(collator.compare);
  return roots.map((r) => loadSet(r, fs, framework));
}

/**
 * Sets that build on other sets, in an order where dependencies come first: a sqitch plan that
 * requires `other_project:change` builds on the set whose plan says `%project=other_project`.
 * Returns each set with the set it builds on (its schema is the starting point).
 */
export function orderSets(sets: readonly MigrationSet[], fs: ProjectFs): { set: MigrationSet; after?: MigrationSet }[] {
  const projectOf = new Map<string, MigrationSet>();
  const plans = new Map<MigrationSet, string>();
  for (const s of sets) {
    if (s.framework !== 'sqitch') continue;
    const plan = fs.readText(join(s.root, 'sqitch.plan')) ?? '';
    plans.set(s, plan);
    const m = /^%project=(\S+)/m.exec(plan);
    if (m) projectOf.set(m[1], s);
  }
  const after = new Map<MigrationSet, MigrationSet>();
  for (const [s, plan] of plans) {
    for (const m of plan.matchAll(/\[([^\]]*)\]/g)) {
      for (const dep of m[1].split(/\s+/)) {
        const project = /^!?([^:\s]+):/.exec(dep)?.[1];
        const base = project ? projectOf.get(project) : undefined;
        if (base && base !== s) after.set(s, base);
      }
    }
  }
  const out: { set: MigrationSet; after?: MigrationSet }[] = [];
  const placed = new Set<MigrationSet>();
  const place = (s: MigrationSet, depth = 0) => {
    if (placed.has(s) || depth > sets.length) return;
    const base = after.get(s);
    if (base && sets.includes(base)) place(base, depth + 1);
    placed.add(s);
    out.push({ set: s, after: base && sets.includes(base) ? base : undefined });
  };
  for (const s of sets) place(s);
  return out;
}

/** The nearest `name` at or above `dir` (up to 6 levels) whose text passes `test`. */
function ancestorFile(dir: string, name: string, fs: ProjectFs, test: (text: string) => boolean): string | undefined {
  for (let d = dir, i = 0; i < 6; i++) {
    const p = join(d, name);
    const text = fs.exists(p) ? fs.readText(p) : undefined;
    if (text !== undefined) return test(text) ? p : undefined;
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  return undefined;
}

// Catalog.fork is copy-on-write: the two catalogs share every record, list and set, and each copies
// one before changing it. Randomized differential test: a family of forks (forks of forks too) each
// replays its own random statements, and after every step each catalog must equal a twin that got
// the same statements on an independent deep copy (Catalog.clone, structuredClone). A record, list
// or set that one side changed in place while the other still shared it makes a twin differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureParser } from '../../shared/src/parse/pgquery';
import { splitStatements } from '../../shared/src/parse/split';
import { applyStatement } from '../../shared/src/context/apply';
import { Catalog } from '../../shared/src/context/catalog';
import { rng } from '../helpers/random';

const SETUP = `
CREATE SCHEMA audit;
CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(50) NOT NULL, name text, m int);
CREATE TABLE audit.accounts (id bigint, at timestamptz);
CREATE TYPE mood AS ENUM ('a', 'b');
CREATE DOMAIN posint AS int;
CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id), total numeric(10,2), status text, m mood);
CREATE INDEX orders_acc_idx ON orders (account_id);
CREATE VIEW active AS SELECT id, email FROM accounts;
CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE audit.log (id bigint, account_id bigint, mood mood);
`;

// Every way the replay changes the schema: columns, constraints, indexes, renames (of tables,
// columns, constraints, indexes, types), enum values, domains, triggers, partitions, drops, schemas.
const STEPS = [
  'ALTER TABLE accounts ADD COLUMN age posint;', 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;', 'ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;',
  'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);', 'ALTER TABLE orders ALTER COLUMN status SET DEFAULT \'x\';', 'ALTER TABLE accounts DROP COLUMN name;',
  'ALTER TABLE orders ADD CONSTRAINT o_chk CHECK (total > 0) NOT VALID;', 'ALTER TABLE orders VALIDATE CONSTRAINT o_chk;', 'ALTER TABLE orders DROP CONSTRAINT o_chk;',
  'ALTER TABLE audit.log ADD CONSTRAINT log_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;', 'ALTER TABLE orders RENAME CONSTRAINT orders_account_id_fkey TO o_fk;',
  'CREATE UNIQUE INDEX acc_email_uq ON accounts (email);', 'ALTER TABLE accounts ADD CONSTRAINT acc_email_key UNIQUE USING INDEX acc_email_uq;', 'ALTER INDEX orders_acc_idx RENAME TO orders_a_idx;',
  'DROP INDEX orders_acc_idx;', 'ALTER TABLE accounts RENAME TO users;', 'ALTER TABLE users RENAME TO accounts;', 'ALTER TABLE orders RENAME COLUMN status TO state;',
  "ALTER TYPE mood ADD VALUE 'c';", 'ALTER TYPE mood RENAME TO feeling;', 'ALTER TYPE feeling RENAME TO mood;', 'ALTER DOMAIN posint ADD CONSTRAINT pos CHECK (VALUE > 0);',
  'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;', 'CREATE TRIGGER trg BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch();',
  'DROP TRIGGER trg ON orders;', 'ALTER TABLE events DETACH PARTITION events_2024;', "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
  'DROP VIEW active;', 'CREATE VIEW active AS SELECT id, email FROM accounts;', 'DROP TABLE accounts CASCADE;', 'ALTER TABLE audit.accounts SET SCHEMA public;',
  'ALTER TABLE orders SET SCHEMA audit;', 'DROP SCHEMA audit CASCADE;', 'CREATE TABLE orders (id int);', 'ALTER TABLE orders ADD COLUMN extra text NOT NULL DEFAULT \'\';',
  'ALTER TABLE orders ALTER COLUMN m TYPE text;', 'CREATE INDEX o_total_idx ON orders (total);', 'ALTER TABLE orders ADD PRIMARY KEY (id);', 'ALTER TABLE new_t ADD COLUMN x int;',
  'CREATE TABLE accounts_copy (LIKE accounts INCLUDING DEFAULTS);', 'CREATE TABLE snapshot AS SELECT * FROM orders;', 'SETTLE',
];

/** Everything a catalog holds that rules can read, as plain data. */
function dump(c: Catalog): unknown {
  const relations = c.allRelations().map((r) => ({
    ...r,
    columns: [...r.columns.values()].map((x) => ({ ...x, defaultExpr: x.defaultExpr !== undefined })),
    constraints: [...r.constraints.values()].map((x) => ({ ...x, expression: x.expression !== undefined })),
    triggers: r.triggers && [...r.triggers],
    reads: r.reads?.map((x) => ({ relation: x.relation, columns: [...x.columns] })),
    dependents: c.dependentsOf(r.name),
    dependentsOfColumn: [...r.columns.keys()].map((k) => c.dependentsOf(r.name, k)),
    partitions: c.partitionsOf(r.name).map((p) => p.name),
  }));
  const domains = ['posint'].map((d) => c.domain({ name: d }) ?? null);
  return { relations, indexes: c.allIndexes(), types: c.allTypes(), domains, schemas: [...c.schemas].sort() };
}

function apply(c: Catalog, step: string): void {
  if (step === 'SETTLE') return c.settle(true);
  const split = splitStatements(step);
  for (const s of split.statements) if (!s.error) applyStatement(c, s);
}

test('Catalog.fork: forks and forks of forks never see each other\'s changes (randomized, against deep copies)', async () => {
  await ensureParser();
  for (let seed = 1; seed <= 12; seed++) {
    const r = rng(seed);
    const base = new Catalog();
    apply(base, SETUP);
    // Each member of the family: a catalog and its twin, an independent deep copy given the same steps.
    const family: { cat: Catalog; twin: Catalog; steps: string[] }[] = [{ cat: base, twin: base.clone(), steps: [] }];
    for (let i = 0; i < 60; i++) {
      const m = family[Math.floor(r() * family.length)];
      if (r() < 0.2 && family.length < 8) {
        family.push({ cat: m.cat.fork(), twin: m.twin.clone(), steps: [...m.steps] });
        continue;
      }
      const step = STEPS[Math.floor(r() * STEPS.length)];
      m.steps.push(step);
      apply(m.cat, step);
      apply(m.twin, step);
      for (const f of family) assert.deepEqual(dump(f.cat), dump(f.twin), `seed ${seed}, after ${m.steps.length} steps on one member; this member's steps: ${f.steps.join(' ')}`);
    }
  }
});

test('Catalog.fork: a checkpoint taken, then the original changed, still resumes the state it had', async () => {
  await ensureParser();
  const live = new Catalog();
  apply(live, SETUP);
  const before = dump(live);
  const checkpoint = live.fork();
  apply(live, 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL; ALTER TABLE orders RENAME COLUMN total TO amount; ALTER TABLE orders ADD CONSTRAINT c CHECK (id > 0);');
  apply(live, "ALTER TYPE mood ADD VALUE 'c'; DROP INDEX orders_acc_idx; ALTER TABLE accounts RENAME TO users; ALTER DOMAIN posint ADD CONSTRAINT p CHECK (VALUE > 0);");
  assert.notDeepEqual(dump(live), before);
  assert.deepEqual(dump(checkpoint), before);
  const resumed = new Catalog();
  resumed.takeOver(checkpoint);
  assert.equal(resumed.relation({ name: 'orders' })?.columns.get('status')?.notNull, false);
  assert.deepEqual(resumed.type({ name: 'mood' })?.enumValues, ['a', 'b']);
  assert.equal(live.relation({ name: 'orders' })?.columns.get('status')?.notNull, true);
});

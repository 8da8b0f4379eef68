// DDL forms from lock-facts-and-safety-tools.md §6.2 with the lock mode, rewrite and scan a
// database shows for each (observed on PGlite / PostgreSQL 18 and on Debian's PostgreSQL 15).
// Every form runs against the same small schema (100 rows per table) in schema `lab`.
import type { LockMode } from '../../shared/src/locks/modes';

export const BASE = `
create table parent (id bigint primary key, name text);
create table t (id bigint primary key, parent_id bigint, name varchar(50), amount int not null default 0, note text, created timestamp);
create index t_name_idx on t (name);
create table plain (a int, b int);
insert into parent select g, 'p' || g from generate_series(1, 100) g;
insert into t select g, g, 'n' || g, g, null, now() - interval '1 day' from generate_series(1, 100) g;
insert into plain select g, g from generate_series(1, 100) g;
`;

export interface Form {
  name: string;
  /** Extra setup after BASE (committed before the statement). */
  setup?: string;
  sql: string;
  /** Strongest new lock per table-like relation (tables, views, sequences, matviews; not indexes). */
  locks: Record<string, LockMode>;
  /** Relations with a new relfilenode or re-created (tables and indexes). */
  rewrite?: string[];
  /** Strongest new lock on these indexes (others are not checked). */
  index?: Record<string, LockMode>;
  /** Tables with a seq_scan delta. */
  scan?: string[];
  /** Needs this PostgreSQL major (syntax). */
  minMajor?: number;
  /** Per engine major: what differs there, and why. */
  differs?: Record<number, { locks?: Record<string, LockMode>; index?: Record<string, LockMode>; rewrite?: string[]; scan?: string[]; why: string }>;
}

const AE: LockMode = 'ACCESS EXCLUSIVE';
const SRE: LockMode = 'SHARE ROW EXCLUSIVE';
const SUE: LockMode = 'SHARE UPDATE EXCLUSIVE';

export const FORMS: Form[] = [
  { name: 'CREATE INDEX', sql: 'create index t_note_idx on t (note)', locks: { 'lab.t': 'SHARE' }, scan: ['lab.t'] },
  { name: 'CREATE UNIQUE INDEX', sql: 'create unique index t_id2 on t (id, name)', locks: { 'lab.t': 'SHARE' }, scan: ['lab.t'] },
  { name: 'DROP INDEX', sql: 'drop index t_name_idx', locks: { 'lab.t': AE }, index: { 'lab.t_name_idx': AE } },
  { name: 'ADD COLUMN (nullable, no default)', sql: 'alter table t add column c1 text', locks: { 'lab.t': AE } },
  { name: 'ADD COLUMN DEFAULT constant', sql: 'alter table t add column c1 int default 0', locks: { 'lab.t': AE } },
  { name: 'ADD COLUMN NOT NULL DEFAULT constant', sql: "alter table t add column c1 text not null default 'x'", locks: { 'lab.t': AE } },
  { name: 'ADD COLUMN DEFAULT now() (stable)', sql: 'alter table t add column c1 timestamptz default now()', locks: { 'lab.t': AE } },
  { name: 'ADD COLUMN DEFAULT clock_timestamp() (volatile)', sql: 'alter table t add column c1 timestamptz default clock_timestamp()', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'ADD COLUMN DEFAULT gen_random_uuid() (volatile)', sql: 'alter table t add column c1 uuid default gen_random_uuid()', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'ADD COLUMN bigserial', sql: 'alter table t add column c1 bigserial', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'ADD COLUMN GENERATED AS IDENTITY', sql: 'alter table t add column c1 bigint generated always as identity', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'ADD COLUMN GENERATED … STORED', sql: 'alter table t add column c1 int generated always as (amount * 2) stored', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'ADD COLUMN REFERENCES', sql: 'alter table t add column c1 bigint references parent (id)', locks: { 'lab.t': AE, 'lab.parent': SRE } },
  { name: 'ADD COLUMN UNIQUE', sql: 'alter table t add column c1 int unique', locks: { 'lab.t': AE }, scan: ['lab.t'] },
  { name: 'ALTER COLUMN TYPE varchar(50) → varchar(100)', sql: 'alter table t alter column name type varchar(100)', locks: { 'lab.t': AE } },
  { name: 'ALTER COLUMN TYPE varchar → text', sql: 'alter table t alter column name type text', locks: { 'lab.t': AE } },
  { name: 'ALTER COLUMN TYPE int → bigint', sql: 'alter table t alter column amount type bigint', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'ALTER COLUMN TYPE varchar(50) → varchar(10)', sql: 'alter table t alter column name type varchar(10)', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'SET NOT NULL', sql: 'alter table t alter column name set not null', locks: { 'lab.t': AE }, scan: ['lab.t'] },
  { name: 'SET NOT NULL with a valid CHECK (IS NOT NULL)', setup: 'alter table t add constraint name_nn check (name is not null);', sql: 'alter table t alter column name set not null', locks: { 'lab.t': AE } },
  { name: 'DROP NOT NULL', sql: 'alter table t alter column amount drop not null', locks: { 'lab.t': AE } },
  { name: 'SET DEFAULT', sql: 'alter table t alter column note set default \'-\'', locks: { 'lab.t': AE } },
  { name: 'DROP DEFAULT', sql: 'alter table t alter column amount drop default', locks: { 'lab.t': AE } },
  { name: 'ADD CONSTRAINT CHECK', sql: 'alter table t add constraint amount_pos check (amount > 0)', locks: { 'lab.t': AE }, scan: ['lab.t'] },
  { name: 'ADD CONSTRAINT CHECK NOT VALID', sql: 'alter table t add constraint amount_pos check (amount > 0) not valid', locks: { 'lab.t': AE } },
  { name: 'ADD CONSTRAINT FOREIGN KEY', sql: 'alter table t add constraint t_parent_fk foreign key (parent_id) references parent (id)', locks: { 'lab.t': SRE, 'lab.parent': SRE }, scan: ['lab.parent', 'lab.t'] },
  { name: 'ADD CONSTRAINT FOREIGN KEY NOT VALID', sql: 'alter table t add constraint t_parent_fk foreign key (parent_id) references parent (id) not valid', locks: { 'lab.t': SRE, 'lab.parent': SRE } },
  { name: 'VALIDATE CONSTRAINT (CHECK)', setup: 'alter table t add constraint amount_pos check (amount > 0) not valid;', sql: 'alter table t validate constraint amount_pos', locks: { 'lab.t': SUE }, scan: ['lab.t'] },
  { name: 'VALIDATE CONSTRAINT (FOREIGN KEY)', setup: 'alter table t add constraint t_parent_fk foreign key (parent_id) references parent (id) not valid;', sql: 'alter table t validate constraint t_parent_fk', locks: { 'lab.t': SUE, 'lab.parent': 'ROW SHARE' }, scan: ['lab.parent', 'lab.t'] },
  { name: 'ADD CONSTRAINT UNIQUE', sql: 'alter table t add constraint t_name_key unique (name)', locks: { 'lab.t': AE }, scan: ['lab.t'] },
  { name: 'ADD PRIMARY KEY', sql: 'alter table plain add primary key (a)', locks: { 'lab.plain': AE }, scan: ['lab.plain'] },
  { name: 'ADD CONSTRAINT UNIQUE USING INDEX', setup: 'create unique index t_name_uq on t (name);', sql: 'alter table t add constraint t_name_uq unique using index t_name_uq', locks: { 'lab.t': AE } },
  { name: 'ADD CONSTRAINT EXCLUDE', sql: 'alter table t add constraint t_excl exclude using btree (id with =)', locks: { 'lab.t': AE }, scan: ['lab.t'] },
  { name: 'DROP CONSTRAINT (FOREIGN KEY)', setup: 'alter table t add constraint t_parent_fk foreign key (parent_id) references parent (id);', sql: 'alter table t drop constraint t_parent_fk', locks: { 'lab.t': AE, 'lab.parent': AE } },
  { name: 'ALTER CONSTRAINT … DEFERRABLE', setup: 'alter table t add constraint t_parent_fk foreign key (parent_id) references parent (id);', sql: 'alter table t alter constraint t_parent_fk deferrable', locks: { 'lab.t': AE } },
  { name: 'RENAME COLUMN', sql: 'alter table t rename column note to remark', locks: { 'lab.t': AE } },
  { name: 'RENAME TO (table)', sql: 'alter table plain rename to plain2', locks: { 'lab.plain': AE } },
  { name: 'ALTER INDEX … RENAME', sql: 'alter index t_name_idx rename to t_name_idx2', locks: {}, index: { 'lab.t_name_idx': SUE } },
  { name: 'DROP COLUMN', sql: 'alter table t drop column note', locks: { 'lab.t': AE } },
  { name: 'DROP TABLE', sql: 'drop table plain', locks: { 'lab.plain': AE } },
  { name: 'DROP TABLE with a foreign key', setup: 'alter table t add constraint t_parent_fk foreign key (parent_id) references parent (id);', sql: 'drop table t', locks: { 'lab.t': AE, 'lab.parent': AE } },
  { name: 'TRUNCATE', sql: 'truncate plain', locks: { 'lab.plain': AE }, rewrite: ['lab.plain'] },
  { name: 'CREATE TRIGGER', setup: 'create function trg() returns trigger language plpgsql as $$ begin return new; end $$;', sql: 'create trigger t_trg before update on t for each row execute function trg()', locks: { 'lab.t': SRE } },
  { name: 'ALTER TABLE DISABLE TRIGGER', setup: 'create function trg() returns trigger language plpgsql as $$ begin return new; end $$; create trigger t_trg before update on t for each row execute function trg();', sql: 'alter table t disable trigger t_trg', locks: { 'lab.t': SRE } },
  { name: 'DROP TRIGGER', setup: 'create function trg() returns trigger language plpgsql as $$ begin return new; end $$; create trigger t_trg before update on t for each row execute function trg();', sql: 'drop trigger t_trg on t', locks: { 'lab.t': AE } },
  { name: 'ALTER TABLE SET (fillfactor)', sql: 'alter table t set (fillfactor = 70)', locks: { 'lab.t': SUE } },
  { name: 'ALTER COLUMN SET STATISTICS', sql: 'alter table t alter column name set statistics 500', locks: { 'lab.t': SUE } },
  { name: 'COMMENT ON TABLE', sql: "comment on table t is 'hello'", locks: { 'lab.t': SUE } },
  { name: 'CREATE STATISTICS', sql: 'create statistics t_stats on parent_id, amount from t', locks: { 'lab.t': SUE } },
  { name: 'SET UNLOGGED', sql: 'alter table plain set unlogged', locks: { 'lab.plain': AE }, rewrite: ['lab.plain'], scan: ['lab.plain'] },
  { name: 'SET LOGGED', setup: 'alter table plain set unlogged;', sql: 'alter table plain set logged', locks: { 'lab.plain': AE }, rewrite: ['lab.plain'], scan: ['lab.plain'] },
  { name: 'REPLICA IDENTITY FULL', sql: 'alter table t replica identity full', locks: { 'lab.t': AE } },
  { name: 'CREATE TABLE with a foreign key to an existing table', sql: 'create table child (id bigint primary key, parent_id bigint references parent (id))', locks: { 'lab.parent': SRE },
    index: { 'lab.parent_pkey': 'ACCESS SHARE' },
    differs: { 15: { index: {}, why: 'PostgreSQL 18 opens the referenced primary-key index (ACCESS SHARE, blocks nothing) while it creates the foreign key; PostgreSQL 15 takes no lock on it here' } } },
  { name: 'CREATE VIEW', sql: 'create view t_view as select id, name from t', locks: { 'lab.t': 'ACCESS SHARE' } },
  { name: 'REINDEX TABLE', sql: 'reindex table t', locks: { 'lab.t': 'SHARE' }, rewrite: ['lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'REINDEX INDEX', sql: 'reindex index t_name_idx', locks: { 'lab.t': 'SHARE' }, index: { 'lab.t_name_idx': AE }, rewrite: ['lab.t_name_idx'], scan: ['lab.t'] },
  { name: 'REFRESH MATERIALIZED VIEW', setup: 'create materialized view t_mv as select id, name from t;', sql: 'refresh materialized view t_mv', locks: { 'lab.t_mv': AE, 'lab.t': 'ACCESS SHARE' }, rewrite: ['lab.t_mv'], scan: ['lab.t'] },
  { name: 'CLUSTER … USING', sql: 'cluster t using t_pkey', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'LOCK TABLE … IN SHARE MODE', sql: 'lock table t in share mode', locks: { 'lab.t': 'SHARE' } },
  { name: 'CREATE TABLE … PARTITION OF', setup: 'create table ev (id bigint, at date not null) partition by range (at);', sql: "create table ev_2024 partition of ev for values from ('2024-01-01') to ('2025-01-01')", locks: { 'lab.ev': AE } },
  { name: 'CREATE INDEX ON ONLY partitioned parent', setup: "create table ev (id bigint, at date not null) partition by range (at); create table ev_2024 partition of ev for values from ('2024-01-01') to ('2025-01-01');", sql: 'create index ev_at_idx on only ev (at)', locks: { 'lab.ev': 'SHARE' } },
  { name: 'ATTACH PARTITION', setup: "create table ev (id bigint, at date not null) partition by range (at); create table ev_2024 (id bigint, at date not null); insert into ev_2024 values (1, '2024-05-01');", sql: "alter table ev attach partition ev_2024 for values from ('2024-01-01') to ('2025-01-01')", locks: { 'lab.ev': SUE, 'lab.ev_2024': AE }, scan: ['lab.ev_2024'] },
  { name: 'DETACH PARTITION', setup: "create table ev (id bigint, at date not null) partition by range (at); create table ev_2024 partition of ev for values from ('2024-01-01') to ('2025-01-01');", sql: 'alter table ev detach partition ev_2024', locks: { 'lab.ev': AE, 'lab.ev_2024': AE } },
  { name: 'CREATE INDEX on a partitioned table', setup: "create table ev (id bigint, at date not null) partition by range (at); create table ev_2024 partition of ev for values from ('2024-01-01') to ('2025-01-01'); create table ev_2025 partition of ev for values from ('2025-01-01') to ('2026-01-01'); insert into ev values (1, '2024-05-01'), (2, '2025-05-01');", sql: 'create index ev_at_idx on ev (at)', locks: { 'lab.ev': 'SHARE', 'lab.ev_2024': 'SHARE', 'lab.ev_2025': 'SHARE' }, scan: ['lab.ev_2024', 'lab.ev_2025'] },
  { name: 'ADD COLUMN of a domain with a CHECK', setup: 'create domain posint as int check (value > 0);', sql: 'alter table t add column c1 posint', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'ALTER COLUMN TYPE numeric(10,2) → numeric(12,2)', setup: 'alter table t add column price numeric(10,2);', sql: 'alter table t alter column price type numeric(12,2)', locks: { 'lab.t': AE } },
  { name: 'ALTER COLUMN TYPE numeric(10,2) → numeric(10,3) (scale)', setup: 'alter table t add column price numeric(10,2);', sql: 'alter table t alter column price type numeric(10,3)', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'ALTER COLUMN TYPE text → varchar(20)', sql: 'alter table t alter column note type varchar(20)', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'ALTER COLUMN TYPE text → varchar', sql: 'alter table t alter column note type varchar', locks: { 'lab.t': AE } },
  { name: 'ALTER COLUMN TYPE timestamp → timestamptz (TimeZone UTC)', setup: "set timezone to 'UTC';", sql: 'alter table t alter column created type timestamptz', locks: { 'lab.t': AE } },
  { name: 'ALTER COLUMN TYPE timestamp → timestamptz (TimeZone not UTC)', setup: "set timezone to 'America/New_York';", sql: 'alter table t alter column created type timestamptz', locks: { 'lab.t': AE }, rewrite: ['lab.t', 'lab.t_name_idx', 'lab.t_pkey'], scan: ['lab.t'] },
  { name: 'ALTER COLUMN TYPE cidr → inet', setup: 'alter table plain add column net cidr;', sql: 'alter table plain alter column net type inet', locks: { 'lab.plain': AE } },
  { name: 'ALTER COLUMN TYPE to an unconstrained domain over it', setup: 'create domain label as text;', sql: 'alter table t alter column note type label', locks: { 'lab.t': AE } },
  { name: 'ADD PRIMARY KEY USING INDEX', setup: 'create unique index plain_a_uq on plain (a);', sql: 'alter table plain add constraint plain_a_uq primary key using index plain_a_uq', locks: { 'lab.plain': AE }, index: { 'lab.plain_a_uq': 'ACCESS SHARE' }, scan: ['lab.plain'] },
  // §6.2 says SHARE UPDATE EXCLUSIVE on the index: that is the rename to the constraint's name; under the same name both engines only read it.
  { name: 'ADD CONSTRAINT UNIQUE USING INDEX (renamed)', setup: 'create unique index plain_a_uq on plain (a);', sql: 'alter table plain add constraint plain_a_key unique using index plain_a_uq', locks: { 'lab.plain': AE }, index: { 'lab.plain_a_uq': SUE } },
  { name: 'DROP COLUMN with a foreign key', setup: 'alter table t add constraint t_parent_fk foreign key (parent_id) references parent (id);', sql: 'alter table t drop column parent_id', locks: { 'lab.t': AE, 'lab.parent': AE } },
  { name: 'DROP COLUMN serial (owned sequence)', setup: 'alter table plain add column n serial;', sql: 'alter table plain drop column n', locks: { 'lab.plain': AE, 'lab.plain_n_seq': AE } },
  { name: 'DROP TABLE with a serial column (owned sequence)', setup: 'create table counted (id serial primary key, v int);', sql: 'drop table counted', locks: { 'lab.counted': AE, 'lab.counted_id_seq': AE } },
  { name: 'TRUNCATE … RESTART IDENTITY', setup: 'create table counted (id bigint generated always as identity, v int); insert into counted (v) values (1);', sql: 'truncate counted restart identity', locks: { 'lab.counted': AE, 'lab.counted_id_seq': AE }, rewrite: ['lab.counted', 'lab.counted_id_seq'] },
  { name: 'ALTER SEQUENCE … RESTART', setup: 'create sequence ticket_seq;', sql: 'alter sequence ticket_seq restart with 100', locks: { 'lab.ticket_seq': SRE }, rewrite: ['lab.ticket_seq'] },
  { name: 'ALTER SEQUENCE … INCREMENT', setup: 'create sequence ticket_seq;', sql: 'alter sequence ticket_seq increment by 10', locks: { 'lab.ticket_seq': SRE }, rewrite: ['lab.ticket_seq'] },
  { name: 'ALTER SEQUENCE … OWNED BY', setup: 'create sequence ticket_seq; create table ticket (n bigint);', sql: 'alter sequence ticket_seq owned by ticket.n', locks: { 'lab.ticket_seq': SRE, 'lab.ticket': 'ACCESS SHARE' } },
  { name: 'DROP TRIGGER IF EXISTS (absent trigger)', sql: 'drop trigger if exists t_trg on t', locks: {} },
  { name: 'ALTER TABLE ENABLE TRIGGER', setup: 'create function trg() returns trigger language plpgsql as $$ begin return new; end $$; create trigger t_trg before update on t for each row execute function trg(); alter table t disable trigger t_trg;', sql: 'alter table t enable trigger t_trg', locks: { 'lab.t': SRE } },
  { name: 'ALTER TYPE … ADD VALUE', setup: "create type mood as enum ('ok');", sql: "alter type mood add value 'great'", locks: {} },
  { name: 'ALTER TABLE SET (autovacuum_enabled)', sql: 'alter table t set (autovacuum_enabled = false)', locks: { 'lab.t': SUE } },
  { name: 'ALTER TABLE SET (toast.autovacuum_enabled)', sql: 'alter table t set (toast.autovacuum_enabled = false)', locks: { 'lab.t': SUE } },
  { name: 'ALTER COLUMN SET (n_distinct)', sql: 'alter table t alter column name set (n_distinct = 100)', locks: { 'lab.t': SUE } },
  { name: 'COMMENT ON COLUMN', sql: "comment on column t.note is 'free text'", locks: { 'lab.t': SUE } },
  { name: 'ANALYZE', sql: 'analyze t', locks: { 'lab.t': SUE } },
  { name: 'REFRESH MATERIALIZED VIEW CONCURRENTLY', setup: 'create materialized view t_mv as select id, name from t; create unique index t_mv_id on t_mv (id);', sql: 'refresh materialized view concurrently t_mv', locks: { 'lab.t_mv': 'EXCLUSIVE', 'lab.t': 'ACCESS SHARE' }, scan: ['lab.t', 'lab.t_mv'] },
  { name: 'ATTACH PARTITION with a DEFAULT partition', setup: "create table ev (id bigint, at date not null) partition by range (at); create table ev_other partition of ev default; create table ev_2024 (id bigint, at date not null); insert into ev_2024 values (1, '2024-05-01'); insert into ev values (2, '2030-01-01');", sql: "alter table ev attach partition ev_2024 for values from ('2024-01-01') to ('2025-01-01')", locks: { 'lab.ev': SUE, 'lab.ev_2024': AE, 'lab.ev_other': AE }, scan: ['lab.ev_2024', 'lab.ev_other'] },
  // §6.2 says SHARE on the referencing table; PostgreSQL 15 and 18 both take ACCESS EXCLUSIVE (it drops the partition's FK triggers there) and scans it for rows that still reference the partition.
  { name: 'DETACH PARTITION of a parent referenced by a foreign key', setup: "create table ev (id bigint, at date not null, primary key (id, at)) partition by range (at); create table ev_2024 partition of ev for values from ('2024-01-01') to ('2025-01-01'); create table ev_ref (id bigint, at date, foreign key (id, at) references ev (id, at));", sql: 'alter table ev detach partition ev_2024', locks: { 'lab.ev': AE, 'lab.ev_2024': AE, 'lab.ev_ref': AE }, scan: ['lab.ev_ref'] },
  // Beyond §6.2, from the corpus: what the catalogue must know for real migrations to agree.
  { name: 'ALTER COLUMN TYPE of a column other tables reference', setup: 'alter table t add constraint t_parent_fk foreign key (parent_id) references parent (id);', sql: 'alter table parent alter column id type numeric', locks: { 'lab.parent': AE, 'lab.t': AE }, rewrite: ['lab.parent', 'lab.parent_pkey'], scan: ['lab.parent', 'lab.t'] },
  { name: 'DROP TABLE renamed after its serial column was created', setup: 'create table counted (id serial primary key); alter table counted rename to tally;', sql: 'drop table tally', locks: { 'lab.tally': AE, 'lab.counted_id_seq': AE } },
  { name: 'UPDATE … WHERE (scan depends on the plan)', sql: "update plain set b = 0 where a = 5", locks: { 'lab.plain': 'ROW EXCLUSIVE' }, scan: ['lab.plain'] },
  // PostgreSQL 18 syntax: not run on older servers (minMajor), so the engines differ by design.
  { name: 'ADD CONSTRAINT … NOT NULL NOT VALID (PG 18)', minMajor: 18, sql: 'alter table t add constraint name_nn not null name not valid', locks: { 'lab.t': AE } },
  { name: 'VALIDATE CONSTRAINT (NOT NULL, PG 18)', minMajor: 18, setup: 'alter table t add constraint name_nn not null name not valid;', sql: 'alter table t validate constraint name_nn', locks: { 'lab.t': SUE }, scan: ['lab.t'] },
  { name: 'ADD COLUMN GENERATED … VIRTUAL (PG 18)', minMajor: 18, sql: 'alter table t add column c1 int generated always as (amount * 2) virtual', locks: { 'lab.t': AE } },
  { name: 'ADD CONSTRAINT CHECK NOT ENFORCED (PG 18)', minMajor: 18, sql: 'alter table t add constraint amount_pos check (amount > 0) not enforced', locks: { 'lab.t': AE } },
];

/**
 * Each row of the §6.2 lock table (its first cell, as written there) and the forms above that
 * trace it — or, for statements that cannot run inside a transaction block, why they cannot be
 * traced in one session and the catalogue-only check below that stands in for the trace.
 */
export const COVERAGE: Record<string, string[] | { untraceable: string }> = {
  '`CREATE INDEX`': ['CREATE INDEX', 'CREATE UNIQUE INDEX'],
  '`CREATE INDEX` on a partitioned table': ['CREATE INDEX on a partitioned table', 'CREATE INDEX ON ONLY partitioned parent'],
  '`CREATE INDEX CONCURRENTLY`': { untraceable: 'cannot run in a transaction block, and its waits need a second session' },
  '`DROP INDEX`': ['DROP INDEX'],
  '`DROP INDEX CONCURRENTLY`': { untraceable: 'cannot run in a transaction block' },
  '`ADD COLUMN` (nullable, no default)': ['ADD COLUMN (nullable, no default)'],
  '`ADD COLUMN … DEFAULT <non-volatile>` (also `NOT NULL DEFAULT const`, `DEFAULT now()`)': ['ADD COLUMN DEFAULT constant', 'ADD COLUMN NOT NULL DEFAULT constant', 'ADD COLUMN DEFAULT now() (stable)'],
  '`ADD COLUMN … DEFAULT <volatile>` (`clock_timestamp()`, `random()`, `gen_random_uuid()`)': ['ADD COLUMN DEFAULT clock_timestamp() (volatile)', 'ADD COLUMN DEFAULT gen_random_uuid() (volatile)'],
  '`ADD COLUMN serial/bigserial`, `GENERATED … AS IDENTITY`, `GENERATED … STORED`, domain **with a CHECK**': ['ADD COLUMN bigserial', 'ADD COLUMN GENERATED AS IDENTITY', 'ADD COLUMN GENERATED … STORED', 'ADD COLUMN of a domain with a CHECK', 'ADD COLUMN GENERATED … VIRTUAL (PG 18)'],
  '`ADD COLUMN … REFERENCES t2`': ['ADD COLUMN REFERENCES'],
  '`ADD COLUMN … UNIQUE` / `PRIMARY KEY`': ['ADD COLUMN UNIQUE'],
  '`ALTER COLUMN TYPE`, no rewrite: `varchar(n)`→`varchar(m>n)` or `text`; `text`→`varchar` (no length); `numeric(p,s)`→`numeric(p\'>p,s)` or `numeric`; `timestamp`→`timestamptz` **when TimeZone=UTC**; an unconstrained domain over the type; `cidr`→`inet`': [
    'ALTER COLUMN TYPE varchar(50) → varchar(100)', 'ALTER COLUMN TYPE varchar → text', 'ALTER COLUMN TYPE text → varchar', 'ALTER COLUMN TYPE numeric(10,2) → numeric(12,2)',
    'ALTER COLUMN TYPE timestamp → timestamptz (TimeZone UTC)', 'ALTER COLUMN TYPE to an unconstrained domain over it', 'ALTER COLUMN TYPE cidr → inet'],
  '`ALTER COLUMN TYPE`, rewriting: `int`→`bigint`, `varchar(n)`→`varchar(m<n)`, `text`→`varchar(n)`, `numeric` scale change, `timestamp`→`timestamptz` (non-UTC)': [
    'ALTER COLUMN TYPE int → bigint', 'ALTER COLUMN TYPE varchar(50) → varchar(10)', 'ALTER COLUMN TYPE text → varchar(20)', 'ALTER COLUMN TYPE numeric(10,2) → numeric(10,3) (scale)', 'ALTER COLUMN TYPE timestamp → timestamptz (TimeZone not UTC)'],
  '`ALTER COLUMN SET NOT NULL`': ['SET NOT NULL', 'SET NOT NULL with a valid CHECK (IS NOT NULL)', 'ADD CONSTRAINT … NOT NULL NOT VALID (PG 18)', 'VALIDATE CONSTRAINT (NOT NULL, PG 18)'],
  '`ALTER COLUMN DROP NOT NULL` / `SET DEFAULT` / `DROP DEFAULT`': ['DROP NOT NULL', 'SET DEFAULT', 'DROP DEFAULT'],
  '`ADD CONSTRAINT … CHECK`': ['ADD CONSTRAINT CHECK'],
  '`ADD CONSTRAINT … CHECK … NOT VALID`': ['ADD CONSTRAINT CHECK NOT VALID', 'ADD CONSTRAINT CHECK NOT ENFORCED (PG 18)'],
  '`ADD CONSTRAINT … FOREIGN KEY`': ['ADD CONSTRAINT FOREIGN KEY'],
  '`ADD CONSTRAINT … FOREIGN KEY … NOT VALID`': ['ADD CONSTRAINT FOREIGN KEY NOT VALID'],
  '`VALIDATE CONSTRAINT` (CHECK or FK)': ['VALIDATE CONSTRAINT (CHECK)', 'VALIDATE CONSTRAINT (FOREIGN KEY)'],
  '`ADD CONSTRAINT … UNIQUE` / `ADD PRIMARY KEY`': ['ADD CONSTRAINT UNIQUE', 'ADD PRIMARY KEY'],
  '`ADD CONSTRAINT … UNIQUE/PRIMARY KEY USING INDEX`': ['ADD CONSTRAINT UNIQUE USING INDEX', 'ADD CONSTRAINT UNIQUE USING INDEX (renamed)', 'ADD PRIMARY KEY USING INDEX'],
  '`ADD CONSTRAINT … EXCLUDE`': ['ADD CONSTRAINT EXCLUDE'],
  '`DROP CONSTRAINT` (FK)': ['DROP CONSTRAINT (FOREIGN KEY)'],
  '`ALTER CONSTRAINT … DEFERRABLE`': ['ALTER CONSTRAINT … DEFERRABLE'],
  '`RENAME COLUMN` / `RENAME TO` (table)': ['RENAME COLUMN', 'RENAME TO (table)'],
  '`ALTER INDEX … RENAME`': ['ALTER INDEX … RENAME'],
  '`DROP COLUMN`': ['DROP COLUMN', 'DROP COLUMN with a foreign key', 'DROP COLUMN serial (owned sequence)'],
  '`DROP TABLE`': ['DROP TABLE', 'DROP TABLE with a foreign key', 'DROP TABLE with a serial column (owned sequence)'],
  '`ATTACH PARTITION`': ['ATTACH PARTITION', 'ATTACH PARTITION with a DEFAULT partition'],
  '`DETACH PARTITION`': ['DETACH PARTITION', 'DETACH PARTITION of a parent referenced by a foreign key'],
  '`DETACH PARTITION … CONCURRENTLY`': { untraceable: 'cannot run in a transaction block; it commits in between and waits for other sessions' },
  '`CREATE TABLE … PARTITION OF parent`': ['CREATE TABLE … PARTITION OF'],
  '`REINDEX INDEX/TABLE`': ['REINDEX TABLE', 'REINDEX INDEX'],
  '`REINDEX … CONCURRENTLY`': { untraceable: 'cannot run in a transaction block' },
  '`REFRESH MATERIALIZED VIEW`': ['REFRESH MATERIALIZED VIEW'],
  '`REFRESH MATERIALIZED VIEW CONCURRENTLY`': ['REFRESH MATERIALIZED VIEW CONCURRENTLY'],
  '`VACUUM FULL`': { untraceable: 'cannot run in a transaction block' },
  '`VACUUM` / `ANALYZE`': ['ANALYZE'],
  '`CLUSTER`': ['CLUSTER … USING'],
  '`TRUNCATE`': ['TRUNCATE', 'TRUNCATE … RESTART IDENTITY'],
  '`CREATE TRIGGER`; `ALTER TABLE ENABLE/DISABLE TRIGGER`': ['CREATE TRIGGER', 'ALTER TABLE DISABLE TRIGGER', 'ALTER TABLE ENABLE TRIGGER'],
  '`DROP TRIGGER`': ['DROP TRIGGER', 'DROP TRIGGER IF EXISTS (absent trigger)'],
  '`ALTER TYPE … ADD VALUE`': ['ALTER TYPE … ADD VALUE'],
  '`ALTER TABLE SET (fillfactor / autovacuum_* / toast.* / parallel_workers)`, `ALTER COLUMN SET STATISTICS`, `SET (n_distinct…)`, `COMMENT ON`, `CREATE STATISTICS`': [
    'ALTER TABLE SET (fillfactor)', 'ALTER TABLE SET (autovacuum_enabled)', 'ALTER TABLE SET (toast.autovacuum_enabled)', 'ALTER COLUMN SET STATISTICS', 'ALTER COLUMN SET (n_distinct)', 'COMMENT ON TABLE', 'COMMENT ON COLUMN', 'CREATE STATISTICS'],
  '`ALTER TABLE SET LOGGED/UNLOGGED`': ['SET UNLOGGED', 'SET LOGGED'],
  '`ALTER TABLE REPLICA IDENTITY FULL`': ['REPLICA IDENTITY FULL'],
  '`CREATE TABLE` with an FK to an existing table': ['CREATE TABLE with a foreign key to an existing table'],
  '`CREATE VIEW` over a table': ['CREATE VIEW'],
};

/** The untraceable forms: the catalogue's lock (strongest per relation) must match §6.2. */
export const CATALOGUE_ONLY: { name: string; setup?: string; sql: string; locks: Record<string, LockMode>; rewrite?: string[] }[] = [
  { name: 'CREATE INDEX CONCURRENTLY', sql: 'create index concurrently t_note_idx on t (note)', locks: { t: SUE } },
  { name: 'DROP INDEX CONCURRENTLY', sql: 'drop index concurrently t_name_idx', locks: { t: SUE } },
  { name: 'DETACH PARTITION … CONCURRENTLY', setup: "create table ev (id bigint, at date not null) partition by range (at); create table ev_2024 partition of ev for values from ('2024-01-01') to ('2025-01-01');", sql: 'alter table ev detach partition ev_2024 concurrently', locks: { ev: SUE, ev_2024: SUE } },
  { name: 'REINDEX … CONCURRENTLY', sql: 'reindex table concurrently t', locks: { t: SUE } },
  { name: 'VACUUM FULL', sql: 'vacuum full plain', locks: { plain: AE }, rewrite: ['plain'] },
  { name: 'VACUUM', sql: 'vacuum plain', locks: { plain: SUE } },
];

// Benchmark inputs: the 10-statement template from ../shared/reference/squawk.md (appendix),
// repeated with table names suffixed by the repetition number, and a clean file of safe statements.
'use strict';

const TEMPLATE = [
  'CREATE TABLE accounts (id serial PRIMARY KEY, name varchar(100), created timestamp);',
  'ALTER TABLE orders ADD COLUMN status text NOT NULL;',
  'CREATE INDEX orders_status_idx ON orders (status);',
  'ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);',
  'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);',
  'ALTER TABLE orders ADD CONSTRAINT orders_code_uniq UNIQUE (code);',
  'DROP INDEX orders_old_idx;',
  'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
  'ALTER TABLE users RENAME COLUMN login TO username;',
  'ALTER TABLE users DROP COLUMN legacy;',
];

function hazardFile(statements) {
  const lines = [];
  for (let i = 0; lines.length < statements; i++) {
    for (const t of TEMPLATE) {
      if (lines.length === statements) break;
      lines.push(t.replace(/\b(accounts|orders|users)\b/g, `$1_${i}`).replace(/\b(orders_status_idx|orders_account_fk|orders_code_uniq|orders_old_idx)\b/g, `$1_${i}`));
    }
  }
  return lines.join('\n') + '\n';
}

/** Safe statements only: pgsafe must report nothing on this file. */
function cleanFile(statements) {
  // goose without a transaction: statements are sent one by one, so CONCURRENTLY is fine.
  const lines = ['-- +goose NO TRANSACTION', '-- +goose Up', "SET lock_timeout = '5s';"];
  for (let i = 0; lines.length < statements; i++) {
    const k = i % 4;
    if (k === 0) lines.push(`CREATE TABLE IF NOT EXISTS items_${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`);
    else if (k === 1) lines.push(`CREATE INDEX CONCURRENTLY IF NOT EXISTS items_name_idx_${i} ON items_${i - 1}_existing (name);`);
    else if (k === 2) lines.push(`ALTER TABLE items_${i}_existing ADD COLUMN IF NOT EXISTS note text;`);
    else lines.push(`SELECT count(*) FROM items_${i - 3} WHERE name = 'x';`);
  }
  return lines.join('\n') + '\n';
}

module.exports = { hazardFile, cleanFile, TEMPLATE };

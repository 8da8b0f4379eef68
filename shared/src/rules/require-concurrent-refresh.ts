import { refreshConcurrently } from '../fixes/concurrently';
import { defineRule, docsUrl } from './types';
import { lockPhrase, name, rangeAt, targetOf } from './_helpers';

export default defineRule({
  meta: {
    id: 'require-concurrent-refresh',
    category: 'hazard',
    defaultLevel: 'warn',
    description: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view for the whole refresh.',
    docs: docsUrl('require-concurrent-refresh'),
    fixable: true,
  },
  statementKinds: ['RefreshMatViewStmt'],
  check(stmt, ctx) {
    const n = stmt.node;
    if (stmt.kind !== 'RefreshMatViewStmt' || !n || n.concurrent || n.skipData) return undefined;
    const view = targetOf(stmt);
    if (!view || ctx.isNew(view)) return undefined;
    return {
      ...rangeAt(stmt, n.relation?.location),
      message: `REFRESH MATERIALIZED VIEW ${name(view)} re-runs the view's whole query while holding ${lockPhrase('ACCESS EXCLUSIVE', view)}: every query that reads ${name(view)} waits until the refresh finishes.`,
      help: `Use \`REFRESH MATERIALIZED VIEW CONCURRENTLY ${name(view)};\` — it takes an EXCLUSIVE lock, which lets reads continue (only another refresh waits). It needs a UNIQUE index on ${name(view)} over plain columns, without WHERE, covering every row (create it with CREATE UNIQUE INDEX CONCURRENTLY), and the view must already be populated (not left WITH NO DATA). It is slower when most rows change.`,
    };
  },
  fix: (stmt, _report, ctx) => refreshConcurrently(stmt, ctx),
});

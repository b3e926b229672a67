import BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessSystems } from '../../../../shared/engines/auth';
import { catalog } from '../../../../shared/engines/catalog';
import type { ConsoleServices } from '../../../../shared/engines/console';
import { consoleServices } from '../../../../shared/engines/console';
import { migrate } from '../../../../shared/adapters/store/openDatabase';
import { RecordingPublisher } from '../consumer/factories';

/**
 * Every console query on SQLite is served by an index: its plan (EXPLAIN QUERY PLAN) never scans a
 * table without one and never sorts for ORDER BY — newest-first pages read index ranges in order.
 * The plans are printed so a reader can see them.
 */
const connection = new BetterSqlite3(':memory:');
const recorded: CompiledQuery[] = [];
const db = new Kysely<any>({
  dialect: new SqliteDialect({ database: connection }),
  log: (event) => void (event.level === 'query' && recorded.push(event.query)),
});
let services: ConsoleServices;

/** The plans of every SELECT recorded while `run` ran. */
async function plansOf(run: () => Promise<unknown>): Promise<{ sql: string; plan: string[] }[]> {
  recorded.length = 0;
  await run();
  return recorded
    .filter((query) => /^\s*select/i.test(query.sql))
    .map((query) => ({
      sql: query.sql,
      plan: (connection.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[]).map(
        (row) => row.detail,
      ),
    }));
}

/** A full scan is `SCAN <table>` without an index; `SCAN <table> USING [COVERING] INDEX` walks an index in order. */
const UNINDEXED = /^SCAN \w+( AS \w+)?$/;

beforeAll(async () => {
  await migrate({ db, dialect: 'sqlite', close: async () => db.destroy() });
  services = consoleServices({
    db,
    catalog: catalog(),
    broker: new RecordingPublisher() as never,
    systems: new BusinessSystems([]),
    incidentWindowSeconds: 600,
  });
});
afterAll(async () => db.destroy());

const PAGES: [string, () => Promise<unknown>][] = [
  ['overview (and /metrics gauges)', () => services.status.overview()],
  ['transactions, newest first', () => services.transactions.search({})],
  ['transactions by business key', () => services.transactions.search({ businessKey: 'p-1' })],
  ['transactions by system', () => services.transactions.search({ system: 'fund-trading' })],
  ['transactions by topic and tag', () => services.transactions.search({ topic: 'TXC_FUND_TRADE', tag: 'DISCOUNT_PURCHASE' })],
  ['transactions by state in a time range', () => services.transactions.search({ state: 'COMMITTED', from: 1, to: Date.now() })],
  ['stuck transactions', () => services.transactions.search({ stuck: true })],
  [
    'transactions, second page',
    () => services.transactions.search({ cursor: Buffer.from(JSON.stringify([Date.now(), 'tx-z'])).toString('base64url') }),
  ],
  ['transaction by id', () => services.transactions.search({ txId: 'tx-1' })],
  ['trace', () => services.transactions.trace('p-1')],
  ['subscribers', () => services.status.subscribers('24h')],
  ['subscriber detail', () => services.status.subscriber('GID_TXC_ORCH_TRADE', '7d')],
  ['dead letters', () => services.lists.searchDeadLetters({})],
  ['dead letters by group', () => services.lists.searchDeadLetters({ group: 'GID_TXC_CS' })],
  ['dead letters by status', () => services.lists.searchDeadLetters({ status: 'NEW' })],
  ['dead letters by tag', () => services.lists.searchDeadLetters({ tag: 'OPERATIONS' })],
  ['reconcile runs', () => services.lists.reconcileRuns({})],
  ['incidents', () => services.lists.incidents({ open: true })],
  ['audit log by action', () => services.audit.list({ action: 'decision' })],
  ['audit log by actor', () => services.audit.list({ actor: 'ops' })],
  [
    'session revocation check (every cookie request)',
    () => services.revocations.isRevoked({ name: 'ops', sid: 's', issuedAt: 1, expiresAt: 2 }),
  ],
];

describe('console queries on SQLite', () => {
  it('the stuck queries (overview list and count, /metrics, the stuck search) range over (state, created_at), never a topic/tag index', async () => {
    recorded.length = 0;
    await services.status.overview();
    await services.transactions.search({ stuck: true });
    const stuck = recorded.filter(
      (query) => /^\s*select/i.test(query.sql) && query.parameters.includes('PREPARED') && query.sql.includes('"created_at" < ?'),
    );
    expect(stuck.length).toBeGreaterThanOrEqual(3);
    for (const query of stuck) {
      const plan = (connection.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[])
        .map((row) => row.detail)
        .join(' | ');
      expect(plan, query.sql).toMatch(/txc_tx_state_created_cover \(state=\? AND created_at<\?\)/);
    }
  });

  it.each(PAGES)('%s: every table is read through an index, no sort for ORDER BY', async (page, run) => {
    const plans = await plansOf(run);
    expect(plans.length).toBeGreaterThan(0);
    console.log(`${page}:\n${plans.map((p) => `  ${p.sql}\n    ${p.plan.join('\n    ')}`).join('\n')}`);
    for (const { sql, plan } of plans) {
      expect(
        plan.filter((line) => UNINDEXED.test(line)),
        sql,
      ).toEqual([]);
      expect(
        plan.filter((line) => /TEMP B-TREE FOR .*ORDER BY/.test(line)),
        sql,
      ).toEqual([]);
    }
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRADING_MIGRATIONS } from '../../../examples/trading/migrations';
import { judge } from '../../../local/demo/verdict';
import type { Database } from '../../../shared/adapters/store/Database';
import { openDatabase } from '../../../shared/adapters/store/openDatabase';
import { catalog } from '../../../shared/engines/catalog';

const TOPIC = 'TXC_COMPANION';
const TAG = 'ORCHESTRATION';
const EVENT = 'ev-verdict-1';
const DELIVERY_CHECK = 'subscribers received what they should';

let trading: Database;
let txcenter: Database;

beforeEach(async () => {
  trading = await openDatabase('sqlite::memory:', TRADING_MIGRATIONS);
  txcenter = await openDatabase('sqlite::memory:');
  await txcenter.db
    .insertInto('txc_tx')
    .values({
      tx_id: EVENT,
      system_id: 'companion',
      business_key: 'purchase-journey:tx-1',
      topic: TOPIC,
      tag: TAG,
      payload_hash: 'h',
      body: '{}',
      state: 'COMMITTED',
      broker: 'PUBLISHED',
      publish_claimed_at: 0,
      created_at: 1,
      updated_at: 1,
    })
    .execute();
});

afterEach(async () => {
  await Promise.all([trading.close(), txcenter.close()]);
});

/** A completed consumption of the event by `group`, deduplicated on `dedupKey`, delivered as `messageId`. */
async function consumed(group: string, dedupKey: string, messageId: string): Promise<void> {
  await txcenter.db
    .insertInto('txc_consume_barrier')
    .values({
      group_id: group,
      dedup_key: dedupKey,
      event_id: EVENT,
      business_key: 'purchase-journey:tx-1',
      status: 'COMPLETED',
      payload_hash: 'h',
      message_id: messageId,
      topic: TOPIC,
      tag: TAG,
      attempts: 1,
      lease_token: 'l',
      lease_until: 0,
      next_attempt_at: 0,
      created_at: 1,
      updated_at: 1,
    })
    .execute();
}

async function archived(messageId: string): Promise<void> {
  await txcenter.db
    .insertInto('txc_archive_event')
    .values({
      group_id: 'GID_TXC_DATACENTER',
      message_id: messageId,
      topic: TOPIC,
      tag: TAG,
      event_id: EVENT,
      business_key: 'purchase-journey:tx-1',
      source: 'companion',
      body: '{}',
      published_at: 1,
      archived_at: 1,
    })
    .execute();
}

async function deliveryCheck() {
  const verdict = await judge(trading.db, txcenter.db, catalog(), { purchaseIds: [], companionTxIds: [EVENT] });
  return verdict.checks.find((check) => check.name === DELIVERY_CHECK)!;
}

describe('Function: judge (the demo and chaos verdict)', () => {
  it('accepts an event published twice (a crash before the "published" mark) that the archive kept as two deliveries', async () => {
    await consumed('GID_TXC_ORCH', EVENT, 'm-1');
    await consumed('GID_TXC_COMPLIANCE', EVENT, 'm-1');
    // The data center deduplicates by message id: one record per delivered message.
    await consumed('GID_TXC_DATACENTER', 'm-1', 'm-1');
    await consumed('GID_TXC_DATACENTER', 'm-2', 'm-2');
    await archived('m-1');
    await archived('m-2');
    expect(await deliveryCheck()).toMatchObject({ ok: true });
  });

  it('still calls two records of one event in a group that deduplicates by event a duplicate', async () => {
    await consumed('GID_TXC_ORCH', EVENT, 'm-1');
    await consumed('GID_TXC_ORCH', `${EVENT}#again`, 'm-2');
    await consumed('GID_TXC_COMPLIANCE', EVENT, 'm-1');
    await consumed('GID_TXC_DATACENTER', 'm-1', 'm-1');
    await archived('m-1');
    const check = await deliveryCheck();
    expect(check.ok).toBe(false);
    expect(check.detail).toContain(`GID_TXC_ORCH/${EVENT} has more than one consumption record`);
  });

  it('calls an event a group never consumed missing', async () => {
    await consumed('GID_TXC_ORCH', EVENT, 'm-1');
    await consumed('GID_TXC_DATACENTER', 'm-1', 'm-1');
    await archived('m-1');
    const check = await deliveryCheck();
    expect(check).toMatchObject({ ok: false });
    expect(check.detail).toContain('not consumed by GID_TXC_COMPLIANCE');
  });
});

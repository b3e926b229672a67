import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeBody } from './factories';
import { startConsumerStack } from './consumerStack';
import { createScratchMysqlDatabase } from '../../../../local/scratchMysqlDatabase';
import { MYSQL_TEST_URL, mysqlUnavailableReason } from '../../../helpers/databases';

const FIXTURE = fileURLToPath(new URL('./crashingConsumer.fixture.ts', import.meta.url));

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

// On MySQL the claim and the effects commit through the store's group commit (shared/adapters/store/groupCommit.ts).
describe.each(['sqlite', 'mysql'] as const)('Consumer crash (child process killed mid-batch) on %s', (dialect) => {
  const skip = dialect === 'mysql' && mysqlSkip !== undefined;
  let stack: Awaited<ReturnType<typeof startConsumerStack>>;
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  beforeAll(async () => {
    if (skip) return;
    scratch = dialect === 'mysql' ? await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_t') : undefined;
    stack = await startConsumerStack({ databaseUrl: scratch?.url });
  });
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
  });

  it.skipIf(skip)('retries the message that was in progress after its lease expires, and every effect happens once', async () => {
    const customers = ['C-BEFORE', 'CRASH', 'C-AFTER'];
    const ids: string[] = [];
    for (const customerId of customers) {
      const eventId = `tx-crash-${customerId}-${Date.now()}`;
      ids.push(eventId);
      await stack.mq.publish('TXC_COMPANION', {
        body: envelopeBody(
          'TXC_COMPANION',
          'OPERATIONS',
          { customerId, channel: 'app', title: '定投提醒', content: '本月定投将于明日扣款。' },
          eventId,
        ),
        tag: 'OPERATIONS',
        key: eventId,
      });
    }
    const marker = join(stack.dir, 'crash.marker');
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, stack.broker.url, stack.databaseUrl, marker], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 20_000;
    while (!existsSync(marker) && Date.now() < deadline) await sleep(50);
    expect(existsSync(marker), stderr).toBe(true);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const crashed = await stack.db
      .selectFrom('txc_consume_barrier')
      .select(['status', 'attempts'])
      .where('group_id', '=', 'GID_TXC_OPS')
      .where('dedup_key', '=', ids[1]!)
      .executeTakeFirst();
    expect(crashed).toEqual({ status: 'IN_PROGRESS', attempts: 1 });

    const touchpoints = () => stack.db.selectFrom('txc_touchpoint').select('event_id').where('event_id', 'in', ids).execute();
    await stack.pumpUntil(async () => (await touchpoints()).length === 3);
    await sleep(1_500);
    await stack.pumpUntil(async () => true);
    expect((await touchpoints()).map((r: { event_id: string }) => r.event_id).sort()).toEqual([...ids].sort());
    const retried = await stack.db
      .selectFrom('txc_consume_barrier')
      .select(['status', 'attempts'])
      .where('group_id', '=', 'GID_TXC_OPS')
      .where('dedup_key', '=', ids[1]!)
      .executeTakeFirst();
    expect(retried).toEqual({ status: 'COMPLETED', attempts: 2 });
  });
});

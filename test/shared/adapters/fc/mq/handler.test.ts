import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MqBatchRetryError, mqHandler, parseMqEvent } from '../../../../../shared/adapters/fc/mq';
import type { IncomingMessage } from '../../../../../shared/engines/consumer/types';
import { silentLogger } from '../../../engines/consumer/factories';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const fcContext = { requestId: 'req-1', function: { name: 'consumer-ops', handler: 'index.handler', memory: 256, timeout: 60 } };

describe('Function: parseMqEvent', () => {
  it('reads a 4.x batch: UNIQ_KEY is the message id, KEYS the key, TAGS the tag', () => {
    const { messages, refused } = parseMqEvent(fixture('rocketmq4-batch.json'));
    expect(refused).toEqual([]);
    expect(messages).toEqual([
      {
        messageId: 'AC110B0B0001185B9A1C6A1F2E3B0001',
        topic: 'TXC_COMPANION',
        tag: 'OPERATIONS',
        key: 'tx-4x-0001',
        body: '{"v":1,"eventId":"tx-4x-0001"}',
        properties: { source: 'fund-app' },
        publishTime: Date.parse('2024-03-01T08:00:00.123Z'),
      },
    ]);
  });

  it('reads a 5.x batch by msgId and BORN_TIMESTAMP, re-serialises a parsed body, and refuses an element without ids', () => {
    const { messages, refused } = parseMqEvent(fixture('rocketmq5-batch.json').toString());
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      messageId: '01A1B2C3D4E5F6000000000000000001',
      tag: 'DISCOUNT_PURCHASE',
      key: 'tx-5x-0001',
      publishTime: 1709280001400,
    });
    expect(JSON.parse(messages[0]!.body)).toEqual({ v: 1, eventId: 'tx-5x-0001' });
    expect(refused).toEqual([{ index: 1, reason: expect.stringMatching(/msgId.*UNIQ_KEY/) }]);
  });
});

describe('Function: mqHandler', () => {
  it('resolves when every message is settled and hands the app a deadline from the function timeout', async () => {
    let seen: readonly IncomingMessage[] = [];
    let remaining = 0;
    const handler = mqHandler(async (messages, context) => {
      seen = messages;
      remaining = context.remainingMs();
      return messages.map((m) => ({ messageId: m.messageId, dedupKey: m.messageId, kind: 'applied' as const, settled: true }));
    });
    await expect(handler(fixture('rocketmq4-batch.json'), fcContext)).resolves.toEqual({ ok: true, processed: 1, refused: 0 });
    expect(seen).toHaveLength(1);
    expect(remaining).toBeGreaterThan(55_000);
  });

  it('throws MqBatchRetryError naming the unsettled messages so FC retries the batch', async () => {
    const handler = mqHandler(async (messages) =>
      messages.map((m) => ({ messageId: m.messageId, dedupKey: m.messageId, kind: 'retry' as const, settled: false })),
    );
    const error = await handler(fixture('rocketmq4-batch.json'), fcContext).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MqBatchRetryError);
    expect((error as MqBatchRetryError).pendingMessageIds).toEqual(['AC110B0B0001185B9A1C6A1F2E3B0001']);
  });

  it('refuses a payload that is not a CloudEvents array without throwing (no retry loop)', async () => {
    const handler = mqHandler(async () => [], { logger: silentLogger });
    await expect(handler(Buffer.from('{"not":"an array"}'), fcContext)).resolves.toMatchObject({ ok: false, code: 'MQ_EVENT_INVALID' });
    await expect(handler(Buffer.from('garbage'), fcContext)).resolves.toMatchObject({ ok: false, code: 'MQ_EVENT_INVALID' });
  });
});

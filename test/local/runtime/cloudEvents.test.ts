import { describe, expect, it } from 'vitest';
import { toCloudEvent } from '../../../local/runtime/cloudEvents';
import { parseMqEvent } from '../../../shared/adapters/fc/mq';
import type { ReceivedMessage } from '../../../shared/adapters/mq';

const message: ReceivedMessage = {
  messageId: 'AC1100010000ABCDEF',
  receiptHandle: 'h1',
  body: '{"v":1,"eventId":"tx-1"}',
  bodyMd5: 'x',
  tag: 'OPERATIONS',
  key: 'tx-1',
  properties: { source: 'fund-trading' },
  publishTime: Date.parse('2025-03-01T08:00:00Z'),
  firstConsumeTime: 0,
  nextConsumeTime: 0,
  consumedTimes: 1,
  startDeliverTime: undefined,
};

describe('Function: toCloudEvent', () => {
  it('produces the FC RocketMQ-trigger event the consumer adapter parses', () => {
    const batch = JSON.parse(JSON.stringify([toCloudEvent(message, 'TXC_COMPANION', '')]));
    const { messages, refused } = parseMqEvent(Buffer.from(JSON.stringify(batch)));
    expect(refused).toEqual([]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      messageId: 'AC1100010000ABCDEF',
      topic: 'TXC_COMPANION',
      tag: 'OPERATIONS',
      key: 'tx-1',
      body: message.body,
    });
    expect(batch[0]).toMatchObject({ aliyunpublishtime: '2025-03-01T08:00:00.000Z', data: { userProperties: { source: 'fund-trading' } } });
  });
});

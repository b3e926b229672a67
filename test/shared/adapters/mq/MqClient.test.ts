import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../../../local/broker';
import { isHandleInvalid, MqClient, MqEncodingError, MqUnavailableError } from '../../../../shared/adapters/mq';
import { ManualClock } from '../../../helpers/ManualClock';
import { startTestBroker, testMqClient } from '../../../helpers/txCenter';

let broker: RunningBroker;
let mq: MqClient;
const topic = 'MQ_TEST_TOPIC';
const group = 'GID_MQ_TEST';
// Check immunity passes when the test advances the broker's clock (which starts at the real time:
// the broker refuses SDK requests dated 15 minutes off).
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  broker = await startTestBroker(undefined, 0, { clock });
  mq = testMqClient(broker.url);
});
afterAll(async () => broker?.close());

describe('Class: MqClient (real SDK, local broker)', () => {
  it('publishes, consumes with numbers as numbers, acks; an empty poll is []', async () => {
    const sent = await mq.publish(topic, { body: 'hello & <world>', tag: 'A', key: 'order-1', properties: { region: 'hz' } });
    const [message] = await mq.consume(topic, group, { tagExpression: 'A', waitSeconds: 1 });
    expect(message).toMatchObject({
      messageId: sent.messageId,
      body: 'hello & <world>',
      tag: 'A',
      key: 'order-1',
      properties: { region: 'hz' },
      consumedTimes: 1,
    });
    expect(typeof message!.publishTime).toBe('number');
    expect(await mq.ack(topic, group, [message!.receiptHandle])).toEqual([]);
    expect(await mq.consume(topic, group, { waitSeconds: 0 })).toEqual([]);
    const failures = await mq.ack(topic, group, [message!.receiptHandle]);
    expect(failures).toHaveLength(1);
  });

  it('half message: invisible until commit; a late handle is refused as handle-invalid', async () => {
    const half = await mq.publishHalf(topic, group, { body: 'half', tag: 'H', key: 'tx-1' }, 1);
    expect((await mq.consume(topic, 'GID_MQ_HALF_READER', { waitSeconds: 0 })).filter((m) => m.key === 'tx-1')).toEqual([]);
    await mq.commit(topic, group, half.receiptHandle);
    const [message] = (await mq.consume(topic, 'GID_MQ_HALF_READER', { waitSeconds: 1 })).filter((m) => m.key === 'tx-1');
    expect(message).toMatchObject({ body: 'half', key: 'tx-1' });
    const error = await mq.commit(topic, group, half.receiptHandle).catch((e: unknown) => e);
    expect(isHandleInvalid(error)).toBe(true);
  });

  it('undecided half message is offered to consumeHalf after the immunity, without a fake StartDeliverTime', async () => {
    await mq.publishHalf(topic, group, { body: 'undecided', tag: 'H', key: 'tx-2' }, 1);
    expect((await mq.consumeHalf(topic, group, { waitSeconds: 0 })).filter((m) => m.key === 'tx-2')).toEqual([]);
    clock.advance(1_000); // its 1 s check immunity
    const offered = (await mq.consumeHalf(topic, group, { waitSeconds: 0 })).filter((m) => m.key === 'tx-2');
    expect(offered).toHaveLength(1);
    expect(offered[0]!.startDeliverTime).toBeUndefined();
    await mq.rollback(topic, group, offered[0]!.receiptHandle);
  });

  it('refuses what the SDK would corrupt, and check-immunity outside the configured range', async () => {
    await expect(mq.publish(topic, { body: 'x]]>y' })).rejects.toBeInstanceOf(MqEncodingError);
    await expect(mq.publish(topic, { body: 'x', key: 'a|b' })).rejects.toBeInstanceOf(MqEncodingError);
    await expect(mq.publishHalf(topic, group, { body: 'x' }, 0)).rejects.toBeInstanceOf(MqEncodingError);
    const cloud = new MqClient(mq.connection);
    await expect(cloud.publishHalf(topic, group, { body: 'x' }, 5)).rejects.toThrow(/10\.\.300/);
  });

  it('an unreachable endpoint is MqUnavailableError', async () => {
    const down = new MqClient({ ...mq.connection, endpoint: 'http://127.0.0.1:9' });
    await expect(down.publish(topic, { body: 'x' })).rejects.toBeInstanceOf(MqUnavailableError);
    await expect(down.consume(topic, group)).rejects.toBeInstanceOf(MqUnavailableError);
  });
});

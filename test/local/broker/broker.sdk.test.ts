import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningBroker } from '../../../local/broker/index';
import { ManualClock } from '../../helpers/ManualClock';
import { startTestBroker, errorCode, uniqueName } from './fixtures';
import type { MQRawMessage } from './sdk';
import { MQClient, MessageProperties } from './sdk';

// Everything here goes through the real @aliyunmq/mq-http-sdk over real HTTP. Short timings:
// invisibility 1 s, 3 deliveries before a dead letter, half-message checks every 1 s. The broker runs
// on a manual clock: invisibility, long-poll expiry, scheduled delivery and check immunity pass when a
// test advances it, never by waiting. It starts at the real time (the SDK's Date header must be within
// 15 minutes of the broker's clock) and moves only a few seconds in all.
let broker: RunningBroker;
let client: InstanceType<typeof MQClient>;
let stop: () => Promise<void>;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  ({ broker, client, stop } = await startTestBroker(
    {
      invisibilitySeconds: 1,
      maxReconsume: 3,
      halfRecheckSeconds: 1,
      minCheckImmunitySeconds: 1,
    },
    { clock },
  ));
});
afterAll(() => stop());

/** Runs `poll` and resolves once the broker has parked it (its wait timer is on the clock). */
async function parked<T>(poll: () => Promise<T>): Promise<{ answer: Promise<T>; answered: () => boolean }> {
  const before = clock.pendingTimers;
  let done = false;
  const answer = poll().finally(() => {
    done = true;
  });
  answer.catch(() => undefined); // inspected by the test later
  await vi.waitFor(() => expect(clock.pendingTimers).toBeGreaterThan(before), { timeout: 5_000, interval: 5 });
  return { answer, answered: () => done };
}

/** Lets HTTP answers already on their way arrive (no time passes on the broker's clock). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();

function props(entries: Record<string, string>): InstanceType<typeof MessageProperties> {
  const properties = new MessageProperties();
  for (const [key, value] of Object.entries(entries)) properties.putProperty(key, value);
  return properties;
}

describe('publish, consume, ack', () => {
  it('round-trips body, tag, key and user properties with all fields the SDKs require', async () => {
    const topic = uniqueName('T');
    const body = 'hello & <world> "quoted" 基金 ✓';
    const properties = props({ a: '1', channel: 'app' });
    properties.messageKey('ORDER-1');
    const published = await client.getProducer('', topic).publishMessage(body, 'TagA', properties);
    expect(published.code).toBe(201);
    expect(published.body.MessageId).toMatch(/^[0-9A-F]{32}$/);
    expect(published.body.MessageBodyMD5).toBe(md5(body));

    const consumer = client.getConsumer('', topic, uniqueName('GID'));
    const consumed = await consumer.consumeMessage(16, 1);
    expect(consumed.code).toBe(200);
    expect(consumed.body).toHaveLength(1);
    const message = consumed.body[0] as MQRawMessage;
    expect(message).toMatchObject({
      MessageId: published.body.MessageId,
      MessageBody: body,
      MessageBodyMD5: md5(body),
      MessageTag: 'TagA',
      ConsumedTimes: '1',
      MessageKey: 'ORDER-1',
    });
    expect(message.Properties).toEqual({ a: '1', channel: 'app' });
    for (const field of ['PublishTime', 'FirstConsumeTime', 'NextConsumeTime'])
      expect(message[field as keyof MQRawMessage]).toMatch(/^\d{13}$/);
    expect(Number(message.NextConsumeTime) - Number(message.FirstConsumeTime)).toBe(1000);

    const acked = await consumer.ackMessage([message.ReceiptHandle]);
    expect(acked.code).toBe(204);
    clock.advance(1_100); // past the invisibility: an unacked message would be visible again
    expect(await errorCode(() => consumer.consumeMessage(16))).toBe('MessageNotExist');
  });

  it('answers an empty short poll and an expired long poll with MessageNotExist', async () => {
    const consumer = client.getConsumer('', uniqueName('T'), uniqueName('GID'));
    expect(await errorCode(() => consumer.consumeMessage(16))).toBe('MessageNotExist');
    const poll = await parked(() => consumer.consumeMessage(16, 1));
    clock.advance(999);
    await settle();
    expect(poll.answered()).toBe(false);
    clock.advance(1);
    expect(await errorCode(() => poll.answer)).toBe('MessageNotExist');
  });

  it('returns a parked long poll as soon as a message is published', async () => {
    const topic = uniqueName('T');
    const consumer = client.getConsumer('', topic, uniqueName('GID'));
    const poll = await parked(() => consumer.consumeMessage(16, 20));
    await client.getProducer('', topic).publishMessage('wake up');
    // The clock stands still, so only the publish can have answered the poll.
    const result = await poll.answer;
    expect(result.body.map((m) => m.MessageBody)).toEqual(['wake up']);
  });

  it('returns at most numOfMessages messages, in publish order', async () => {
    const topic = uniqueName('T');
    const producer = client.getProducer('', topic);
    for (let i = 0; i < 20; i += 1) await producer.publishMessage(`m${i}`);
    const consumer = client.getConsumer('', topic, uniqueName('GID'));
    const first = await consumer.consumeMessage(16);
    expect(first.body.map((m) => m.MessageBody)).toEqual(Array.from({ length: 16 }, (_, i) => `m${i}`));
    const second = await consumer.consumeMessage(16);
    expect(second.body.map((m) => m.MessageBody)).toEqual(['m16', 'm17', 'm18', 'm19']);
  });

  it('reports only the failed handles of an ack, and acks the good ones', async () => {
    const topic = uniqueName('T');
    await client.getProducer('', topic).publishMessage('one');
    const consumer = client.getConsumer('', topic, uniqueName('GID'));
    const [message] = (await consumer.consumeMessage(1)).body;
    const result = await consumer.ackMessage(['adfadfadfadf', message!.ReceiptHandle, 'xxxxx']);
    expect(result.code).toBe(404);
    expect(result.body).toEqual([
      { ErrorCode: 'ReceiptHandleError', ErrorMessage: 'The receipt handle you provide is not valid.', ReceiptHandle: 'adfadfadfadf' },
      { ErrorCode: 'ReceiptHandleError', ErrorMessage: 'The receipt handle you provide is not valid.', ReceiptHandle: 'xxxxx' },
    ]);
    // The good handle was acked: it is single-use, and the message does not come back.
    const again = await consumer.ackMessage([message!.ReceiptHandle]);
    expect(again.body?.[0]?.ErrorCode).toBe('MessageNotExist');
    clock.advance(1_100);
    expect(await errorCode(() => consumer.consumeMessage(16))).toBe('MessageNotExist');
  });
});

describe('tag filters and consumer groups', () => {
  it('gives every group its own copy, filtered by its tag expression', async () => {
    const topic = uniqueName('T');
    const producer = client.getProducer('', topic);
    for (const tag of ['TagA', 'TagB', 'TagC', '']) await producer.publishMessage(`body-${tag || 'none'}`, tag);
    // One short poll per group: all four messages are already published.
    const bodies = async (tag?: string) =>
      (await client.getConsumer('', topic, uniqueName('GID'), tag).consumeMessage(16)).body.map((m) => m.MessageBody).sort();
    expect(await bodies('TagA||TagC')).toEqual(['body-TagA', 'body-TagC']);
    expect(await bodies('TagB')).toEqual(['body-TagB']);
    expect(await bodies('*')).toEqual(['body-TagA', 'body-TagB', 'body-TagC', 'body-none']);
    expect(await bodies()).toEqual(['body-TagA', 'body-TagB', 'body-TagC', 'body-none']);
  });
});

describe('redelivery and dead letters', () => {
  it('redelivers an unacked message with a new handle and ConsumedTimes + 1; old handles stop working', async () => {
    const topic = uniqueName('T');
    await client.getProducer('', topic).publishMessage('retry me');
    const consumer = client.getConsumer('', topic, uniqueName('GID'));
    const [first] = (await consumer.consumeMessage(1)).body;
    expect(await errorCode(() => consumer.consumeMessage(1))).toBe('MessageNotExist'); // invisible now
    clock.advance(999);
    expect(await errorCode(() => consumer.consumeMessage(1))).toBe('MessageNotExist'); // 1 ms early
    clock.advance(1);
    const [second] = (await consumer.consumeMessage(1)).body;
    expect(second).toMatchObject({ MessageId: first!.MessageId, ConsumedTimes: '2', FirstConsumeTime: first!.FirstConsumeTime });
    expect(second!.ReceiptHandle).not.toBe(first!.ReceiptHandle);
    expect((await consumer.ackMessage([first!.ReceiptHandle])).body?.[0]?.ErrorCode).toBe('ReceiptHandleError');
    clock.advance(1_050);
    // Still the current handle, but NextConsumeTime has passed.
    expect((await consumer.ackMessage([second!.ReceiptHandle])).body?.[0]?.ErrorCode).toBe('MessageNotExist');
  });

  it('moves a message to the group dead letters after maxReconsume deliveries, and only for that group', async () => {
    const topic = uniqueName('T');
    const group = uniqueName('GID');
    const other = uniqueName('GID');
    const { body } = await client.getProducer('', topic).publishMessage('poison');
    const consumer = client.getConsumer('', topic, group);
    const counts: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      if (i > 0) clock.advance(1_000); // invisibility over: delivered again
      counts.push(...(await consumer.consumeMessage(1)).body.map((m) => m.ConsumedTimes));
    }
    expect(counts).toEqual(['1', '2', '3']);
    clock.advance(1_100);
    expect(await errorCode(() => consumer.consumeMessage(1))).toBe('MessageNotExist');
    const dead = broker.deadLetters({ topic });
    expect(dead).toEqual([expect.objectContaining({ group, messageId: body.MessageId, body: 'poison', consumedTimes: 3 })]);
    const target = `/admin/dead-letters?topic=${topic}`;
    const headers = (
      client as unknown as { buildHeaders(method: string, body: string, resource: string): Record<string, string> }
    ).buildHeaders('GET', '', target);
    const admin = (await (await fetch(`${broker.url}${target}`, { headers })).json()) as { deadLetters: { messageId: string }[] };
    expect(admin.deadLetters.map((d) => d.messageId)).toEqual([body.MessageId]);
    // Another group still gets its copy.
    expect((await client.getConsumer('', topic, other).consumeMessage(1)).body[0]?.MessageBody).toBe('poison');
  });
});

describe('scheduled delivery', () => {
  it('holds a message until StartDeliverTime and wakes a long poll then', async () => {
    const topic = uniqueName('T');
    const properties = new MessageProperties();
    const at = clock.now() + 1_500;
    properties.startDeliverTime(at);
    await client.getProducer('', topic).publishMessage('later', '', properties);
    const consumer = client.getConsumer('', topic, uniqueName('GID'));
    expect(await errorCode(() => consumer.consumeMessage(1))).toBe('MessageNotExist');
    const poll = await parked(() => consumer.consumeMessage(1, 10));
    clock.advance(1_499);
    await settle();
    expect(poll.answered()).toBe(false);
    clock.advance(1);
    const result = await poll.answer;
    expect(result.body[0]).toMatchObject({ MessageBody: 'later', StartDeliverTime: at });
  });
});

describe('transactional messages', () => {
  const transProps = (seconds: number) => {
    const properties = props({ a: '1' });
    properties.transCheckImmunityTime(seconds);
    return properties;
  };

  it('keeps a half message invisible, and delivers it after commit with the publish handle', async () => {
    const topic = uniqueName('T');
    const group = uniqueName('GID');
    const producer = client.getTransProducer('', topic, group);
    const published = await producer.publishMessage('tx body', 'TagT', transProps(5));
    expect(published.body.ReceiptHandle).toBeTruthy();
    const consumer = client.getConsumer('', topic, uniqueName('GID'));
    expect(await errorCode(() => consumer.consumeMessage(16))).toBe('MessageNotExist');
    expect((await producer.commit(published.body.ReceiptHandle!)).code).toBe(204);
    const [message] = (await consumer.consumeMessage(16, 2)).body;
    expect(message).toMatchObject({ MessageId: published.body.MessageId, MessageBody: 'tx body', MessageTag: 'TagT' });
    // A decided half message cannot be decided again.
    expect((await producer.rollback(published.body.ReceiptHandle!)).body?.[0]?.ErrorCode).toBe('MessageNotExist');
  });

  it('discards a rolled-back half message', async () => {
    const topic = uniqueName('T');
    const producer = client.getTransProducer('', topic, uniqueName('GID'));
    const published = await producer.publishMessage('rolled back', '', transProps(1));
    expect((await producer.rollback(published.body.ReceiptHandle!)).code).toBe(204);
    clock.advance(1_000); // past its check immunity: a half message still held would be offered now
    expect(await errorCode(() => producer.consumeHalfMessage(16))).toBe('MessageNotExist');
    expect(await errorCode(() => client.getConsumer('', topic, uniqueName('GID')).consumeMessage(16))).toBe('MessageNotExist');
  });

  it('offers an undecided half message to consumeHalfMessage after the check-immunity time, again every recheck, until committed', async () => {
    const topic = uniqueName('T');
    const producer = client.getTransProducer('', topic, uniqueName('GID'));
    const published = await producer.publishMessage('check me', '', transProps(1));
    expect(await errorCode(() => producer.consumeHalfMessage(16))).toBe('MessageNotExist'); // immune for 1 s
    clock.advance(1_000);
    const firstOffer = await producer.consumeHalfMessage(16);
    expect(firstOffer.body[0]).toMatchObject({ MessageId: published.body.MessageId, ConsumedTimes: '1' });
    // The publish handle expired at the check-immunity time.
    expect((await producer.commit(published.body.ReceiptHandle!)).body?.[0]?.ErrorCode).toBe('ReceiptHandleError');
    clock.advance(1_000); // the recheck interval
    const secondOffer = await producer.consumeHalfMessage(16);
    expect(secondOffer.body[0]).toMatchObject({ MessageId: published.body.MessageId, ConsumedTimes: '2' });
    expect((await producer.commit(firstOffer.body[0]!.ReceiptHandle)).body?.[0]?.ErrorCode).toBe('ReceiptHandleError');
    expect((await producer.commit(secondOffer.body[0]!.ReceiptHandle)).code).toBe(204);
    const [message] = (await client.getConsumer('', topic, uniqueName('GID')).consumeMessage(16, 2)).body;
    expect(message?.MessageBody).toBe('check me');
  });

  it('refuses a check handle after its NextConsumeTime', async () => {
    const topic = uniqueName('T');
    const producer = client.getTransProducer('', topic, uniqueName('GID'));
    await producer.publishMessage('slow decider', '', transProps(1));
    clock.advance(1_000);
    const [offer] = (await producer.consumeHalfMessage(1)).body;
    clock.advance(1_050);
    expect((await producer.rollback(offer!.ReceiptHandle)).body?.[0]?.ErrorCode).toBe('MessageNotExist');
  });
});

describe('ordered consumption', () => {
  it('serves each sharding key in order and holds a partition until its batch is acked', async () => {
    const topic = uniqueName('T');
    const producer = client.getProducer('', topic);
    for (let i = 0; i < 6; i += 1) {
      const properties = props({ a: String(i) });
      properties.shardingKey(String(i % 2));
      await producer.publishMessage(`m${i}`, '', properties);
    }
    const consumer = client.getConsumer('', topic, uniqueName('GID'));
    const first = (await consumer.consumeMessageOrderly(2)).body;
    expect(first.map((m) => m.MessageBody)).toEqual(['m0', 'm1']);
    expect(first.map((m) => m.ShardingKey)).toEqual(['0', '1']);
    // Both partitions have a message in flight: nothing more until acked.
    expect(await errorCode(() => consumer.consumeMessageOrderly(16))).toBe('MessageNotExist');
    await consumer.ackMessage([first[0]!.ReceiptHandle]);
    const second = (await consumer.consumeMessageOrderly(16)).body;
    expect(second.map((m) => m.MessageBody)).toEqual(['m2', 'm4']);
  });
});

describe('limits and bad input', () => {
  const topic = uniqueName('T');
  const producer = () => client.getProducer('', topic);
  const consumer = () => client.getConsumer('', topic, 'GID_LIMITS');

  it('refuses out-of-range batch sizes and waits', async () => {
    expect(await errorCode(() => consumer().consumeMessage(17))).toBe('InvalidArgument');
    expect(await errorCode(() => consumer().consumeMessage(0))).toBe('InvalidArgument');
    expect(await errorCode(() => (consumer().consumeMessage as (n?: number) => Promise<unknown>)())).toBe('InvalidArgument');
    expect(await errorCode(() => consumer().consumeMessage(1, 31))).toBe('InvalidArgument');
  });

  it('refuses oversized bodies and properties, empty bodies and bad check-immunity times', async () => {
    expect(await errorCode(() => producer().publishMessage(''))).toBe('InvalidArgument');
    expect(await errorCode(() => producer().publishMessage('x'.repeat(4 * 1024 * 1024 + 1)))).toBe('InvalidArgument');
    expect((await producer().publishMessage('x'.repeat(65 * 1024))).code).toBe(201); // normal messages may exceed 64 KB
    const trans = client.getTransProducer('', topic, 'GID_LIMITS');
    const transProps = new MessageProperties();
    transProps.transCheckImmunityTime(10);
    expect(await errorCode(() => trans.publishMessage('x'.repeat(64 * 1024 + 1), '', transProps))).toBe('InvalidArgument');
    const tooLong = new MessageProperties();
    tooLong.transCheckImmunityTime(301);
    expect(await errorCode(() => trans.publishMessage('x', '', tooLong))).toBe('InvalidArgument');
    expect(await errorCode(() => producer().publishMessage('x', '', props({ big: 'v'.repeat(16 * 1024) })))).toBe('InvalidArgument');
  });

  it('refuses a body the SDK cannot encode (a "]]>" breaks its CDATA) as MalformedXML', async () => {
    expect(await errorCode(() => producer().publishMessage('a]]>b'))).toBe('MalformedXML');
  });

  it('refuses empty and oversized ack lists', async () => {
    expect(await errorCode(() => consumer().ackMessage([]))).toBe('MissingReceiptHandle');
    expect(await errorCode(() => consumer().ackMessage(Array.from({ length: 17 }, (_, i) => `h${i}`)))).toBe('InvalidArgument');
  });
});

describe('instances and credentials', () => {
  it('isolates instances (ns): same topic and group names, separate messages', async () => {
    const topic = uniqueName('T');
    const group = uniqueName('GID');
    await client.getProducer('MQ_INST_A', topic).publishMessage('in A');
    expect(await errorCode(() => client.getConsumer('MQ_INST_B', topic, group).consumeMessage(16))).toBe('MessageNotExist');
    expect(await errorCode(() => client.getConsumer('', topic, group).consumeMessage(16))).toBe('MessageNotExist');
    expect((await client.getConsumer('MQ_INST_A', topic, group).consumeMessage(16)).body[0]?.MessageBody).toBe('in A');
  });

  it('refuses unknown access keys and wrong secrets', async () => {
    const unknown = new MQClient(broker.url, 'nobody', 'secret');
    expect(await errorCode(() => unknown.getProducer('', 'T').publishMessage('x'))).toBe('InvalidAccessKeyId');
    const wrong = new MQClient(broker.url, 'txcenter-dev', 'not-the-secret');
    expect(await errorCode(() => wrong.getProducer('', 'T').publishMessage('x'))).toBe('SignatureDoesNotMatch');
  });

  it('accepts an endpoint with a trailing slash (the SDK signs /topics/... but sends //topics/...)', async () => {
    const slashed = new MQClient(`${broker.url}/`, 'txcenter-dev', 'txcenter-dev-secret');
    expect((await slashed.getProducer('', uniqueName('T')).publishMessage('x')).code).toBe(201);
  });
});

describe('declared resources', () => {
  it('answers TopicNotExist and SubscriptionNotExist for undeclared names when not auto-creating', async () => {
    const strict = await startTestBroker({
      autoCreate: false,
      declared: [
        { topics: ['KNOWN'], groups: ['GID_KNOWN'] },
        { ns: 'MQ_INST_X', topics: ['ONLY_X'], groups: [] },
      ],
    });
    try {
      expect(await errorCode(() => strict.client.getProducer('', 'UNKNOWN').publishMessage('x'))).toBe('TopicNotExist');
      expect(await errorCode(() => strict.client.getConsumer('', 'KNOWN', 'GID_UNKNOWN').consumeMessage(1))).toBe('SubscriptionNotExist');
      expect(await errorCode(() => strict.client.getProducer('', 'ONLY_X').publishMessage('x'))).toBe('TopicNotExist');
      expect((await strict.client.getProducer('MQ_INST_X', 'ONLY_X').publishMessage('x')).code).toBe(201);
      expect((await strict.client.getProducer('', 'KNOWN').publishMessage('x')).code).toBe(201);
      expect((await strict.client.getConsumer('', 'KNOWN', 'GID_KNOWN').consumeMessage(1)).body).toHaveLength(1);
    } finally {
      await strict.stop();
    }
  });
});

describe('admin endpoint', () => {
  it('lists topics and per-group backlog, in-flight and dead-letter counts', async () => {
    const topic = uniqueName('T');
    const group = uniqueName('GID');
    const producer = client.getProducer('MQ_INST_ADMIN', topic);
    for (let i = 0; i < 3; i += 1) await producer.publishMessage(`m${i}`);
    await client.getConsumer('MQ_INST_ADMIN', topic, group).consumeMessage(1);
    const state = (await (await fetch(`${broker.url}/admin/state`)).json()) as ReturnType<RunningBroker['state']>;
    const entry = state.topics.find((t) => t.topic === topic);
    expect(entry).toEqual({
      ns: 'MQ_INST_ADMIN',
      topic,
      messages: 3,
      halfMessages: 0,
      groups: [{ group, backlog: 2, inFlight: 1, deadLetters: 0 }],
    });
    expect((await fetch(`${broker.url}/admin/nothing`)).status).toBe(404);
  });
});

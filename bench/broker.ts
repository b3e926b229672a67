/**
 * `txcenter bench broker`: end-to-end throughput of the local broker with the real SDK, against the
 * ceiling of the same SDK client publishing to a server that answers every publish with a canned 201.
 *
 * Producers publish 1 KB messages concurrently; every consumer group consumes batches of 16 (long poll)
 * and acks them. messages/s = messages published ÷ time until every group has acked all of them.
 * Then the same producers run `--transactions` publishHalf + commit pairs (the transaction center's path)
 * and the broker's CPU per pair is reported.
 * The broker and the ceiling server each run in a child process, so client and server do not share
 * an event loop (on a 2-core machine: one core each).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import type * as Sdk from '@aliyunmq/mq-http-sdk';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET } from '../local/broker/index';
import { integerArg } from '../local/cli/args';
import { startBrokerChild, startChild, stopChild } from './childProcesses';
import { ownCpuMs, percentile, processCpuMs } from './measure';

const sdk = createRequire(import.meta.url)('@aliyunmq/mq-http-sdk') as typeof Sdk;

const TOPIC = 'BENCH_TOPIC';
const TX_TOPIC = 'BENCH_TX_TOPIC';
const TX_GROUP = 'GID_BENCH_TX';
const TX_CHECK_IMMUNITY_SECONDS = 60;
const BATCH = 16;
const LONG_POLL_SECONDS = 1;

/**
 * A server that answers every request with a canned success: the SDK client's ceiling. Publishes
 * (POST) get a fixed 201 result; with `workload` it also answers consumes (GET) with 16 canned
 * messages of the benchmark's body size and acks (DELETE) with 204, so the same client can run the
 * whole end-to-end workload against a server that costs next to nothing.
 */
const CANNED_SERVER = `
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
const [mode, size] = process.argv.slice(1);
const ns = 'http://mq.aliyuncs.com/doc/v1/';
const published = '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="' + ns + '"><MessageId>0123456789ABCDEF0123456789ABCDEF</MessageId><MessageBodyMD5>0CC175B9C0F1B6A831C399E269772661</MessageBodyMD5></Message>';
const body = 'x'.repeat(Number(size));
const md5 = createHash('md5').update(body).digest('hex').toUpperCase();
const now = Date.now();
let messages = '<?xml version="1.0" encoding="UTF-8"?><Messages xmlns="' + ns + '">';
for (let i = 0; i < 16; i += 1) messages += '<Message><MessageId>0123456789ABCDEF01234567890000' + String(i).padStart(2, '0') + '</MessageId><ReceiptHandle>0-ZXhhbXBsZQ' + i + '</ReceiptHandle><MessageBodyMD5>' + md5 + '</MessageBodyMD5><MessageBody>' + body + '</MessageBody><PublishTime>' + now + '</PublishTime><FirstConsumeTime>' + now + '</FirstConsumeTime><NextConsumeTime>' + (now + 300000) + '</NextConsumeTime><ConsumedTimes>1</ConsumedTimes><MessageTag>BENCH</MessageTag></Message>';
messages += '</Messages>';
const answers = { POST: [201, published], GET: [200, messages], DELETE: [204, ''] };
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const [status, xml] = mode === 'workload' ? answers[req.method] ?? answers.POST : answers.POST;
    res.writeHead(status, { 'content-type': 'text/xml;charset=utf-8', 'content-length': Buffer.byteLength(xml), 'x-mq-request-id': '0' });
    res.end(xml);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

interface Settings {
  producers: number;
  messages: number;
  groups: number;
  consumersPerGroup: number;
  size: number;
  json: boolean;
  /** Directory for a V8 CPU profile of the broker process (`--cpu-prof`), or undefined. */
  profileDir: string | undefined;
  /** publishHalf + commit pairs measured after the end-to-end run. */
  transactions: number;
}

function settings(args: string[]): Settings {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      producers: { type: 'string', default: '32' },
      messages: { type: 'string', default: '20000' },
      groups: { type: 'string', default: '2' },
      'consumers-per-group': { type: 'string', default: '4' },
      size: { type: 'string', default: '1024' },
      json: { type: 'boolean', default: false },
      'profile-dir': { type: 'string' },
      transactions: { type: 'string', default: '4000' },
    },
  });
  const int = (name: string, value: string): number => integerArg(name, value);
  return {
    producers: int('producers', values.producers),
    messages: int('messages', values.messages),
    groups: int('groups', values.groups),
    consumersPerGroup: int('consumers-per-group', values['consumers-per-group']),
    size: int('size', values.size),
    json: values.json,
    profileDir: values['profile-dir'],
    transactions: int('transactions', values.transactions),
  };
}

/** N producers share `total` publishes; returns per-publish latencies in ms. */
async function publishAll(client: Sdk.MQClient, s: Settings, body: string): Promise<number[]> {
  const producer = client.getProducer('', TOPIC);
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: s.producers }, async () => {
      while (next < s.messages) {
        next += 1;
        const started = performance.now();
        const result = await producer.publishMessage(body, 'BENCH');
        if (result.code !== 201) throw new Error(`publish answered ${result.code}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

/** Consume calls that returned messages, and how many they returned (the mean batch size is reported). */
const consumeStats = { batches: 0, messages: 0 };

/** One group's consumers: consume batches of 16 and ack, until the group has acked `total` messages. */
async function consumeGroup(client: Sdk.MQClient, group: string, s: Settings): Promise<void> {
  const consumer = client.getConsumer('', TOPIC, group);
  let acked = 0;
  await Promise.all(
    Array.from({ length: s.consumersPerGroup }, async () => {
      while (acked < s.messages) {
        let batch;
        try {
          batch = await consumer.consumeMessage(BATCH, LONG_POLL_SECONDS);
        } catch (error) {
          if ((error as Sdk.MQServerError).Code === 'MessageNotExist') continue;
          throw error;
        }
        const result = await consumer.ackMessage(batch.body.map((m) => m.ReceiptHandle));
        if (result.code !== 204) throw new Error(`ack answered ${result.code}: ${JSON.stringify(result.body)}`);
        acked += batch.body.length;
        consumeStats.batches += 1;
        consumeStats.messages += batch.body.length;
      }
    }),
  );
}

/** N producers share `total` transactions: publish a half message (check immunity 60 s), then commit it. */
async function transactAll(client: Sdk.MQClient, producers: number, total: number, body: string): Promise<void> {
  const producer = client.getTransProducer('', TX_TOPIC, TX_GROUP);
  const props = new sdk.MessageProperties();
  props.transCheckImmunityTime(TX_CHECK_IMMUNITY_SECONDS);
  let next = 0;
  await Promise.all(
    Array.from({ length: producers }, async () => {
      while (next < total) {
        next += 1;
        const half = await producer.publishMessage(body, 'BENCH', props);
        if (half.code !== 201) throw new Error(`publish half answered ${half.code}`);
        const commit = await producer.commit(half.body.ReceiptHandle as string);
        if (commit.code !== 204) throw new Error(`commit answered ${commit.code}`);
      }
    }),
  );
}

let ceilingClientCpuUs = 0;

function startCannedServer(mode: 'publish' | 'workload', s: Settings) {
  return startChild(process.execPath, ['--input-type=module', '-e', CANNED_SERVER, mode, String(s.size)]);
}

async function measureCeiling(s: Settings, body: string): Promise<number> {
  const { child, url } = await startCannedServer('publish', s);
  try {
    const client = new sdk.MQClient(url, DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET);
    await publishAll(client, { ...s, messages: Math.min(s.messages, 2_000) }, body); // warm-up
    const started = performance.now();
    const cpuBefore = ownCpuMs();
    await publishAll(client, s, body);
    ceilingClientCpuUs = Math.round(((ownCpuMs() - cpuBefore) * 1000) / s.messages);
    return s.messages / ((performance.now() - started) / 1000);
  } finally {
    await stopChild(child);
  }
}

/**
 * The end-to-end workload (publish, every group consumes 16 and acks) by the same client against
 * the canned server: what this client process can do when the server costs next to nothing.
 */
async function measureWorkloadCeiling(s: Settings, body: string): Promise<number> {
  const { child, url } = await startCannedServer('workload', s);
  try {
    const client = new sdk.MQClient(url, DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET);
    const groups = Array.from({ length: s.groups }, (_, i) => `GID_BENCH_${i}`);
    const workload = (messages: number) =>
      Promise.all([
        publishAll(client, { ...s, messages }, body),
        ...groups.map((group) => consumeGroup(client, group, { ...s, messages })),
      ]);
    await workload(Math.min(s.messages, 2_000)); // warm-up
    const started = performance.now();
    await workload(s.messages);
    return s.messages / ((performance.now() - started) / 1000);
  } finally {
    await stopChild(child);
  }
}

interface BrokerRun {
  perSecond: number;
  latencies: number[];
  /** CPU per message in the broker process and in this (SDK client) process, µs. */
  brokerCpuUs: number | undefined;
  /** The system-time (kernel: sockets, writes, fdatasync) part of brokerCpuUs. */
  brokerSystemCpuUs: number | undefined;
  clientCpuUs: number;
  /** Broker CPU per publishHalf + commit pair, µs, and pairs per second. */
  brokerCpuUsPerTransaction: number | undefined;
  transactionsPerSecond: number;
}

async function measureBroker(s: Settings, body: string): Promise<BrokerRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'txc-bench-broker-'));
  const { child, url } = await startBrokerChild(dataDir, s.profileDir);
  try {
    const client = new sdk.MQClient(url, DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET);
    const groups = Array.from({ length: s.groups }, (_, i) => `GID_BENCH_${i}`);
    await Promise.all(
      groups
        .map((group) =>
          consumeGroup(client, group, { ...s, messages: 500 }).then(
            () => undefined,
            () => undefined,
          ),
        )
        .concat(publishAll(client, { ...s, messages: 500 }, body).then(() => undefined)),
    ); // warm-up
    consumeStats.batches = 0;
    consumeStats.messages = 0;
    const started = performance.now();
    const [brokerCpuBefore, clientCpuBefore] = [processCpuMs(child.pid), ownCpuMs()];
    const [latencies] = await Promise.all([publishAll(client, s, body), ...groups.map((group) => consumeGroup(client, group, s))]);
    const perSecond = s.messages / ((performance.now() - started) / 1000);
    const brokerCpuAfter = processCpuMs(child.pid);
    const perMessageUs = (ms: number) => Math.round((ms * 1000) / s.messages);
    const clientCpuUs = perMessageUs(ownCpuMs() - clientCpuBefore);
    await transactAll(client, s.producers, 500, body); // warm-up
    const txStarted = performance.now();
    const txCpuBefore = processCpuMs(child.pid);
    await transactAll(client, s.producers, s.transactions, body);
    const transactionsPerSecond = s.transactions / ((performance.now() - txStarted) / 1000);
    const txCpuAfter = processCpuMs(child.pid);
    return {
      perSecond,
      latencies: latencies as number[],
      brokerCpuUs:
        brokerCpuBefore &&
        brokerCpuAfter &&
        perMessageUs(brokerCpuAfter.user + brokerCpuAfter.system - brokerCpuBefore.user - brokerCpuBefore.system),
      brokerSystemCpuUs: brokerCpuBefore && brokerCpuAfter && perMessageUs(brokerCpuAfter.system - brokerCpuBefore.system),
      clientCpuUs,
      brokerCpuUsPerTransaction:
        txCpuBefore &&
        txCpuAfter &&
        Math.round(((txCpuAfter.user + txCpuAfter.system - txCpuBefore.user - txCpuBefore.system) * 1000) / s.transactions),
      transactionsPerSecond,
    };
  } finally {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<number> {
  const s = settings(args);
  const body = 'x'.repeat(s.size);
  const ceilingPerSecond = await measureCeiling(s, body);
  const workloadCeilingPerSecond = await measureWorkloadCeiling(s, body);
  const { perSecond, latencies, brokerCpuUs, brokerSystemCpuUs, clientCpuUs, brokerCpuUsPerTransaction, transactionsPerSecond } =
    await measureBroker(s, body);
  latencies.sort((a, b) => a - b);
  const result = {
    messagesPerSecond: Math.round(perSecond),
    ceilingPerSecond: Math.round(ceilingPerSecond),
    ratio: Number((perSecond / ceilingPerSecond).toFixed(3)),
    workloadCeilingPerSecond: Math.round(workloadCeilingPerSecond),
    workloadRatio: Number((perSecond / workloadCeilingPerSecond).toFixed(3)),
    publishP50Ms: Number(percentile(latencies, 50).toFixed(2)),
    publishP99Ms: Number(percentile(latencies, 99).toFixed(2)),
    brokerCpuUsPerMessage: brokerCpuUs,
    brokerSystemCpuUsPerMessage: brokerSystemCpuUs,
    clientCpuUsPerMessage: clientCpuUs,
    ceilingClientCpuUsPerMessage: ceilingClientCpuUs,
    meanConsumeBatch: Number((consumeStats.messages / Math.max(1, consumeStats.batches)).toFixed(1)),
    // What the measured CPU costs allow, whatever the broker does: one single-threaded SDK client
    // process cannot exceed 1 s of CPU per second, and client + broker together not the machine's cores.
    clientBoundPerSecond: Math.round(1e6 / clientCpuUs),
    cpuBoundPerSecond: brokerCpuUs === undefined ? undefined : Math.round((availableParallelism() * 1e6) / (clientCpuUs + brokerCpuUs)),
    transactionsPerSecond: Math.round(transactionsPerSecond),
    brokerCpuUsPerTransaction,
  };
  if (s.json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(
      `broker bench: ${s.messages} × ${s.size} B messages, ${s.producers} producers, ${s.groups} groups × ${s.consumersPerGroup} consumers (batches of ${BATCH})`,
    );
    console.log(`  end-to-end       ${result.messagesPerSecond} messages/s (published and acked by every group, durable journal)`);
    console.log(`  ceiling          ${result.ceilingPerSecond} publishes/s (same SDK client, canned 201 server)`);
    console.log(`  ratio            ${(result.ratio * 100).toFixed(1)} %`);
    console.log(
      `  workload ceiling ${result.workloadCeilingPerSecond} messages/s (same client, same publish + consume + ack workload, canned server) → ratio ${(result.workloadRatio * 100).toFixed(1)} %`,
    );
    console.log(`  publish latency  p50 ${result.publishP50Ms} ms, p99 ${result.publishP99Ms} ms`);
    console.log(
      `  CPU per message  broker ${brokerCpuUs ?? '?'} µs (system ${brokerSystemCpuUs ?? '?'} µs), SDK client ${clientCpuUs} µs (ceiling run: client ${ceilingClientCpuUs} µs)`,
    );
    console.log(
      `  bounds           ${result.clientBoundPerSecond} messages/s for this one client process even with a free broker (${((result.clientBoundPerSecond / result.ceilingPerSecond) * 100).toFixed(1)} % of the ceiling); ${result.cpuBoundPerSecond ?? '?'} messages/s for client + broker on ${availableParallelism()} cores`,
    );
    console.log(`  consume batches  ${result.meanConsumeBatch} messages on average (at most ${BATCH})`);
    console.log(
      `  transactions     ${result.transactionsPerSecond} publishHalf+commit pairs/s, broker CPU ${brokerCpuUsPerTransaction ?? '?'} µs per pair (${s.producers} producers)`,
    );
  }
  return 0;
}

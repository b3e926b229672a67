import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, startBroker } from '../../../local/broker/index';
import type { BrokerInternals, BrokerOptions, RunningBroker } from '../../../local/broker/index';
import type { MQServerError } from './sdk';
import { MQClient } from './sdk';

/** A broker on a random loopback port over a fresh data directory, plus an SDK client for it. */
export async function startTestBroker(
  options: Partial<BrokerOptions> = {},
  internals: BrokerInternals = {},
): Promise<{
  broker: RunningBroker;
  client: InstanceType<typeof MQClient>;
  dataDir: string;
  stop: () => Promise<void>;
}> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'txc-broker-test-'));
  const broker = await startBroker({ port: 0, autoCreate: true, ...options, dataDir }, internals);
  const client = new MQClient(broker.url, DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET);
  return {
    broker,
    client,
    dataDir,
    stop: async () => {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A topic/group name unique within the test run, so tests sharing a broker do not interfere. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

/** Runs `action` and returns the `Code` of the SDK error it throws (fails if it does not throw). */
export async function errorCode(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    return (error as MQServerError).Code ?? `non-MQ error: ${(error as Error).message}`;
  }
  throw new Error('expected the call to fail');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

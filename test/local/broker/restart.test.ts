import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET } from '../../../local/broker/index';
import { sleep } from './fixtures';
import type { MQServerError } from './sdk';
import { MQClient } from './sdk';

const CLI = fileURLToPath(new URL('../../../bin/txcenter.mjs', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'txc-broker-restart-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** `txcenter broker` as a child process; resolves with its URL from the one line it prints. */
function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'broker', '--port', '0', '--data', dataDir, '--auto-create', '--invisibility-seconds', '1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1] as string });
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code} before it was ready`)));
  });
}

describe('crash safety', () => {
  it('loses no 201-acknowledged message and resurrects no 204-acknowledged ack after SIGKILL mid-traffic', async () => {
    const first = await startChild();
    const client = new MQClient(first.url, DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET);
    const producer = client.getProducer('', 'CRASH');
    const consumer = client.getConsumer('', 'CRASH', 'GID_CRASH');
    const accepted = new Set<string>();
    const acked = new Set<string>();
    let running = true;
    const publishers = Array.from({ length: 8 }, async (_, p) => {
      for (let i = 0; running; i += 1) {
        try {
          const result = await producer.publishMessage(`p${p}-${i}`);
          if (result.code === 201) accepted.add(result.body.MessageId);
        } catch {
          return; // the broker died under us: this publish was not acknowledged
        }
      }
    });
    // Acks the broker may have written without the answer arriving (killed mid-request): either outcome is fine.
    const uncertain = new Set<string>();
    const consumers = Array.from({ length: 2 }, async () => {
      while (running) {
        let batch;
        try {
          batch = await consumer.consumeMessage(16, 1);
        } catch (error) {
          if ((error as MQServerError).Code === 'MessageNotExist') continue;
          return;
        }
        for (const m of batch.body) uncertain.add(m.MessageId);
        try {
          const result = await consumer.ackMessage(batch.body.map((m) => m.ReceiptHandle));
          // A 404 lists only the failed handles (e.g. expired under load); the others were acked.
          const failed = new Set((result.body ?? []).map((e) => e.ReceiptHandle));
          for (const m of batch.body) {
            uncertain.delete(m.MessageId);
            if (!failed.has(m.ReceiptHandle)) acked.add(m.MessageId);
          }
        } catch {
          return;
        }
      }
    });
    // Kill mid-traffic once enough is in flight, however fast this machine is (a fixed sleep saw
    // 37 publishes on a loaded machine and 500 on an idle one).
    for (let waited = 0; accepted.size <= 50 && waited < 30_000; waited += 50) await sleep(50);
    expect(accepted.size).toBeGreaterThan(50);
    expect(acked.size).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    running = false;
    await Promise.all([...publishers, ...consumers]);
    const acceptedBeforeKill = new Set(accepted);
    const ackedBeforeKill = new Set(acked);

    const second = await startChild();
    const after = new MQClient(second.url, DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET);
    // A fresh group sees every accepted message; the crashed group sees exactly the unacked ones.
    const drain = async (group: string): Promise<Set<string>> => {
      const ids = new Set<string>();
      const c = after.getConsumer('', 'CRASH', group);
      for (;;) {
        try {
          const batch = await c.consumeMessage(16, 2); // > invisibility, so in-flight ones come back
          for (const m of batch.body) ids.add(m.MessageId);
          await c.ackMessage(batch.body.map((m) => m.ReceiptHandle));
        } catch (error) {
          if ((error as MQServerError).Code === 'MessageNotExist') return ids;
          throw error;
        }
      }
    };
    const everything = await drain('GID_FRESH');
    const redelivered = await drain('GID_CRASH');
    for (const id of acceptedBeforeKill) expect(everything.has(id)).toBe(true);
    for (const id of acceptedBeforeKill) if (!ackedBeforeKill.has(id) && !uncertain.has(id)) expect(redelivered.has(id)).toBe(true);
    for (const id of ackedBeforeKill) expect(redelivered.has(id)).toBe(false);
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
    expect(second.child.exitCode).toBe(0);
  });
});

import { rmSync } from 'node:fs';
import type { Stack } from '../../local/demo/stack';
import { startStack } from '../../local/demo/stack';
import type { StackTiming } from '../../local/demo/timing';
import { DEMO_TIMING } from '../../local/demo/timing';
import { tempDir } from '../local/runtime/fixtures';

/**
 * A fresh local stack on ephemeral ports, every function in its own runtime process, demo timing by
 * default. Its data folder (SQLite files, broker journal: megabytes) is deleted when it is closed.
 */
export async function startTestStack(timing: StackTiming = DEMO_TIMING): Promise<Stack> {
  const stack = await startStack({
    dataDir: tempDir('txc-e2e-'),
    ports: { gateway: 0, trading: 0, console: 0, demo: 0, broker: 0 },
    timing,
    logLevel: 'error',
  });
  return deletesDataOnClose(stack);
}

/** The same stack (its getters still live), whose close also deletes its data folder. */
export function deletesDataOnClose(stack: Stack): Stack {
  const close = stack.close.bind(stack);
  return Object.assign(stack, {
    async close() {
      await close();
      rmSync(stack.dataDir, { recursive: true, force: true });
    },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 100 ms until it answers something other than undefined; fails after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

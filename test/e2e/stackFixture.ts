import type { Stack } from '../../local/demo/stack';
import { startStack } from '../../local/demo/stack';
import type { StackTiming } from '../../local/demo/timing';
import { DEMO_TIMING } from '../../local/demo/timing';
import { tempDir } from '../local/runtime/fixtures';

/**
 * The demo's timing with consumers timing out after 10 s, for tests that SIGKILL function processes: a
 * consumer run the kill cut off keeps its message leased until its deadline (the consume barrier's
 * lease), 60 s with the catalog's timeout — the difference between a 10 s and a 60 s test.
 */
export const CRASH_TIMING: StackTiming = { ...DEMO_TIMING, consumerTimeoutCapSeconds: 10 };

/** A fresh local stack on ephemeral ports, every function in its own runtime process, demo timing by default. */
export function startTestStack(timing: StackTiming = DEMO_TIMING): Promise<Stack> {
  return startStack({
    dataDir: tempDir('txc-e2e-'),
    ports: { gateway: 0, trading: 0, console: 0, demo: 0, broker: 0 },
    timing,
    logLevel: 'error',
  });
}

import type { Stack } from '../../local/demo/stack';
import { startStack } from '../../local/demo/stack';
import type { StackTiming } from '../../local/demo/timing';
import { DEMO_TIMING } from '../../local/demo/timing';
import { tempDir } from '../local/runtime/fixtures';

/** A fresh local stack on ephemeral ports, every function in its own runtime process, demo timing by default. */
export function startTestStack(timing: StackTiming = DEMO_TIMING): Promise<Stack> {
  return startStack({
    dataDir: tempDir('txc-e2e-'),
    ports: { gateway: 0, trading: 0, console: 0, demo: 0, broker: 0 },
    timing,
    logLevel: 'error',
  });
}

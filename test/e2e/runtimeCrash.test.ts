import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../local/demo/runDemo';
import type { Stack } from '../../local/demo/stack';
import { DEMO_TIMING } from '../../local/demo/timing';
import { PUBLISH_CLAIM_STALE_MS } from '../../shared/engines/tx';
import { startTestStack } from './stackFixture';

/** How long the function processes stay dead. */
const DOWN_FOR_MS = 1_500;
/**
 * Consumers time out after 30 s instead of the catalog's 60 s: a consumer run the kill cut off holds its
 * message until that deadline. Not much shorter: a run killed while the gateway (killed with it) was
 * publishing the run's follow-up event must retry after the gateway's publish claim is stale (15 s after
 * the publish began, which is some seconds into the run), or all three of the demo's attempts are answered
 * 409 'still being prepared' and the message is dead-lettered (seen with a 10 s cap, 3 runs in 12).
 */
const TIMING = { ...DEMO_TIMING, consumerTimeoutCapSeconds: (2 * PUBLISH_CLAIM_STALE_MS) / 1_000 };

describe('E2E: the runtime is SIGKILLed mid-demo and restarted', () => {
  let stack: Stack | undefined;

  afterAll(async () => {
    await stack?.close();
  });

  it('still ends consistent', async () => {
    stack = await startTestStack(TIMING);
    // Kill every function process as soon as the first purchases are answered: the rest are in flight.
    let purchasesFlowing: () => void = () => undefined;
    const flowing = new Promise<void>((resolve) => (purchasesFlowing = resolve));
    const demo = runDemo(stack, {
      purchases: 30,
      concurrency: 4,
      progress: (line) => line.includes('10/30 purchases answered') && purchasesFlowing(),
    });
    await Promise.race([flowing, demo]); // a demo that fails before the purchases flow fails the test now
    await stack.killRuntime();
    await new Promise((resolve) => setTimeout(resolve, DOWN_FOR_MS));
    await stack.restartRuntime();
    const report = await demo;
    expect(report.verdict.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.consistent).toBe(true);
    // The crash really hit traffic: some requests found no gateway (never prepared) or lost their commit.
    const disturbed = report.purchases.filter((p) => p.fault === 'none' && (p.txState !== 'COMMITTED' || p.decidedBy !== 'client'));
    expect(disturbed.length + report.purchases.filter((p) => p.answer === 'TX_CENTER_UNAVAILABLE').length).toBeGreaterThan(0);
  }, 300_000);
});

import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../local/demo/runDemo';
import type { Stack } from '../../local/demo/stack';
import { CRASH_TIMING, startTestStack } from './stackFixture';

/** How long the function processes stay dead. */
const DOWN_FOR_MS = 1_500;

describe('E2E: the runtime is SIGKILLed mid-demo and restarted', () => {
  let stack: Stack | undefined;

  afterAll(async () => {
    await stack?.close();
  });

  it('still ends consistent', async () => {
    stack = await startTestStack(CRASH_TIMING);
    // Kill every function process as soon as the first purchases are answered: the rest are in flight.
    let purchasesFlowing: () => void = () => undefined;
    const flowing = new Promise<void>((resolve) => (purchasesFlowing = resolve));
    const demo = runDemo(stack, {
      purchases: 30,
      concurrency: 4,
      progress: (line) => line.includes('10/30 purchases answered') && purchasesFlowing(),
    });
    await flowing;
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

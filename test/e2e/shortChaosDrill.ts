import { expect } from 'vitest';
import { runChaos } from '../../bench/chaos';
import { CHAOS_TIMING } from '../../bench/chaosPlan';

/**
 * The short chaos drill of the e2e tests (5 kills: 4 single functions, 1 whole stack) and what it must
 * show: nothing lost, duplicated, undecided or bought without a commit, money balanced, every verdict
 * check passed, the killed functions restarted, and more than `minCommitted` purchases committed.
 */
export async function expectShortDrillClean(options: { purchases: number; minCommitted: number; mysqlServerUrl?: string }): Promise<void> {
  // Consumers capped at 10 s instead of the bench's 20 s: a consumer run a kill cut off holds its
  // messages until that deadline, which is most of the drill's settling at this size.
  const timing = { ...CHAOS_TIMING, consumerTimeoutCapSeconds: 10 };
  const report = await runChaos({
    purchases: options.purchases,
    kills: 5,
    concurrency: 16,
    timing,
    mysqlServerUrl: options.mysqlServerUrl,
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify({ ...report, checks: undefined }));
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  expect(report).toMatchObject({ consistent: true, lost: 0, duplicated: 0, undecided: 0, wronglyBought: 0, moneyBalanced: true });
  expect(report.kills).toMatchObject({ functions: 4, stack: 1 });
  // The runtime really restarted what was killed, and the drill really hit purchases.
  expect(report.restarts).toBeGreaterThan(0);
  expect(report.purchases.committed).toBeGreaterThan(options.minCommitted);
}

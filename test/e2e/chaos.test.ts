import { describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos';
import { CHAOS_TIMING } from '../../bench/chaosPlan';

describe('E2E: the chaos drill (short version of `txcenter bench chaos`)', () => {
  it('loses, duplicates and leaves undecided nothing while single functions and the whole stack are SIGKILLed', async () => {
    // Consumers capped at 10 s instead of the bench's 20 s: a consumer run a kill cut off holds its
    // messages until that deadline, which is most of the drill's settling at this size.
    const timing = { ...CHAOS_TIMING, consumerTimeoutCapSeconds: 10 };
    const report = await runChaos({ purchases: 300, kills: 5, concurrency: 16, timing, log: (line) => console.log(line) });
    console.log(JSON.stringify({ ...report, checks: undefined }));
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report).toMatchObject({ consistent: true, lost: 0, duplicated: 0, undecided: 0, wronglyBought: 0, moneyBalanced: true });
    expect(report.kills).toMatchObject({ functions: 4, stack: 1 });
    // The runtime really restarted what was killed, and the drill really hit purchases.
    expect(report.restarts).toBeGreaterThan(0);
    expect(report.purchases.committed).toBeGreaterThan(200);
  }, 600_000); // ≈ 1 min on this loaded 2-core machine, was 2–4 min before prebuilt stacks (docs/crash-safety.md)
});

import { describe, it } from 'vitest';
import { expectShortDrillClean } from './shortChaosDrill';

describe('E2E: the chaos drill (short version of `txcenter bench chaos`)', () => {
  it('loses, duplicates and leaves undecided nothing while single functions and the whole stack are SIGKILLed', async () => {
    await expectShortDrillClean({ purchases: 300, minCommitted: 200 });
  }, 600_000); // ≈ 1 min on this loaded 2-core machine, was 2–4 min before prebuilt stacks (docs/crash-safety.md)
});

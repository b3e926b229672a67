import { describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos';
import { CHAOS_TIMING } from '../../bench/chaosPlan';
import { MYSQL_TEST_URL, mysqlUnavailableReason } from '../helpers/databases';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

// The production store: MySQL's group commit sends a batch's rows and effects with its COMMIT (one
// multi-statement round trip), a path SQLite never takes. SIGKILLs must find it as safe as SQLite's.
describe.skipIf(mysqlSkip !== undefined)('E2E: the chaos drill with the transaction center on MariaDB', () => {
  it('loses, duplicates and leaves undecided nothing while single functions and the whole stack are SIGKILLed', async () => {
    const timing = { ...CHAOS_TIMING, consumerTimeoutCapSeconds: 10 };
    const report = await runChaos({
      purchases: 200,
      kills: 5,
      concurrency: 16,
      timing,
      mysqlServerUrl: MYSQL_TEST_URL,
      log: (line) => console.log(line),
    });
    console.log(JSON.stringify({ ...report, checks: undefined }));
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report).toMatchObject({ consistent: true, lost: 0, duplicated: 0, undecided: 0, wronglyBought: 0, moneyBalanced: true });
    expect(report.kills).toMatchObject({ functions: 4, stack: 1 });
    expect(report.restarts).toBeGreaterThan(0);
    expect(report.purchases.committed).toBeGreaterThan(100);
  }, 600_000);
});

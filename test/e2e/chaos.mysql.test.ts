import { describe, it } from 'vitest';
import { MYSQL_TEST_URL, mysqlUnavailableReason } from '../helpers/databases';
import { expectShortDrillClean } from './shortChaosDrill';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

// The production store: MySQL's group commit sends a batch's rows and effects with its COMMIT (one
// multi-statement round trip), a path SQLite never takes. SIGKILLs must find it as safe as SQLite's.
describe.skipIf(mysqlSkip !== undefined)('E2E: the chaos drill with the transaction center on MariaDB', () => {
  it('loses, duplicates and leaves undecided nothing while single functions and the whole stack are SIGKILLed', async () => {
    await expectShortDrillClean({ purchases: 200, minCommitted: 100, mysqlServerUrl: MYSQL_TEST_URL });
  }, 600_000);
});

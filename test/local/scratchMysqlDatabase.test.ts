import { createConnection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { createScratchMysqlDatabase } from '../../local/scratchMysqlDatabase';
import { MYSQL_TEST_URL, mysqlUnavailableReason } from '../helpers/databases';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

async function databasesLike(pattern: string): Promise<string[]> {
  const connection = await createConnection({ uri: MYSQL_TEST_URL });
  try {
    const [rows] = await connection.query('select schema_name as name from information_schema.schemata where schema_name like ?', [
      pattern,
    ]);
    return (rows as { name: string }[]).map((row) => row.name);
  } finally {
    await connection.end();
  }
}

// The README's benchmark commands name a database (`.../txc_bench`) that a fresh server does not have:
// the scratch database is created beside it, on the server, without needing it.
describe.skipIf(mysqlSkip !== undefined)('createScratchMysqlDatabase', () => {
  it('creates and drops its database on a server whose URL names a database that does not exist', async () => {
    const serverUrl = new URL(MYSQL_TEST_URL);
    serverUrl.pathname = '/txc_no_such_database';
    const scratch = await createScratchMysqlDatabase(serverUrl.toString(), 'txc_scratch');
    const name = new URL(scratch.url).pathname.slice(1);
    expect(name).toMatch(/^txc_scratch_[0-9a-f]{12}$/);
    expect(await databasesLike(name)).toEqual([name]);
    await scratch.drop();
    expect(await databasesLike(name)).toEqual([]);
    expect(await databasesLike('txc\\_no\\_such\\_database')).toEqual([]);
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Long from 'long';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundles, formatReport, REPO_ROOT } from '../../scripts/build';
import { LONG_VIA_BIGINT } from '../../scripts/cloudShims';
import { invokeInFreshProcess } from '../../scripts/sampleInvocation';
import { createScratchMysqlDatabase } from '../../local/scratchMysqlDatabase';
import { MYSQL_TEST_URL, mysqlUnavailableReason } from '../helpers/databases';
import { fc3HttpEvent } from '../helpers/fcEvents';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const root = mkdtempSync(join(tmpdir(), 'txc-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A function under a scratch root whose handler imports the repository's shared code. */
function writeHandler(name: string, source: string): void {
  mkdirSync(join(root, 'functions', name), { recursive: true });
  // The scratch root has no node_modules: packages are named by their file in the repository's.
  const resolved = source
    .replaceAll('@shared', join(REPO_ROOT, 'shared'))
    .replaceAll('@kysely', join(REPO_ROOT, 'node_modules/kysely/dist/esm/index.js'));
  writeFileSync(join(root, 'functions', name, 'handler.ts'), resolved);
}

describe('Function: buildBundles', () => {
  it('bundles a handler that opens the database without the native SQLite driver, and the bundle runs', async () => {
    writeHandler(
      'db-probe',
      `import { httpHandler } from '@shared/adapters/fc/http';
import { openDatabase } from '@shared/adapters/store/openDatabase';
export const handler = httpHandler(async () => {
  try { await openDatabase('sqlite::memory:'); return { statusCode: 200, body: 'opened' }; }
  catch (error) { return { statusCode: 503, body: String((error as { code?: string }).code) }; }
});`,
    );
    const result = await buildBundles({ root, functions: ['db-probe', 'not-written'] });
    expect(result.missing).toEqual(['not-written']);
    const [bundle] = result.bundles;
    expect(readFileSync(bundle!.file, 'utf8')).not.toContain('better-sqlite3');
    expect(readFileSync(`${bundle!.file}.map`, 'utf8')).toContain('openDatabase.ts');
    // In the cloud a sqlite: URL is a configuration mistake, reported with a code rather than a crash.
    const outcome = await invokeInFreshProcess(bundle!.file, fc3HttpEvent(), 'db-probe', {});
    expect(outcome).toMatchObject({ ok: true, result: { statusCode: 503, body: 'SQLITE_UNAVAILABLE' } });
    expect(formatReport(result, root)).toMatch(
      /dist\/db-probe\.js\s+[\d.]+ KB[\s\S]*missing handlers \(not built\): functions\/not-written\/handler\.ts/,
    );
  });

  it('fails loudly when a handler reaches better-sqlite3 directly', async () => {
    writeHandler('native', `import Database from 'better-sqlite3';\nexport const handler = async () => new Database(':memory:');`);
    await expect(buildBundles({ root, functions: ['native'] })).rejects.toThrow(
      /better-sqlite3 imported by .*functions\/native\/handler\.ts/,
    );
  });

  it('flags bundles over the budget', async () => {
    writeHandler('big', `export const table = ${JSON.stringify('x'.repeat(200 * 1024))};\nexport const handler = async () => table;`);
    const result = await buildBundles({ root, functions: ['big'] });
    expect(result.oversized.map((b) => b.name)).toEqual(['big']);
    expect(formatReport(result, root)).toContain('OVER BUDGET');
  });

  it('reads MySQL values in a bundle exactly as the unbundled store does (mysql2 shims, static row parsers)', async (context) => {
    if (mysqlSkip) return context.skip(mysqlSkip);
    // Every value type our tables hold, 64-bit integers past 2^53 (an insert id that large goes
    // through the `long` shim), a parameter escaped by mysql2, an errno whose name the bundle keeps.
    const probe = `import { sql } from '@kysely';
import { openMysql } from '@shared/adapters/store/mysql';
export async function readProbe(url: string) {
  const database = await openMysql(url);
  try {
    const { rows } = await sql\`select cast(9007199254740993 as signed) as big, cast(18446744073709551615 as unsigned) as ubig,
      cast(-9223372036854775808 as signed) as minbig, cast(12.345 as decimal(10,3)) as amount, 7 as small,
      cast('2024-02-29 12:34:56.789' as datetime(3)) as at, json_object('k', 1) as doc, null as nothing,
      _utf8mb4'交易 ✓' as text, x'00ff' as bytes, \${"o'brien"} as quoted\`.execute(database.db);
    const missing = await sql\`select 1 from txc_no_such_table\`.execute(database.db).catch((error: { code?: string; errno?: number }) => [error.code, error.errno]);
    await sql\`drop table if exists probe_ids\`.execute(database.db);
    await sql\`create table probe_ids (id bigint auto_increment primary key) auto_increment = 9007199254740993\`.execute(database.db);
    const { insertId } = await sql\`insert into probe_ids () values ()\`.execute(database.db);
    return JSON.parse(JSON.stringify({ rows, missing, insertId: String(insertId) }));
  } finally {
    await database.close();
  }
}
export const handler = async () => readProbe(process.env.PROBE_URL!);`;
    writeHandler('mysql-probe', probe);
    const scratch = await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_build');
    try {
      const [bundle] = (await buildBundles({ root, functions: ['mysql-probe'] })).bundles;
      const bundled = await invokeInFreshProcess(bundle!.file, {}, 'mysql-probe', { PROBE_URL: scratch.url });
      const { readProbe } = (await import(join(root, 'functions', 'mysql-probe', 'handler.ts'))) as {
        readProbe(url: string): Promise<unknown>;
      };
      const unbundled = await readProbe(scratch.url);
      expect(unbundled).toMatchObject({
        rows: [
          { big: '9007199254740993', ubig: '18446744073709551615', minbig: '-9223372036854775808', amount: '12.345', quoted: "o'brien" },
        ],
        missing: ['ER_NO_SUCH_TABLE', 1146],
        insertId: expect.stringMatching(/^900719925474099\d$/),
      });
      expect(bundled).toMatchObject({ ok: true, result: unbundled });
    } finally {
      await scratch.drop();
    }
  });
});

describe('Constant: LONG_VIA_BIGINT', () => {
  it('gives the digits and the number the long package gives for every sign and width', () => {
    const shim = { exports: {} as unknown };
    new Function('module', LONG_VIA_BIGINT)(shim);
    const ShimLong = shim.exports as new (low: number, high: number, unsigned: boolean) => { toString(): string; toNumber(): number };
    const words = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x12345678, 0x200000, 0x1fffff];
    for (const low of words) {
      for (const high of words) {
        for (const unsigned of [true, false]) {
          const expected = new Long(low, high, unsigned);
          const actual = new ShimLong(low, high, unsigned);
          expect([actual.toString(), actual.toNumber()], `${low} ${high} ${unsigned}`).toEqual([expected.toString(), expected.toNumber()]);
        }
      }
    }
  });
});

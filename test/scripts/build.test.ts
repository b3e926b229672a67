import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundles, formatReport, REPO_ROOT } from '../../scripts/build';
import { invokeInFreshProcess } from '../../scripts/sampleInvocation';
import { fc3HttpEvent } from '../helpers/fcEvents';

const root = mkdtempSync(join(tmpdir(), 'txc-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A function under a scratch root whose handler imports the repository's shared code. */
function writeHandler(name: string, source: string): void {
  mkdirSync(join(root, 'functions', name), { recursive: true });
  writeFileSync(join(root, 'functions', name, 'handler.ts'), source.replaceAll('@shared', join(REPO_ROOT, 'shared')));
}

describe('Function: buildBundles', () => {
  it('bundles a handler that opens the database without the native SQLite driver, and the bundle runs', async () => {
    writeHandler(
      'db-probe',
      `import { httpHandler } from '@shared/fc/http';
import { openDatabase } from '@shared/store/openDatabase';
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
    expect(formatReport(result, root)).toMatch(/dist\/db-probe\.js\s+[\d.]+ KB[\s\S]*missing handlers \(not built\): functions\/not-written\/handler\.ts/);
  });

  it('fails loudly when a handler reaches better-sqlite3 directly', async () => {
    writeHandler('native', `import Database from 'better-sqlite3';\nexport const handler = async () => new Database(':memory:');`);
    await expect(buildBundles({ root, functions: ['native'] })).rejects.toThrow(/better-sqlite3 imported by .*functions\/native\/handler\.ts/);
  });

  it('flags bundles over the budget', async () => {
    writeHandler('big', `export const table = ${JSON.stringify('x'.repeat(200 * 1024))};\nexport const handler = async () => table;`);
    const result = await buildBundles({ root, functions: ['big'] });
    expect(result.oversized.map((b) => b.name)).toEqual(['big']);
    expect(formatReport(result, root)).toContain('OVER BUDGET');
  });
});

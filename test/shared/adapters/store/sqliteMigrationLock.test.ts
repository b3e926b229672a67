import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../shared/adapters/store/migrations';
import { openDatabase } from '../../../../shared/adapters/store/openDatabase';

const OPEN_DATABASE = fileURLToPath(new URL('../../../../shared/adapters/store/openDatabase.ts', import.meta.url));
const PROCESSES = 6;

/** A process that opens (and so migrates) `file` at `startAt` (epoch ms), as a function's first call does. */
function migrateAt(file: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  const script = `
    const { openDatabase } = await import(${JSON.stringify(OPEN_DATABASE)});
    await new Promise((resolve) => setTimeout(resolve, ${startAt} - Date.now()));
    const database = await openDatabase(${JSON.stringify(`sqlite:${file}`)});
    await database.close();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The local stack's function processes share one SQLite file and each migrates it at its first call.
describe('SQLite migrations from several processes at once', () => {
  it('apply each migration once, and no process fails on one another applied', async () => {
    dir = mkdtempSync(join(tmpdir(), 'txc-sqlite-lock-'));
    const file = join(dir, 'txcenter.db');
    // Every process has loaded its modules by then, so they reach the migrator together.
    const startAt = Date.now() + 4_000;
    const exits = await Promise.all(Array.from({ length: PROCESSES }, () => migrateAt(file, startAt)));
    expect(exits.filter((exit) => exit.code !== 0)).toEqual([]);
    const database = await openDatabase(`sqlite:${file}`);
    try {
      const applied = await database.db.selectFrom('txc_migration').select('name').execute();
      expect(applied.map((row) => row.name).sort()).toEqual(Object.keys(MIGRATIONS).sort());
    } finally {
      await database.close();
    }
  }, 60_000);
});

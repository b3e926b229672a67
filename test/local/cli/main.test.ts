import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../local/cli/main';

/** Runs the CLI in-process and returns its exit code and everything it printed. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
  const code = await main(argv);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('txcenter command line', () => {
  afterEach(() => vi.restoreAllMocks());
  const scratch = mkdtempSync(join(tmpdir(), 'txc-cli-'));
  const aFile = join(scratch, 'a-file');
  writeFileSync(aFile, 'not a folder');

  it('prints its version', async () => {
    const { code, out } = await run('--version');
    expect(code).toBe(0);
    expect(out).toMatch(/^txcenter \d+\.\d+\.\d+$/);
  });

  it.each([
    [['demo', '--data', aFile], 'is a file, not a folder'],
    [['demo', '--data', join(aFile, 'below')], 'is a file, not a folder'],
    [['reconcile', '--data', join(scratch, 'missing')], 'no such folder'],
    [['dlq', 'list', '--data', join(scratch, 'missing')], 'no such folder'],
    [['start', '--no-demo', '--log-level', 'bogus', '--data', scratch], '--log-level must be one of'],
    [['start', '--bogus-flag'], "Unknown option '--bogus-flag'"],
  ])('refuses %j with one line and exit 2, no stack trace', async (argv, message) => {
    const { code, err } = await run(...argv);
    expect(code).toBe(2);
    const first = err.split('\n')[0]!;
    expect(first).toContain(message);
    expect(first).toMatch(new RegExp(`^txcenter ${argv[0]}: `));
    expect(err).not.toMatch(/\n\s+at /);
  });
});

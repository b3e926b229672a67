import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BENCHMARK_NAMES } from '../../../local/cli/commands/bench';
import { COMMAND_NAMES, main } from '../../../local/cli/main';

/** Runs the CLI in-process and returns its exit code and everything it printed. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
  const code = await main(argv);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The long options a source file hands to parseArgs (`name: { type: … }` entries). */
function parsedOptions(path: string): string[] {
  const source = readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
  return [...source.matchAll(/(?<=[\s{,])'?([a-z][a-z-]*)'?: \{ type: '(?:string|boolean)'/g)].map((match) => `--${match[1]}`);
}

/** Where each command's options are parsed; `broker`'s help is generated from its flag table. */
const OPTION_SOURCES: Record<string, { path: string; except?: string[] } | undefined> = {
  start: { path: 'local/cli/commands/start.ts' },
  demo: { path: 'local/cli/commands/start.ts', except: ['--no-demo', '--demo-only'] },
  dlq: { path: 'local/cli/commands/dlq.ts' },
  reconcile: { path: 'local/cli/commands/reconcile.ts' },
  'console-user': { path: 'local/cli/commands/consoleUser.ts' },
  broker: undefined,
  bench: undefined,
};

describe('txcenter --help and flag errors', () => {
  afterEach(() => vi.restoreAllMocks());

  it('knows where every command parses its options', () => {
    expect(Object.keys(OPTION_SOURCES).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it.each(COMMAND_NAMES)('txcenter %s --help prints its own usage with every option it accepts, exit 0', async (name) => {
    const { code, out } = await run(name, '--help');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: txcenter ${name} `));
    const source = OPTION_SOURCES[name];
    const options = source ? parsedOptions(source.path).filter((option) => !source.except?.includes(option)) : [];
    if (source) expect(options.length).toBeGreaterThan(0);
    for (const option of options) expect(out, `${name} --help lists ${option}`).toContain(option);
  });

  it('txcenter bench --help lists every benchmark', async () => {
    const { code, out } = await run('bench', '--help');
    expect(code).toBe(0);
    for (const bench of BENCHMARK_NAMES) expect(out).toMatch(new RegExp(`^  ${bench} `, 'm'));
  });

  it.each(BENCHMARK_NAMES)('txcenter bench %s --help prints that bench’s own options, exit 0', async (bench) => {
    const { code, out } = await run('bench', bench, '--help');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: txcenter bench ${bench} `));
    const options = parsedOptions(`bench/${bench}.ts`);
    expect(options).toContain('--json');
    for (const option of options) expect(out, `bench ${bench} --help lists ${option}`).toContain(option);
  });

  it.each([
    ...COMMAND_NAMES.map((name) => [[name, '--no-such-flag'], `txcenter ${name}`]),
    ...BENCHMARK_NAMES.map((bench) => [['bench', bench, '--no-such-flag'], `txcenter bench ${bench}`]),
  ] as [string[], string][])('%j → one line naming the flag and its help, exit 2', async (argv, where) => {
    const { code, out, err } = await run(...argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.split('\n')).toHaveLength(1);
    expect(err).toMatch(new RegExp(`^${where}: .*--no-such-flag.*\\(options: ${where} --help\\)$`));
  });

  it.each([
    [['bench', 'tx', '--transactions', 'many'], 'txcenter bench tx', '--transactions'],
    [['bench', 'tx', '--concurrency', '8,x'], 'txcenter bench tx', '--concurrency'],
    [['bench', 'e2e', '--purchases', '1.5'], 'txcenter bench e2e', '--purchases'],
    [['bench', 'coldstart', '--runs', '0'], 'txcenter bench coldstart', '--runs'],
    [['bench', 'console', '--runs', '3'], 'txcenter bench console', '--runs'],
    [['bench', 'chaos', '--kills', 'x'], 'txcenter bench chaos', '--kills'],
    [['bench', 'store', '--rounds', ''], 'txcenter bench store', '--rounds'],
  ] as [string[], string, string][])(
    '%j: a bad option value is one line naming the flag, exit 2, before any work',
    async (argv, where, flag) => {
      const { code, out, err } = await run(...argv);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err.split('\n')).toHaveLength(1);
      expect(err).toMatch(new RegExp(`^${where}: ${flag} .*\\(options: ${where} --help\\)$`));
    },
  );

  it('an unknown command or benchmark is one line too, exit 2', async () => {
    for (const argv of [['nope'], ['bench', 'nope'], ['bench']]) {
      const { code, err } = await run(...argv);
      expect(code).toBe(2);
      expect(err.split('\n')).toHaveLength(1);
      vi.restoreAllMocks();
    }
  });
});

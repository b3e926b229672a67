import type { Command } from '../command';
import { UsageError } from '../command';
import { BENCH_USAGE } from './benchUsage';

/**
 * `txcenter bench <name>`: each benchmark lives in `bench/<name>.ts` and exports `run(args)`.
 * Add a benchmark by adding a line to BENCHMARKS and its options to BENCH_USAGE.
 */
const BENCHMARKS: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  broker: () => import('../../../bench/broker'),
  tx: async () => import('../../../bench/tx'),
  coldstart: async () => import('../../../bench/coldstart'),
  e2e: async () => import('../../../bench/e2e'),
  console: async () => import('../../../bench/console'),
  store: async () => import('../../../bench/store'),
  startup: async () => import('../../../bench/startup'),
  chaos: async () => import('../../../bench/chaos'),
};

export const BENCHMARK_NAMES = Object.keys(BENCHMARKS);

const USAGE = `Usage: txcenter bench <name> [options]

Benchmarks (\`txcenter bench <name> --help\` for each one's options):
${BENCHMARK_NAMES.map((name) => `  ${name.padEnd(10)} ${BENCH_USAGE[name]?.split('\n')[2] ?? ''}`).join('\n')}

Every benchmark takes --json: the headline figures as one JSON object on stdout.`;

export const benchCommand: Command = {
  name: 'bench',
  summary: 'run a benchmark',
  usage: USAGE,
  helpFor(args) {
    const [which] = args;
    return which !== undefined && which in BENCHMARKS ? BENCH_USAGE[which] : undefined;
  },
  async run(args) {
    const [which, ...rest] = args;
    const load = which === undefined ? undefined : BENCHMARKS[which];
    if (!load) throw new UsageError(which === undefined ? 'missing benchmark name' : `unknown benchmark '${which}'`);
    const bench = await load();
    try {
      return await bench.run(rest);
    } catch (error) {
      // An unknown or malformed flag is the caller's mistake: name the bench so the hint points at its help.
      if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') || (error instanceof UsageError && !error.command))
        throw new UsageError((error as Error).message, { command: `bench ${which}` });
      throw error;
    }
  },
};

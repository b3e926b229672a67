import type { Command } from '../command';
import { UsageError } from '../command';

/**
 * `txcenter bench <name>`: each benchmark lives in `bench/<name>.ts` and exports `run(args)`.
 * Add a benchmark by adding a line to BENCHMARKS.
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

export const benchCommand: Command = {
  name: 'bench',
  summary: 'run a benchmark',
  get usage() {
    return `Usage: txcenter bench <${Object.keys(BENCHMARKS).join(' | ') || 'name'}> [--json] [options]`;
  },
  async run(args) {
    const [which, ...rest] = args;
    const load = which === undefined ? undefined : BENCHMARKS[which];
    if (!load) throw new UsageError(which === undefined ? 'missing benchmark name' : `unknown benchmark '${which}'`);
    return (await load()).run(rest);
  },
};

import type { Command } from '../command';
import { runStart } from './start';

/** `txcenter demo` = `txcenter start --demo-only`: fresh stack, demo, exit status = the verdict. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the discount-purchase demo on a fresh stack; exit 0 only if consistent',
  usage:
    'Usage: txcenter demo [--purchases <n>] [--data <dir>] [--json <file>] [port options of `txcenter start`]\n\nSame as `txcenter start --demo-only`.',
  run: (args) => runStart(args, true),
};

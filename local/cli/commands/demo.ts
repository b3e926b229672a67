import type { Command } from '../command';
import { DEMO_USAGE, runStart } from './start';

/** `txcenter demo` = `txcenter start --demo-only`: fresh stack, demo, exit status = the verdict. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the discount-purchase demo on a fresh stack; exit 0 only if consistent',
  usage: DEMO_USAGE,
  run: (args) => runStart(args, true),
};

import { fileURLToPath } from 'node:url';
import { CLI_BUNDLES } from '../../bin/prebuilt.mjs';
import { prebuilt } from '../prebuilt';

/**
 * The bundles of the command line's own processes, built together so they share chunks: `cli` (what
 * `bin/txcenter.mjs` runs: every command and benchmark) and `chaosStack` (the stack process the
 * chaos drill SIGKILLs and starts again).
 */
const ENTRIES = [
  { out: 'cli', file: fileURLToPath(new URL('./main.ts', import.meta.url)) },
  { out: 'chaosStack', file: fileURLToPath(new URL('../../bench/chaosStack.ts', import.meta.url)) },
] as const;

export type CliBundle = (typeof ENTRIES)[number]['out'];

/** The prebuilt file of one of the command line's processes, built first if a source changed. */
export async function prebuiltCli(bundle: CliBundle): Promise<string> {
  return (await prebuilt(CLI_BUNDLES, ENTRIES))(bundle);
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prebuilt } from '../prebuilt';
import { RuntimeConfigError } from './errors';

/**
 * How a function process starts: `bundle` runs prebuilt JavaScript (one esbuild bundle per function
 * with the runtime, cached and rebuilt when a source changes); `tsx` compiles the TypeScript sources
 * on load, as before bundles existed (the startup benchmark compares the two).
 */
export type FunctionLaunch = 'bundle' | 'tsx';

/**
 * Set to `tsx` (`TXCENTER_LAUNCH=tsx npx txcenter …`), every local process starts the way it did
 * before prebuilt bundles: the command, the chaos drill's stack and each function process compile
 * TypeScript with tsx on load. For comparisons (`txcenter bench startup`) and for debugging.
 */
export const LAUNCH_ENV = 'TXCENTER_LAUNCH';

/** The launch mode processes use unless told otherwise: `bundle`, or `tsx` when {@link LAUNCH_ENV} says so. */
export function defaultLaunch(): FunctionLaunch {
  return process.env[LAUNCH_ENV] === 'tsx' ? 'tsx' : 'bundle';
}

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNTIME_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const RUN_PROCESS = fileURLToPath(new URL('./runProcess.ts', import.meta.url));
/** The cache folder's name under `node_modules/.cache/`. */
export const FUNCTION_BUNDLES = 'txcenter-runtime';

/**
 * Prepares starting these functions and returns each one's node arguments. With `bundle`: one ESM
 * bundle per function — the runtime process (runProcess.ts) with that function's handler imported
 * statically — reused while none of its sources changed (local/prebuilt.ts).
 */
export async function prepareLaunch(functionNames: readonly string[], launch: FunctionLaunch): Promise<(functionName: string) => string[]> {
  if (launch === 'tsx') return () => ['--import', 'tsx', RUNTIME_MAIN];
  const fileOf = await prebuilt(
    FUNCTION_BUNDLES,
    functionNames.map((name) => {
      const handler = join(PROJECT_ROOT, 'functions', name, 'handler.ts');
      if (!existsSync(handler)) throw new RuntimeConfigError(`function '${name}' has no handler at ${handler}`);
      return {
        out: name,
        contents: `import { runRuntimeProcess } from ${JSON.stringify(RUN_PROCESS)};\nimport { handler } from ${JSON.stringify(handler)};\nawait runRuntimeProcess(async () => handler);\n`,
      };
    }),
  );
  return (functionName) => [fileOf(functionName)];
}

/**
 * The local runtime as its own process from source: `node --import tsx local/runtime/main.ts`
 * (see runProcess.ts for the environment and protocol; launch.ts for the prebuilt alternative).
 */
import { runRuntimeProcess } from './runProcess';

await runRuntimeProcess();

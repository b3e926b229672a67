import { createLogger } from '../../shared/logger';
import { readRuntimeConfig, runtimeOptionsOf } from './config';
import { profileOnSignal } from './cpuProfile';
import type { Runtime } from './Runtime';
import { startRuntime } from './Runtime';
import type { HandlerLoader } from './types';

/**
 * The local runtime as its own process, with the function environment (TXC_DATABASE_URL, TXC_MQ_*,
 * TXC_SYSTEMS, …) and TXC_RUNTIME_* settings. Prints one JSON line `{"ready":true,"urls":{…}}` when
 * serving; stops cleanly on SIGTERM/SIGINT (and, with TXC_RUNTIME_EXIT_WITH=stdin, when its parent's
 * end of stdin closes). `loadHandler` is given by a prebuilt function bundle (launch.ts), which
 * carries its handler; without it handlers are imported from source.
 */
export async function runRuntimeProcess(loadHandler?: HandlerLoader): Promise<void> {
  const config = readRuntimeConfig();
  const logger = createLogger('runtime', config.TXC_LOG_LEVEL, process.stderr);
  if (config.TXC_RUNTIME_CPU_PROFILE_DIR)
    profileOnSignal(config.TXC_RUNTIME_CPU_PROFILE_DIR, config.TXC_RUNTIME_FUNCTIONS.join('+') || 'runtime', logger);
  // Watch the parent before starting: a start can take many seconds on a loaded machine, and a pipe that
  // closes meanwhile fires 'close' only once — registered after the start, it would never be seen and
  // this process would outlive its parent.
  let stopRequested = false;
  let runtime: Runtime | undefined;
  const stop = () => {
    if (stopRequested) return;
    stopRequested = true;
    if (!runtime) process.exit(0);
    // Invocations in flight finish; long polls are dropped with the process (the broker redelivers
    // what one receives), so SIGTERM ends the process at once, not after a poll wait.
    void runtime.close({ abandonPolls: true }).then(() => process.exit(0));
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, stop);
  if (config.TXC_RUNTIME_EXIT_WITH === 'stdin') {
    // The parent holds our stdin open; if it dies (even by SIGKILL) the pipe closes and we stop too.
    process.stdin.on('close', stop).resume();
  }
  // A parent killed with SIGKILL leaves our stdout and stderr pipes broken (EPIPE): stop like a closed
  // stdin, not crash.
  process.stdout.on('error', stop);
  process.stderr.on('error', stop);
  runtime = await startRuntime({ ...runtimeOptionsOf(config), logger, ...(loadHandler ? { loadHandler } : {}) });
  if (stopRequested) await runtime.close({ abandonPolls: true }).then(() => process.exit(0));
  process.stdout.write(`${JSON.stringify({ ready: true, urls: runtime.urls })}\n`);
}

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import type { Logger } from '../../shared/logger';

/** The signal that starts, then stops and writes, a CPU profile of a runtime process. */
export const CPU_PROFILE_SIGNAL = 'SIGUSR2';

/**
 * Benchmark analysis: each {@link CPU_PROFILE_SIGNAL} toggles a V8 CPU profile of this process; the
 * stop writes `<dir>/<name>.cpuprofile`. A signal (not `--cpu-prof`) so the profile covers only the
 * measured window, not the process's start-up compile.
 */
export function profileOnSignal(dir: string, name: string, logger: Logger): void {
  let session: Session | undefined;
  process.on(CPU_PROFILE_SIGNAL, () => {
    void (async () => {
      if (!session) {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        return;
      }
      const running = session;
      session = undefined;
      const { profile } = await running.post('Profiler.stop');
      running.disconnect();
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    })().catch((error: unknown) => logger.error({ err: error }, 'CPU profile failed'));
  });
}

/**
 * Clean-ups that run when the current test file is done, for helpers that keep something for a whole
 * file rather than one test (the MariaDB databases a file's tests take turns on, databases.ts). The
 * integration project's setup file (afterFile.setup.ts) runs them; where no setup file collects them,
 * `afterThisFile` answers false and the helper keeps nothing beyond a test.
 *
 * Kept apart from the helpers so that the setup file, which runs before every file, loads nothing else.
 */
let cleanups: (() => Promise<void>)[] | undefined;

/** Starts collecting this file's clean-ups; the returned function runs them (the setup file's afterAll). */
export function collectAfterFileCleanups(): () => Promise<void> {
  const collected: (() => Promise<void>)[] = [];
  cleanups = collected;
  return async () => {
    cleanups = undefined;
    await Promise.all(collected.map((cleanup) => cleanup()));
  };
}

/** Runs `cleanup` after the current file; false, and nothing registered, when nobody collects clean-ups. */
export function afterThisFile(cleanup: () => Promise<void>): boolean {
  if (!cleanups) return false;
  cleanups.push(cleanup);
  return true;
}

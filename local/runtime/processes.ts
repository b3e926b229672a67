import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../shared/logger';
import { RuntimeConfigError } from './errors';

const RUNTIME_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

/** Catalog functions running one process each, as FC runs each function on its own instances. */
export interface FunctionProcesses {
  /** Base URL of each HTTP-triggered function. */
  readonly urls: Readonly<Record<string, string>>;
  /** Process ids by function (tests and crash drills). */
  readonly pids: Readonly<Record<string, number>>;
  /** SIGKILLs every function process at once, as a machine crash would; resolves once they are gone. */
  kill(): Promise<void>;
  /** SIGTERMs every process (each stops its triggers cleanly) and waits for them to exit. */
  close(): Promise<void>;
}

function spawnOne(functionName: string, env: Record<string, string>, logger: Logger): Promise<{ child: ChildProcess; urls: Record<string, string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNTIME_MAIN], {
    env: { ...process.env, ...env, TXC_RUNTIME_FUNCTIONS: functionName, TXC_RUNTIME_EXIT_WITH: 'stdin' },
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: PROJECT_ROOT,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // a process we gave up on must not live on, serving nobody
      reject(new RuntimeConfigError(`function process '${functionName}' did not become ready in ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new RuntimeConfigError(`function process '${functionName}' exited with ${code} before it was ready`));
    };
    child.once('exit', onExit);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('{"ready":true')) {
        clearTimeout(timer);
        child.off('exit', onExit);
        logger.info({ fn: functionName, pid: child.pid }, 'function process ready');
        resolve({ child, urls: (JSON.parse(line) as { urls: Record<string, string> }).urls });
      } else process.stderr.write(`${line}\n`); // the function's own log lines (stdout stays for results)
    });
  });
}

/**
 * Starts each function in its own runtime process (`local/runtime/main.ts`), with `env` as its
 * environment. Separate processes keep one function's synchronous SQLite lock wait from stalling
 * the others, and let crash drills SIGKILL "the runtime" exactly as a host failure would.
 */
export async function spawnFunctionProcesses(functionNames: readonly string[], env: Record<string, string>, logger: Logger): Promise<FunctionProcesses> {
  const settled = await Promise.allSettled(functionNames.map((name) => spawnOne(name, env, logger)));
  const started = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    started.forEach(({ child }) => child.kill('SIGKILL'));
    throw failure.reason;
  }
  const children = started.map(({ child }) => child);
  const exits = children.map((child) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve()))));
  return {
    urls: Object.assign({}, ...started.map(({ urls }) => urls)),
    pids: Object.fromEntries(functionNames.map((name, index) => [name, children[index]!.pid!])),
    async kill() {
      children.forEach((child) => child.kill('SIGKILL'));
      await Promise.all(exits);
    },
    async close() {
      children.forEach((child) => child.kill('SIGTERM'));
      await Promise.all(exits);
    },
  };
}

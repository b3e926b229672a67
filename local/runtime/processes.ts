import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { catalog } from '../../shared/engines/catalog';
import type { Logger } from '../../shared/logger';
import { RuntimeConfigError } from './errors';
import { HttpFront } from './HttpFront';
import type { FunctionLaunch } from './launch';

/** Whether process `pid` still exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
import { defaultLaunch, prepareLaunch } from './launch';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
/** First restart delay after an unexpected exit; doubles per quick successive crash up to the max. */
export const RESTART_BACKOFF_MIN_MS = 200;
export const RESTART_BACKOFF_MAX_MS = 10_000;
/** A process that stayed up this long has recovered: its next crash restarts after the minimum delay again. */
const RESTART_BACKOFF_RESET_AFTER_MS = 30_000;
/** How long a clean stop waits for a SIGTERMed process before it SIGKILLs it. */
export const STOP_GRACE_MS = 4_000;

/** What the supervisor knows about one function's process (the runtime state a console shows). */
export interface FunctionProcessStatus {
  readonly pid: number | undefined;
  readonly state: 'running' | 'restarting' | 'stopped';
  /** Unexpected exits that were followed by a restart, since the stack started. */
  readonly restarts: number;
  /** The last unexpected exit: its code or signal and when. */
  readonly lastExit?: { readonly code: number | null; readonly signal: string | null; readonly at: string };
  /** A clean stop had to SIGKILL it: it had not exited {@link STOP_GRACE_MS} after SIGTERM. */
  readonly killedAfterGrace?: true;
}

/** Catalog functions running one process each, as FC runs each function on its own instances. */
export interface FunctionProcesses {
  /** Base URL of each HTTP-triggered function: its front in this process, stable across restarts. */
  readonly urls: Readonly<Record<string, string>>;
  /** Process ids by function, of the processes running now (tests and crash drills). */
  readonly pids: Readonly<Record<string, number>>;
  /** Supervision state by function. */
  status(): Record<string, FunctionProcessStatus>;
  /** SIGKILLs every function process at once, as a machine crash would (no restart); resolves once they are gone. */
  kill(): Promise<void>;
  /** SIGTERMs every process (each stops its triggers cleanly), SIGKILLs what is left after {@link STOP_GRACE_MS}. */
  close(): Promise<void>;
}

export interface FunctionProcessesOptions {
  /** The functions' environment (TXC_*). */
  readonly env: Record<string, string>;
  readonly logger: Logger;
  /** How function processes start; @default 'bundle' (prebuilt JavaScript, see launch.ts) unless TXCENTER_LAUNCH=tsx. */
  readonly launch?: FunctionLaunch;
  /** When set, the supervision state is written here as JSON on every change (console, drills). */
  readonly statusFile?: string;
  /**
   * Where the functions' JSON log lines go (`txcenter start` passes its log file, so they stay out of
   * the human progress on the terminal). @default process.stderr
   */
  readonly logStream?: NodeJS.WritableStream;
  /** Public port of each HTTP-triggered function's front (0 or absent = any free port). */
  readonly httpPorts?: Readonly<Record<string, number>>;
  /** Interface the fronts listen on. @default 127.0.0.1 */
  readonly host?: string;
}

interface Started {
  readonly child: ChildProcess;
  readonly urls: Record<string, string>;
}

type ArgsOf = (functionName: string) => string[];

/** How a function process is started and where its output goes; the same for every restart. */
interface Launcher {
  readonly argsOf: ArgsOf;
  readonly logger: Logger;
  readonly logStream: NodeJS.WritableStream;
}

function spawnOne(functionName: string, env: Record<string, string>, { argsOf, logger, logStream }: Launcher): Promise<Started> {
  const child = spawn(process.execPath, argsOf(functionName), {
    // HTTP triggers listen on private ports; callers reach them through the front (HttpFront).
    env: {
      ...process.env,
      ...env,
      TXC_RUNTIME_FUNCTIONS: functionName,
      TXC_RUNTIME_EXIT_WITH: 'stdin',
      TXC_RUNTIME_GATEWAY_PORT: '0',
      TXC_RUNTIME_CONSOLE_PORT: '0',
    },
    // stderr too is piped, not inherited: the runtime's own JSON logs (and a crash's stack trace) go
    // where the stack's logs go, so `txcenter start` keeps them off the terminal.
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: PROJECT_ROOT,
  });
  const lastLines: string[] = []; // named in the error if the process dies before it is ready
  createInterface({ input: child.stderr! }).on('line', (line) => {
    logStream.write(`${line}\n`);
    if (lastLines.push(line) > 3) lastLines.shift();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // a process we gave up on must not live on, serving nobody
      reject(new RuntimeConfigError(`function process '${functionName}' did not become ready in ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      const output = lastLines.length > 0 ? `; its last output: ${lastLines.join(' | ').slice(0, 500)}` : '';
      reject(new RuntimeConfigError(`function process '${functionName}' exited with ${code ?? signal} before it was ready${output}`));
    };
    child.once('exit', onExit);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('{"ready":true')) {
        clearTimeout(timer);
        child.off('exit', onExit);
        logger.info({ function: functionName, pid: child.pid }, 'function process ready');
        resolve({ child, urls: (JSON.parse(line) as { urls: Record<string, string> }).urls });
      } else logStream.write(`${line}\n`); // the function's own log lines (stdout stays for results)
    });
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/**
 * One function's process under supervision, as FC replaces a crashed instance: an unexpected exit is
 * logged with its cause and the process is started again after a backoff. An HTTP function keeps its
 * public port in its front ({@link HttpFront}), which forwards to whichever process runs now.
 * What was in flight fails the way it would on FC: an HTTP caller gets 502 FUNCTION_CRASHED from the
 * front, an MQ batch is not acknowledged so the broker redelivers it, a timer invocation is simply
 * missed until the next tick.
 */
class SupervisedProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarts = 0;
  private backoffMs = RESTART_BACKOFF_MIN_MS;
  private startedAt = 0;
  private lastExit: FunctionProcessStatus['lastExit'];
  private restartTimer: NodeJS.Timeout | undefined;
  private killedAfterGrace = false;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    private readonly launcher: Launcher,
    private readonly changed: () => void,
    /** The public endpoint of an HTTP function; none for MQ and timer functions. */
    readonly front: HttpFront | undefined,
  ) {}

  private get logger(): Logger {
    return this.launcher.logger;
  }

  async start(): Promise<void> {
    const { child, urls } = await spawnOne(this.name, this.env, this.launcher);
    this.adopt(child, urls);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  status(): FunctionProcessStatus {
    return {
      pid: this.child?.pid,
      state: this.stopping ? 'stopped' : this.child ? 'running' : 'restarting',
      restarts: this.restarts,
      ...(this.lastExit ? { lastExit: this.lastExit } : {}),
      ...(this.killedAfterGrace ? { killedAfterGrace: true } : {}),
    };
  }

  private adopt(child: ChildProcess, urls: Record<string, string>): void {
    this.child = child;
    this.startedAt = Date.now();
    const url = urls[this.name];
    if (this.front && url) this.front.serveFrom(url);
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    this.changed();
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.front?.processGone();
    if (this.stopping) return;
    this.lastExit = { code, signal, at: new Date().toISOString() };
    if (Date.now() - this.startedAt >= RESTART_BACKOFF_RESET_AFTER_MS) this.backoffMs = RESTART_BACKOFF_MIN_MS;
    const delayMs = this.backoffMs;
    this.backoffMs = Math.min(RESTART_BACKOFF_MAX_MS, this.backoffMs * 2);
    this.logger.warn(
      { fn: this.name, pid: child.pid, code, signal, restarts: this.restarts + 1, restartInMs: delayMs },
      'function process exited unexpectedly; restarting it',
    );
    this.changed();
    this.restartTimer = setTimeout(() => void this.restart(), delayMs);
  }

  private async restart(): Promise<void> {
    this.restartTimer = undefined;
    if (this.stopping) return;
    this.restarts += 1;
    try {
      const { child, urls } = await spawnOne(this.name, this.env, this.launcher);
      if (this.stopping) {
        child.kill('SIGKILL');
        return;
      }
      this.adopt(child, urls);
    } catch (error) {
      // It crashed again before it was ready (or never got ready): keep trying, slower.
      this.lastExit = { code: null, signal: null, at: new Date().toISOString() };
      this.logger.error({ fn: this.name, err: error, restartInMs: this.backoffMs }, 'function process restart failed; retrying');
      this.changed();
      const delayMs = this.backoffMs;
      this.backoffMs = Math.min(RESTART_BACKOFF_MAX_MS, this.backoffMs * 2);
      this.restartTimer = setTimeout(() => void this.restart(), delayMs);
    }
  }

  /**
   * Stops supervising and ends the process: SIGKILL (a crash: the front cuts every connection too) or
   * SIGTERM then SIGKILL after the grace (the front stops accepting and lets requests in flight finish,
   * which the process also does before it exits).
   */
  async stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const frontClosed = this.front?.close(signal === 'SIGTERM');
    const child = this.child;
    if (child) {
      const gone = exited(child);
      child.kill(signal);
      const grace = setTimeout(() => {
        this.logger.warn({ fn: this.name, pid: child.pid, graceMs: STOP_GRACE_MS }, 'function process ignored SIGTERM; killing it');
        this.killedAfterGrace = true;
        child.kill('SIGKILL');
      }, STOP_GRACE_MS);
      await gone;
      clearTimeout(grace);
      this.child = undefined;
    }
    await frontClosed;
  }
}

/** Writes `content` to `file` so a reader never sees half of it. */
function writeAtomically(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

/**
 * Starts each function in its own supervised runtime process (`local/runtime/main.ts`). Separate
 * processes keep one function's synchronous SQLite lock wait from stalling the others, and let crash
 * drills SIGKILL a function or "the runtime" exactly as a host failure would.
 */
export async function spawnFunctionProcesses(
  functionNames: readonly string[],
  options: FunctionProcessesOptions,
): Promise<FunctionProcesses> {
  const argsOf = await prepareLaunch(functionNames, options.launch ?? defaultLaunch());
  let ready = false;
  const supervised: SupervisedProcess[] = [];
  const status = () => Object.fromEntries(supervised.map((p) => [p.name, p.status()]));
  const changed = () => {
    if (ready && options.statusFile)
      writeAtomically(options.statusFile, `${JSON.stringify({ updatedAt: new Date().toISOString(), functions: status() }, null, 2)}\n`);
  };
  const launcher: Launcher = { argsOf, logger: options.logger, logStream: options.logStream ?? process.stderr };
  const host = options.host ?? '127.0.0.1';
  const isHttp = (name: string) =>
    catalog()
      .function(name)
      ?.triggers.some((trigger) => trigger.type === 'http') ?? false;
  const fronts: HttpFront[] = [];
  try {
    // The public ports first: taken by something else, the stack cannot start, and nothing was spawned.
    for (const name of functionNames.filter(isHttp)) fronts.push(await HttpFront.listen(name, host, options.httpPorts?.[name] ?? 0));
  } catch (error) {
    await Promise.all(fronts.map((front) => front.close(false)));
    throw error;
  }
  const frontOf = (name: string) => fronts.find((front) => front.functionName === name);
  supervised.push(...functionNames.map((name) => new SupervisedProcess(name, options.env, launcher, changed, frontOf(name))));
  const settled = await Promise.allSettled(supervised.map((p) => p.start()));
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(supervised.map((p) => p.stop('SIGKILL')));
    throw failure.reason;
  }
  const urls: Record<string, string> = Object.fromEntries(fronts.map((front) => [front.functionName, front.url]));
  ready = true;
  changed();
  return {
    urls,
    get pids() {
      return Object.fromEntries(supervised.flatMap((p) => (p.pid === undefined ? [] : [[p.name, p.pid]])));
    },
    status,
    async kill() {
      await Promise.all(supervised.map((p) => p.stop('SIGKILL')));
      changed();
    },
    async close() {
      await Promise.all(supervised.map((p) => p.stop('SIGTERM')));
      changed();
    },
  };
}

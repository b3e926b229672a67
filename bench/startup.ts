/**
 * `txcenter bench startup [--runs N] [--json]`: how long a whole local stack takes, as a user starts
 * it (`txcenter start --no-demo` in its own process), from the command to every part ready to serve
 * (broker, trading system, every function process); how long the supervisor takes to bring all
 * function processes back after they were all SIGKILLed at once; and how long the stack takes to stop
 * after SIGTERM. Two ways, alternating so both see the same machine load: `bundle` (prebuilt
 * JavaScript for the command and every function process, the default) and `tsx` (everything
 * compiled from TypeScript on load, as before: `TXCENTER_LAUNCH=tsx`). Prints the medians and ratios.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prebuiltCli } from '../local/cli/prebuiltCli';
import { readFunctionStatuses } from '../local/demo/stack';
import type { FunctionLaunch } from '../local/runtime/launch';
import { LAUNCH_ENV, prepareLaunch } from '../local/runtime/launch';
import { isAlive } from '../local/runtime/processes';
import { catalog } from '../shared/engines/catalog';
import { percentile } from './measure';
import { integerArg } from '../local/cli/args';

const CLI = fileURLToPath(new URL('../bin/txcenter.mjs', import.meta.url));
const DEFAULT_RUNS = 3;
const LAUNCHES: readonly FunctionLaunch[] = ['tsx', 'bundle'];
/** Longest a start (or a recovery) may take before the run is given up. */
const LIMIT_MS = 180_000;
const POLL_MS = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  /** `txcenter start --no-demo` until it prints that it is running. */
  readonly startMs: number;
  /** Every function process SIGKILLed at once until the supervisor has every one running again. */
  readonly recoverMs: number;
  /** SIGTERM until the command and every function process have exited. */
  readonly stopMs: number;
  /** Function processes the stop had to SIGKILL (they ignored SIGTERM for the grace period). */
  readonly killedAfterGrace: number;
}

async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + LIMIT_MS;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`bench startup: ${what} took over ${LIMIT_MS} ms`);
    await sleep(POLL_MS);
  }
}

async function measureOnce(launch: FunctionLaunch): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'txc-bench-startup-'));
  const ports = ['--gateway-port', '--broker-port', '--trading-port', '--console-port', '--alerts-port'].flatMap((option) => [option, '0']);
  const env = { ...process.env, [LAUNCH_ENV]: launch === 'tsx' ? 'tsx' : 'bundle' };
  let child: ChildProcess | undefined;
  try {
    const startedAt = performance.now();
    child = spawn(process.execPath, [CLI, 'start', '--no-demo', '--log-level', 'error', '--data', dataDir, ...ports], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    let exited = false;
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
    const exit = new Promise<void>((resolve) =>
      child!.once('exit', () => {
        exited = true;
        resolve();
      }),
    );
    await until('the stack start', () => output.includes('Press Ctrl+C') || exited);
    if (exited) throw new Error('bench startup: txcenter start exited before it was up');
    const startMs = performance.now() - startedAt;

    const before = readFunctionStatuses(dataDir);
    const killedAt = performance.now();
    for (const fn of Object.values(before)) if (fn.pid) process.kill(fn.pid, 'SIGKILL');
    await until('the recovery of every function process', () => {
      const now = readFunctionStatuses(dataDir);
      return Object.entries(before).every(([name, fn]) => now[name]?.state === 'running' && now[name]?.pid !== fn.pid);
    });
    const recoverMs = performance.now() - killedAt;

    const pids = Object.values(readFunctionStatuses(dataDir)).flatMap((fn) => (fn.pid ? [fn.pid] : []));
    const stoppingAt = performance.now();
    child.kill('SIGTERM');
    await exit;
    await until('every function process to exit', () => !pids.some(isAlive));
    const stopMs = performance.now() - stoppingAt;
    const killedAfterGrace = Object.values(readFunctionStatuses(dataDir)).filter((fn) => fn.killedAfterGrace).length;
    return { startMs, recoverMs, stopMs, killedAfterGrace };
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const fn of Object.values(readFunctionStatuses(dataDir))) if (fn.pid && isAlive(fn.pid)) process.kill(fn.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) =>
  Math.round(
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    ),
  );

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, runs: { type: 'string' } }, strict: true });
  const runs = values.runs ? integerArg('runs', values.runs) : DEFAULT_RUNS;
  const log = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));
  // The bundles are built (or found fresh) once up front, as on any start after the first.
  const buildAt = performance.now();
  await prebuiltCli('cli');
  await prepareLaunch(
    catalog().functions.map((fn) => fn.name),
    'bundle',
  );
  const prepareMs = Math.round(performance.now() - buildAt);
  log(`bundles ready in ${prepareMs} ms (build or cache check); ${runs} runs per launch mode, alternating`);
  const samples: Record<FunctionLaunch, Sample[]> = { tsx: [], bundle: [] };
  for (let index = 0; index < runs; index++) {
    for (const launch of LAUNCHES) {
      const sample = await measureOnce(launch);
      samples[launch].push(sample);
      log(
        `  run ${index + 1} ${launch.padEnd(6)} start ${Math.round(sample.startMs)} ms, all function processes back after SIGKILL ${Math.round(sample.recoverMs)} ms, stop ${Math.round(sample.stopMs)} ms (${sample.killedAfterGrace} SIGKILLed after the grace)`,
      );
    }
  }
  const result = Object.fromEntries(
    LAUNCHES.map((launch) => [
      launch,
      {
        startMs: median(samples[launch].map((s) => s.startMs)),
        recoverMs: median(samples[launch].map((s) => s.recoverMs)),
        stopMs: median(samples[launch].map((s) => s.stopMs)),
        killedAfterGrace: Math.max(...samples[launch].map((s) => s.killedAfterGrace)),
      },
    ]),
  ) as Record<FunctionLaunch, { startMs: number; recoverMs: number; stopMs: number; killedAfterGrace: number }>;
  const report = {
    runs,
    functions: catalog().functions.length,
    prepareMs,
    tsx: result.tsx,
    bundle: result.bundle,
    startSpeedup: Number((result.tsx.startMs / result.bundle.startMs).toFixed(2)),
    recoverSpeedup: Number((result.tsx.recoverMs / result.bundle.recoverMs).toFixed(2)),
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`\nmedian of ${runs} (${report.functions} function processes)   stack start   recovery after SIGKILL   stop`);
    for (const launch of LAUNCHES)
      console.log(
        `  ${launch.padEnd(8)}${String(result[launch].startMs).padStart(26)} ms${String(result[launch].recoverMs).padStart(21)} ms${String(result[launch].stopMs).padStart(8)} ms`,
      );
    console.log(`  speed-up${`${report.startSpeedup}×`.padStart(29)}${`${report.recoverSpeedup}×`.padStart(24)}`);
  }
  return 0;
}

/**
 * `txcenter bench startup`: how long a whole local stack takes to start (broker, trading system and
 * every function process ready to serve) and how long the function processes take to come back
 * after all of them were SIGKILLed (a machine crash), with function processes launched from prebuilt
 * JavaScript bundles (the default) versus compiled from TypeScript by tsx on every start (before).
 * Runs alternate between the two so both see the same machine load; prints the medians and ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startStack } from '../local/demo/stack';
import { PRODUCTION_TIMING } from '../local/demo/timing';
import type { FunctionLaunch } from '../local/runtime/launch';
import { prepareLaunch } from '../local/runtime/launch';
import { catalog } from '../shared/engines/catalog';
import { percentile } from './measure';

const DEFAULT_RUNS = 3;
const LAUNCHES: readonly FunctionLaunch[] = ['tsx', 'bundle'];

interface Sample {
  readonly startMs: number;
  readonly restartMs: number;
}

async function measureOnce(launch: FunctionLaunch): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'txc-bench-startup-'));
  try {
    const startedAt = performance.now();
    const stack = await startStack({
      dataDir,
      ports: { gateway: 0, trading: 0, console: 0, demo: 0, broker: 0 },
      timing: PRODUCTION_TIMING,
      logLevel: 'error',
      functionLaunch: launch,
    });
    const startMs = performance.now() - startedAt;
    try {
      await stack.killRuntime();
      const restartAt = performance.now();
      await stack.restartRuntime();
      return { startMs, restartMs: performance.now() - restartAt };
    } finally {
      await stack.close();
    }
  } finally {
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
  const runs = Number(values.runs ?? DEFAULT_RUNS);
  const log = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));
  // The bundles are built (or found fresh) once up front, as on any start after the first.
  const buildAt = performance.now();
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
        `  run ${index + 1} ${launch.padEnd(6)} stack start ${Math.round(sample.startMs)} ms, function processes back after a crash ${Math.round(sample.restartMs)} ms`,
      );
    }
  }
  const result = Object.fromEntries(
    LAUNCHES.map((launch) => [
      launch,
      { startMs: median(samples[launch].map((s) => s.startMs)), restartMs: median(samples[launch].map((s) => s.restartMs)) },
    ]),
  ) as Record<FunctionLaunch, { startMs: number; restartMs: number }>;
  const report = {
    runs,
    functions: catalog().functions.length,
    prepareMs,
    tsx: result.tsx,
    bundle: result.bundle,
    startSpeedup: Number((result.tsx.startMs / result.bundle.startMs).toFixed(2)),
    restartSpeedup: Number((result.tsx.restartMs / result.bundle.restartMs).toFixed(2)),
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`\nmedian of ${runs} (${report.functions} function processes)   stack start   restart after crash`);
    for (const launch of LAUNCHES)
      console.log(
        `  ${launch.padEnd(8)}${String(result[launch].startMs).padStart(26)} ms${String(result[launch].restartMs).padStart(18)} ms`,
      );
    console.log(`  speed-up${`${report.startSpeedup}×`.padStart(29)}${`${report.restartSpeedup}×`.padStart(21)}`);
  }
  return 0;
}

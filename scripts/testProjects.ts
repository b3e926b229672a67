/**
 * `npm test`: the static checks (type-check, Biome, dependency-cruiser) and the vitest projects
 * (vitest.config.ts) — unit, integration, package, e2e — then one line per step with its wall time, and
 * the coverage of shared/ over every project checked against the thresholds in vitest.config.ts.
 *
 * The steps run in three lanes side by side (LANES): integration and e2e mostly wait (on MariaDB, long
 * polls, leases, their stacks' processes), so on 2 cores the CPU-bound checks and bundling run in that
 * waiting (241 s one after another -> 131 s in lanes, same load). While lanes run, each step's output
 * is held and printed whole when the step ends, so lanes never interleave.
 *
 * Each project writes a blob report with its coverage; `vitest --merge-reports` then merges them into one
 * coverage report (a project alone covers too little of shared/ to be held to the thresholds). Every
 * step runs even when another failed, so one run shows every failure; the exit code is 1 if any step or
 * the coverage check failed.
 *
 * Usage: tsx scripts/testProjects.ts [--no-coverage] [--serial] [project ...]
 *   default: every step, with coverage, in lanes; --serial: one step after another (uncontended times);
 *   naming projects runs only those, one after another, without coverage.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const PROJECTS = ['unit', 'integration', 'package', 'e2e'] as const;
type Project = (typeof PROJECTS)[number];

/** The static checks, by their package.json script (run there alone: `npm run typecheck`, …). */
const CHECKS = ['typecheck', 'lint', 'lint:architecture'] as const;

type StepName = Project | (typeof CHECKS)[number];

/** Steps in a lane run one after another; the lanes run side by side. */
const LANES: StepName[][] = [[...CHECKS, 'package'], ['unit', 'integration'], ['e2e']];

/**
 * Test files run at once, where not vitest's default (one fewer than the cores: 1 here). Integration
 * files mostly wait — on MariaDB, on a broker's long poll or lease, on a child process — so four at a
 * time on 2 cores took the project from 137 s to 42–62 s (docs/testing.md). e2e files mostly wait on
 * their stacks' timers and leases: two at a time, 127 s -> 72 s alone (load 7-15) and 214 s -> 124 s
 * in npm test's lane (load 14-21); three or four were no faster at that load, and seven at once starved
 * the stacks (a gateway did not answer in 5 s).
 * Workers are per vitest run, not per project, hence set here.
 */
const WORKERS: Partial<Record<Project, number>> = { integration: 4, e2e: 2 };

const VITEST = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

interface Command {
  file: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

interface Result {
  step: StepName;
  startMs: number;
  ms: number;
  ok: boolean;
}

/** Runs a command; `held` collects its output to print later instead of passing it through. */
function run({ file, args, env }: Command, held?: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: REPO_ROOT,
      stdio: held ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...env },
    });
    const hold = (chunk: Buffer) => void held?.push(chunk.toString());
    child.stdout?.on('data', hold);
    child.stderr?.on('data', hold);
    child.on('error', (error) => {
      held?.push(`${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Where the projects' coverage goes: `blobs/` (only blob reports, as --merge-reports wants) and a folder per project. */
function commandOf(step: StepName, work: string | undefined): Command {
  if ((CHECKS as readonly string[]).includes(step)) return { file: 'npm', args: ['run', '--silent', step] };
  const args = [VITEST, 'run', '--project', step, '--passWithNoTests'];
  const workers = WORKERS[step as Project];
  if (workers) args.push(`--maxWorkers=${workers}`);
  if (!work) return { file: process.execPath, args };
  args.push('--reporter=default', '--reporter=blob', `--outputFile.blob=${join(work, 'blobs', `${step}.json`)}`, '--coverage.enabled');
  // Its own folder for the coverage files in progress: projects running side by side would share coverage/.tmp.
  args.push(`--coverage.reportsDirectory=${join(work, `coverage-${step}`)}`);
  // One project's coverage is partial: the thresholds apply to the merged report only.
  return { file: process.execPath, args, env: { TXC_COVERAGE_PARTIAL: '1' } };
}

const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

async function runLane(lane: StepName[], work: string | undefined, hold: boolean, started: number): Promise<Result[]> {
  const results: Result[] = [];
  for (const step of lane) {
    const at = performance.now();
    const held: string[] | undefined = hold ? [] : undefined;
    if (hold) console.log(`[${seconds(at - started)}] ${step} started`);
    const status = await run(commandOf(step, work), held);
    const result = { step, startMs: at - started, ms: performance.now() - at, ok: status === 0 };
    if (held) console.log(`\n===== ${step} (${seconds(result.ms)}, ${result.ok ? 'passed' : 'FAILED'}) =====\n${held.join('')}`);
    results.push(result);
  }
  return results;
}

async function main(argv: string[]): Promise<number> {
  const named = argv.filter((arg) => !arg.startsWith('--'));
  // The thresholds hold for the whole suite: a subset of the projects runs without coverage.
  const coverage = !argv.includes('--no-coverage') && named.length === 0;
  const unknown = named.filter((name) => !(PROJECTS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    console.error(`testProjects: unknown project ${unknown.join(', ')} (projects: ${PROJECTS.join(', ')})`);
    return 2;
  }
  const lanes = named.length > 0 ? [named as Project[]] : argv.includes('--serial') ? [LANES.flat()] : LANES;
  const work = coverage ? mkdtempSync(join(tmpdir(), 'txc-vitest-coverage-')) : undefined;
  const started = performance.now();
  try {
    const results = (await Promise.all(lanes.map((lane) => runLane(lane, work, lanes.length > 1, started)))).flat();
    let coverageOk = true;
    let coverageMs = 0;
    if (work) {
      const at = performance.now();
      console.log('\nCoverage of shared/ over every project run above:');
      coverageOk =
        (await run({
          file: process.execPath,
          args: [VITEST, '--merge-reports', join(work, 'blobs'), '--reporter=dot', '--coverage.enabled'],
        })) === 0;
      coverageMs = performance.now() - at;
    }
    console.log(
      `\nSteps (${lanes.length > 1 ? `${lanes.length} lanes side by side: ${lanes.map((lane) => lane.join(' → ')).join(' | ')}` : 'one after another'}):`,
    );
    for (const { step, startMs, ms, ok } of results)
      console.log(`  ${step.padEnd(18)} ${seconds(ms).padStart(9)}  from ${seconds(startMs).padStart(8)}  ${ok ? 'passed' : 'FAILED'}`);
    if (work)
      console.log(
        `  ${'coverage'.padEnd(18)} ${seconds(coverageMs).padStart(9)}  ${' '.repeat(14)}  ${coverageOk ? 'thresholds met' : 'FAILED'}`,
      );
    console.log(`  ${'total'.padEnd(18)} ${seconds(performance.now() - started).padStart(9)}`);
    return results.every((result) => result.ok) && coverageOk ? 0 : 1;
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));

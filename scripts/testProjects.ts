/**
 * `npm test`'s test step: the vitest projects (vitest.config.ts) one after another — unit, integration,
 * package, e2e — each printing its own results, then one line per project with its wall time, and the
 * coverage of shared/ over all of them checked against the thresholds in vitest.config.ts.
 *
 * Each project writes a blob report with its coverage; `vitest --merge-reports` then merges them into one
 * coverage report (a project alone covers too little of shared/ to be held to the thresholds). Every
 * project runs even when an earlier one failed, so one run shows every failure; the exit code is 1 if
 * any project or the coverage check failed.
 *
 * Usage: tsx scripts/testProjects.ts [--no-coverage] [project ...]   (default: every project, with coverage)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const PROJECTS = ['unit', 'integration', 'package', 'e2e'] as const;

/**
 * Test files run at once, where not vitest's default (one fewer than the cores: 1 here). Integration
 * files mostly wait — on MariaDB, on a broker's long poll or lease, on a child process — so four at a
 * time on 2 cores took the project from 137 s to 42–62 s (docs/testing.md). Workers are per vitest run,
 * not per project, hence set here.
 */
const WORKERS: Partial<Record<(typeof PROJECTS)[number], number>> = { integration: 4 };

const VITEST = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

function vitest(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const result = spawnSync(process.execPath, [VITEST, ...args], { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

function main(argv: string[]): number {
  const named = argv.filter((arg) => !arg.startsWith('--'));
  // The thresholds hold for the whole suite: a subset of the projects runs without coverage.
  const coverage = !argv.includes('--no-coverage') && named.length === 0;
  const unknown = named.filter((name) => !(PROJECTS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    console.error(`testProjects: unknown project ${unknown.join(', ')} (projects: ${PROJECTS.join(', ')})`);
    return 2;
  }
  const projects = named.length > 0 ? named : [...PROJECTS];
  const blobs = mkdtempSync(join(tmpdir(), 'txc-vitest-blobs-'));
  const results: { project: string; ms: number; ok: boolean }[] = [];
  const started = performance.now();
  try {
    for (const project of projects) {
      const at = performance.now();
      const args = ['run', '--project', project, '--passWithNoTests'];
      const workers = WORKERS[project as (typeof PROJECTS)[number]];
      if (workers) args.push(`--maxWorkers=${workers}`);
      if (coverage)
        args.push('--reporter=default', '--reporter=blob', `--outputFile.blob=${join(blobs, `${project}.json`)}`, '--coverage.enabled');
      // One project's coverage is partial: the thresholds apply to the merged report only.
      const status = vitest(args, coverage ? { TXC_COVERAGE_PARTIAL: '1' } : {});
      results.push({ project, ms: performance.now() - at, ok: status === 0 });
    }
    let coverageOk = true;
    let coverageMs = 0;
    if (coverage) {
      const at = performance.now();
      console.log('\nCoverage of shared/ over every project run above:');
      coverageOk = vitest(['--merge-reports', blobs, '--reporter=dot', '--coverage.enabled']) === 0;
      coverageMs = performance.now() - at;
    }
    console.log('\nTest projects (one after another):');
    for (const { project, ms, ok } of results)
      console.log(`  ${project.padEnd(12)} ${seconds(ms).padStart(9)}  ${ok ? 'passed' : 'FAILED'}`);
    if (coverage) console.log(`  ${'coverage'.padEnd(12)} ${seconds(coverageMs).padStart(9)}  ${coverageOk ? 'thresholds met' : 'FAILED'}`);
    console.log(`  ${'total'.padEnd(12)} ${seconds(performance.now() - started).padStart(9)}`);
    return results.every((result) => result.ok) && coverageOk ? 0 : 1;
  } finally {
    rmSync(blobs, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));

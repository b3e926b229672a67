/**
 * `txcenter bench coldstart [--json] [--runs N] [--mysql-url URL] [--source-maps]`: per function, the bundle size and
 * the median time, in a fresh `node` process, from `require`-ing the bundle to the handler's answer
 * to a first sample event of its trigger (FC's cold start minus the runtime's own boot). Handlers
 * talk to a real local broker and a scratch database on the given MySQL server (dropped afterwards);
 * an answer that is a well-formed error counts too. `--source-maps` also measures each function with
 * `NODE_OPTIONS=--enable-source-maps` and its map beside it, in the same run (docs/deploying.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startBroker } from '../local/broker';
import { createScratchMysqlDatabase } from '../local/scratchMysqlDatabase';
import { catalog } from '../shared/engines/catalog';
import { buildBundles } from '../scripts/build';
import { invokeInFreshProcess, SAMPLE_CONSOLE_ENV, sampleEvent, samplePrepareEvent } from '../scripts/sampleInvocation';
import { integerArg } from '../local/cli/args';

const DEFAULT_RUNS = 5;
/** The MariaDB the tests use; cloud bundles speak MySQL only. */
const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      runs: { type: 'string', default: String(DEFAULT_RUNS) },
      'mysql-url': { type: 'string', default: DEFAULT_MYSQL_URL },
      'source-maps': { type: 'boolean', default: false },
    },
  });
  const runs = integerArg('runs', values.runs);
  const build = await buildBundles();
  const dataDir = mkdtempSync(join(tmpdir(), 'txc-coldstart-'));
  // A scratch database on that server: the bench never leaves migration state in a shared database.
  const database = await createScratchMysqlDatabase(values['mysql-url'], 'txc_coldstart');
  const broker = await startBroker({ port: 0, dataDir, autoCreate: true });
  const signer = { systemId: 'fund-trading', secret: 'coldstart-bench-secret-0123456789abcdef' };
  const env = {
    TXC_DATABASE_URL: database.url,
    TXC_MQ_ENDPOINT: broker.url,
    TXC_MQ_ACCESS_KEY_ID: 'txcenter-dev',
    TXC_MQ_ACCESS_KEY_SECRET: 'txcenter-dev-secret',
    TXC_SYSTEMS: JSON.stringify([{ id: signer.systemId, secret: signer.secret, checkbackUrl: 'http://127.0.0.1:9/checkback' }]),
    TXC_LOG_LEVEL: 'silent',
    ...SAMPLE_CONSOLE_ENV,
  };
  // `firstPrepareMs` is left out of the JSON (undefined) for every function but tx-gateway.
  const report: Record<
    string,
    {
      bytes: number;
      coldStartMs: number;
      loadMs: number;
      answer: string;
      firstPrepareMs: number | undefined;
      withSourceMapsMs: number | undefined;
    }
  > = {};
  /** Medians over `runs` fresh processes, each answering `eventOf(run)`. */
  const measure = async (file: string, name: string, eventOf: (run: number) => unknown, extraEnv: Record<string, string> = {}) => {
    const totals: number[] = [];
    const loads: number[] = [];
    let answer = '';
    for (let i = 0; i < runs; i += 1) {
      const outcome = await invokeInFreshProcess(file, eventOf(i), name, { ...env, ...extraEnv });
      totals.push(outcome.totalMs);
      loads.push(outcome.loadMs);
      answer = outcome.ok ? JSON.stringify(outcome.result).slice(0, 60) : `error ${outcome.error.code ?? outcome.error.name}`;
    }
    return { coldStartMs: Math.round(median(totals) * 10) / 10, loadMs: Math.round(median(loads) * 10) / 10, answer };
  };
  try {
    for (const bundle of build.bundles) {
      const fn = catalog().function(bundle.name)!;
      const { event } = sampleEvent(catalog(), fn, signer);
      const sample = await measure(bundle.file, fn.name, () => event);
      // The gateway's first real call: a prepare (MySQL writes + the MQ SDK's first half-message publish).
      const batch = Date.now();
      const prepare =
        fn.name === 'tx-gateway'
          ? await measure(bundle.file, fn.name, (run) => samplePrepareEvent(catalog(), signer, `coldstart-${batch}-${run}`))
          : undefined;
      const withSourceMaps = values['source-maps']
        ? await measure(bundle.file, fn.name, () => event, { NODE_OPTIONS: '--enable-source-maps' })
        : undefined;
      report[bundle.name] = {
        bytes: bundle.bytes,
        ...sample,
        firstPrepareMs: prepare?.coldStartMs,
        withSourceMapsMs: withSourceMaps?.coldStartMs,
      };
    }
  } finally {
    await broker.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (values.json) {
    console.log(
      JSON.stringify(
        Object.fromEntries(
          Object.entries(report).map(([name, r]) => [
            name,
            { bytes: r.bytes, coldStartMs: r.coldStartMs, firstPrepareMs: r.firstPrepareMs, withSourceMapsMs: r.withSourceMapsMs },
          ]),
        ),
        null,
        2,
      ),
    );
  } else {
    console.log(`cold start, median of ${runs} fresh processes (require + first answer; node ${process.version}):`);
    for (const [name, r] of Object.entries(report)) {
      console.log(
        `  ${name.padEnd(24)} ${(r.bytes / 1024).toFixed(1).padStart(7)} KB  load ${r.loadMs.toFixed(1).padStart(6)} ms  first answer ${r.coldStartMs.toFixed(1).padStart(6)} ms  (${r.answer})`,
      );
      if (r.withSourceMapsMs !== undefined)
        console.log(
          `  ${''.padEnd(24)} ${''.padStart(7)}     ${''.padStart(14)}  with source maps ${r.withSourceMapsMs.toFixed(1).padStart(6)} ms  (--enable-source-maps, +${(r.withSourceMapsMs - r.coldStartMs).toFixed(1)} ms)`,
        );
      if (r.firstPrepareMs !== undefined)
        console.log(
          `  ${''.padEnd(24)} ${''.padStart(7)}     ${''.padStart(14)}  first prepare ${r.firstPrepareMs.toFixed(1).padStart(5)} ms  (signed POST /v1/transactions)`,
        );
    }
  }
  if (build.missing.length > 0) console.error(`not built (no handler yet): ${build.missing.join(', ')}`);
  return 0;
}

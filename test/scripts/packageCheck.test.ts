import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../local/broker';
import { startBroker } from '../../local/broker';
import { catalog } from '../../shared/engines/catalog';
import { REPLAY_PROPERTIES } from '../../shared/engines/consumer/types';
import type { BuildResult } from '../../scripts/build';
import { buildBundles, REPO_ROOT } from '../../scripts/build';
import { functionZip } from '../../scripts/deploy';
import { FUNCTION_CONFIG_SCHEMAS, settingsOf } from '../../scripts/functionSettings';
import { invokeInFreshProcess, SAMPLE_CONSOLE_ENV, sampleEvent } from '../../scripts/sampleInvocation';
import { createScratchMysqlDatabase } from '../../local/scratchMysqlDatabase';
import { MYSQL_TEST_URL, mysqlUnavailableReason } from '../helpers/databases';

/**
 * The package check: build, zip each function as `npm run deploy` does, unzip, then require each handler
 * from its unzipped package in a clean Node process and invoke it once with a sample event of its trigger.
 * Handlers get the real local broker and the MariaDB test database (cloud bundles have no SQLite);
 * with both reachable every handler must succeed; without MySQL the answer must still be well-formed
 * (an HTTP error body or a typed error).
 */
/** `TXC_…` names that are not settings: the catalog's topic names and the replay message properties. */
const NOT_SETTINGS = new Set([...catalog().topics.map((topic) => topic.name), ...Object.values(REPLAY_PROPERTIES)]);

const workDir = mkdtempSync(join(tmpdir(), 'txc-package-'));
const unzipped = join(workDir, 'code');
let build: BuildResult;
let broker: RunningBroker;
const zipEntries: Record<string, string[]> = {};
let mysqlMissing: string | undefined;
/** The handlers' own database: fresh per run, so no earlier run's schema leaks in. */
let functionDatabase: { url: string; drop(): Promise<void> } | undefined;

beforeAll(async () => {
  build = await buildBundles();
  // The packages `npm run deploy` uploads: one zip per function, unzipped each into its own folder.
  for (const bundle of build.bundles) {
    const files = unzipSync(functionZip(join(REPO_ROOT, 'dist'), bundle.name));
    zipEntries[bundle.name] = Object.keys(files);
    for (const [entry, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(unzipped, bundle.name, entry)), { recursive: true });
      writeFileSync(join(unzipped, bundle.name, entry), bytes);
    }
  }
  broker = await startBroker({ port: 0, dataDir: join(workDir, 'broker'), autoCreate: true });
  mysqlMissing = await mysqlUnavailableReason();
  if (!mysqlMissing) functionDatabase = await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_pkg');
  if (mysqlMissing) console.warn(`${mysqlMissing}: packaged handlers are only checked to fail well-formed`);
}, 180_000);

afterAll(async () => {
  await broker?.close();
  await functionDatabase?.drop();
  rmSync(workDir, { recursive: true, force: true });
});

/** The business system sample HTTP requests are signed as; it is in the functions' TXC_SYSTEMS. */
const SIGNER = { systemId: 'fund-trading', secret: 'package-check-secret-0123456789abcdef' };

const functionEnv = () => ({
  TXC_DATABASE_URL: functionDatabase?.url ?? MYSQL_TEST_URL,
  TXC_MQ_ENDPOINT: broker.url,
  TXC_MQ_ACCESS_KEY_ID: 'txcenter-dev',
  TXC_MQ_ACCESS_KEY_SECRET: 'txcenter-dev-secret',
  TXC_SYSTEMS: JSON.stringify([{ id: SIGNER.systemId, secret: SIGNER.secret, checkbackUrl: 'http://127.0.0.1:9/checkback' }]),
  TXC_LOG_LEVEL: 'silent',
  ...SAMPLE_CONSOLE_ENV,
});

describe('the deploy packages', () => {
  it('are one zip per function holding only its bundle and the CommonJS marker', () => {
    for (const bundle of build.bundles)
      expect(zipEntries[bundle.name]!.sort()).toEqual(['dist/package.json', `dist/${bundle.name}.js`].sort());
  });

  it('hold no native SQLite driver', () => {
    for (const bundle of build.bundles)
      expect(readFileSync(join(unzipped, bundle.name, 'dist', `${bundle.name}.js`), 'utf8')).not.toContain('better-sqlite3');
  });

  // Here, where the bundles are built anyway (a build costs ≈ 5 s): the settings table must know them.
  it('declare in their function’s schema every TXC_ setting their bundle reads, and read every one declared (else it could not be deployed)', () => {
    expect(build.bundles.map((bundle) => bundle.name).sort()).toEqual(Object.keys(FUNCTION_CONFIG_SCHEMAS).sort());
    for (const bundle of build.bundles) {
      const named = new Set(readFileSync(bundle.file, 'utf8').match(/\bTXC_[A-Z0-9_]+\b/g) ?? []);
      const undeclared = [...named].filter((name) => !NOT_SETTINGS.has(name) && !settingsOf(bundle.name).includes(name));
      expect({ fn: bundle.name, undeclared }).toEqual({ fn: bundle.name, undeclared: [] });
      // And the scan sees the settings: every declared name is in the bundle.
      expect(settingsOf(bundle.name).filter((name) => !named.has(name))).toEqual([]);
    }
  });
});

describe.each(catalog().functions.map((fn) => [fn.name, fn] as const))('packaged %s', (name, fn) => {
  it('answers a sample event of its trigger in a clean Node process', async () => {
    const file = join(unzipped, name, 'dist', `${name}.js`);
    if (!existsSync(file)) throw new Error(`functions/${name}/handler.ts does not exist yet, so dist/${name}.js is not in the package`);
    const { kind, event } = sampleEvent(catalog(), fn, SIGNER);
    const outcome = await invokeInFreshProcess(file, event, name, functionEnv());
    const failure = outcome.ok ? undefined : `${outcome.error.code ?? outcome.error.name}: ${outcome.error.message}`;
    if (kind === 'http') {
      // The HTTP adapter never throws: every outcome is an FC 3.0 response with a JSON error body on failure.
      expect(outcome.ok).toBe(true);
      const response = (outcome as { result: { statusCode: number; body: string } }).result;
      expect(response.statusCode).toBeGreaterThanOrEqual(200);
      expect(response.statusCode).toBeLessThan(600);
      if (response.statusCode >= 400)
        expect(JSON.parse(response.body)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      // With its dependencies up, the signed status query (tx-gateway) or the operator's detail query
      // (tx-console) passes authentication and reads the store: the sample transaction does not exist.
      if (!mysqlMissing) expect(response.statusCode, response.body).toBe(404);
    } else if (!mysqlMissing) {
      expect(failure).toBeUndefined();
    } else if (!outcome.ok) {
      // A refused invocation must be a typed error (FC then retries), never a load failure.
      expect(outcome.error).toMatchObject({ code: expect.stringMatching(/^[A-Za-z_]+$/) });
    }
  });
});

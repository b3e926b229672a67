/**
 * `npm run deploy [-- --dry-run]`: creates or updates the FC service, every function and every trigger
 * (HTTP, timer, RocketMQ via EventBridge) described by serverless.yml, through @alicloud/fc2. Re-running
 * converges to the same state: each resource is read first, then created or updated.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { catalog } from '../shared/catalog';
import { TxcError } from '../shared/errors';
import { REPO_ROOT } from './build';
import type { DeploySettings } from './config';
import { offlineServerlessEnv, readDeploySettings } from './config';
import type { DeployPlan } from './deployPlan';
import { deployPlan, describePlan, missingSettings } from './deployPlan';
import type { ServerlessConfig } from './serverlessConfig';
import { catalogDrift, serverlessConfigSchema } from './serverlessConfig';

const run = promisify(execFile);
/** `serverless print/package` start in 5–10 s; a minute means something hangs (e.g. a network call). */
const SERVERLESS_TIMEOUT_MS = 120_000;
const FC_REQUEST_TIMEOUT_MS = 60_000;

/** Deployment cannot proceed; the message says what to fix. */
export class DeployError extends TxcError {
  override readonly name = 'DeployError';
  constructor(code: 'DEPLOY_DRIFT' | 'DEPLOY_SETTINGS_MISSING' | 'DEPLOY_BUNDLES_MISSING' | 'DEPLOY_TRIGGER_TYPE_CHANGED' | 'DEPLOY_CONFIG_INVALID', message: string) {
    super(code, message);
  }
}

/** The subset of the @alicloud/fc2 client deployment uses (its methods resolve `{headers, data}`). */
export interface FcApi {
  getService(serviceName: string): Promise<unknown>;
  createService(serviceName: string, options: object): Promise<unknown>;
  updateService(serviceName: string, options: object): Promise<unknown>;
  getFunction(serviceName: string, functionName: string): Promise<unknown>;
  createFunction(serviceName: string, options: object): Promise<unknown>;
  updateFunction(serviceName: string, functionName: string, options: object): Promise<unknown>;
  getTrigger(serviceName: string, functionName: string, triggerName: string): Promise<{ data: { triggerType?: string } }>;
  createTrigger(serviceName: string, functionName: string, options: object): Promise<unknown>;
  updateTrigger(serviceName: string, functionName: string, triggerName: string, options: object): Promise<unknown>;
}

/** The fc2 client for these settings. */
export function fcClient(settings: DeploySettings, region: string): FcApi {
  const FC = createRequire(import.meta.url)('@alicloud/fc2') as new (accountId: string, options: object) => FcApi;
  return new FC(settings.ALIBABA_CLOUD_ACCOUNT_ID, {
    accessKeyID: settings.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: settings.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    securityToken: settings.ALIBABA_CLOUD_SECURITY_TOKEN,
    region,
    secure: true,
    endpoint: settings.TXC_FC_ENDPOINT,
    timeout: FC_REQUEST_TIMEOUT_MS,
  });
}

const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['ServiceNotFound', 'FunctionNotFound', 'TriggerNotFound']);

/** Reads a resource; undefined when FC says it does not exist, other failures propagate. */
async function existing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (NOT_FOUND_CODES.has((error as { code?: string }).code ?? '')) return undefined;
    throw error;
  }
}

export interface DeployAction {
  readonly resource: string;
  readonly action: 'created' | 'updated';
}

/**
 * Applies the plan: service, then functions (with the package as code), then triggers, because each
 * needs its parent. Every step is read-then-create-or-update, so a failed run can simply be repeated.
 * @throws DeployError when an existing trigger has another type (FC cannot change it in place).
 */
export async function applyPlan(api: FcApi, plan: DeployPlan, zipFile: Buffer, log: (line: string) => void = console.log): Promise<DeployAction[]> {
  const actions: DeployAction[] = [];
  const record = (resource: string, action: DeployAction['action']) => {
    actions.push({ resource, action });
    log(`${action.padEnd(7)} ${resource}`);
  };
  const service = plan.serviceName;
  if (await existing(() => api.getService(service))) {
    await api.updateService(service, plan.service);
    record(`service ${service}`, 'updated');
  } else {
    await api.createService(service, plan.service);
    record(`service ${service}`, 'created');
  }
  const code = { zipFile: zipFile.toString('base64') };
  for (const fn of plan.functions) {
    if (await existing(() => api.getFunction(service, fn.functionName))) {
      const { functionName, ...update } = fn;
      await api.updateFunction(service, functionName, { ...update, code });
      record(`function ${service}/${functionName}`, 'updated');
    } else {
      await api.createFunction(service, { ...fn, code });
      record(`function ${service}/${fn.functionName}`, 'created');
    }
  }
  for (const trigger of plan.triggers) {
    const name = `trigger ${service}/${trigger.functionName}/${trigger.triggerName}`;
    const current = await existing(() => api.getTrigger(service, trigger.functionName, trigger.triggerName));
    if (current) {
      if (current.data.triggerType !== trigger.triggerType) {
        throw new DeployError('DEPLOY_TRIGGER_TYPE_CHANGED', `${name} exists as '${current.data.triggerType}', not '${trigger.triggerType}': delete it in the console, then deploy again`);
      }
      await api.updateTrigger(service, trigger.functionName, trigger.triggerName, { triggerConfig: trigger.triggerConfig });
      record(name, 'updated');
    } else {
      const { functionName, ...create } = trigger;
      await api.createTrigger(service, functionName, create);
      record(name, 'created');
    }
  }
  return actions;
}

function serverlessBin(root: string): string {
  return join(root, 'node_modules', 'serverless', 'bin', 'serverless.js');
}

/** `serverless print --format json`, validated and checked against the catalog. @throws DeployError */
export async function loadServerlessConfig(root = REPO_ROOT, env: Record<string, string> = {}): Promise<ServerlessConfig> {
  const { stdout } = await run(process.execPath, [serverlessBin(root), 'print', '--format', 'json'], { cwd: root, env: offlineServerlessEnv(env), timeout: SERVERLESS_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  const parsed = serverlessConfigSchema.safeParse(JSON.parse(stdout.slice(stdout.indexOf('{'))));
  if (!parsed.success) throw new DeployError('DEPLOY_CONFIG_INVALID', `serverless.yml: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const drift = catalogDrift(parsed.data, catalog());
  if (drift.length > 0) throw new DeployError('DEPLOY_DRIFT', `serverless.yml disagrees with the catalog:\n  ${drift.join('\n  ')}`);
  return parsed.data;
}

/**
 * `serverless package` with a throw-away credentials file (packaging only names things after the
 * account id), yielding `.serverless/<service>.zip`.
 */
export async function packageService(root: string, accountId: string, service = 'txcenter'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'txc-sls-'));
  const credentials = join(dir, 'credentials.ini');
  writeFileSync(credentials, `[default]\naliyun_account_id = ${accountId}\naliyun_access_key_id = unused-for-packaging\naliyun_access_key_secret = unused-for-packaging\n`);
  try {
    await run(process.execPath, [serverlessBin(root), 'package'], { cwd: root, env: offlineServerlessEnv({ TXC_SLS_CREDENTIALS: credentials }), timeout: SERVERLESS_TIMEOUT_MS });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return join(root, '.serverless', `${service}.zip`);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean', default: false } } });
  const config = await loadServerlessConfig();
  const plan = deployPlan(config);
  const missing = missingSettings(config);
  const bundles = plan.functions.map((fn) => join(REPO_ROOT, 'dist', `${fn.functionName}.js`)).filter((file) => !existsSync(file));
  if (values['dry-run']) {
    console.log(describePlan(plan));
    if (missing.length > 0) console.error(`missing settings (a real deploy refuses them): ${missing.join(', ')}`);
    if (bundles.length > 0) console.error(`missing bundles (run npm run build): ${bundles.join(', ')}`);
    return 0;
  }
  if (missing.length > 0) throw new DeployError('DEPLOY_SETTINGS_MISSING', `set these environment variables before deploying: ${missing.join(', ')}`);
  if (bundles.length > 0) throw new DeployError('DEPLOY_BUNDLES_MISSING', `run npm run build first; missing: ${bundles.join(', ')}`);
  const settings = readDeploySettings();
  const zip = await packageService(REPO_ROOT, settings.ALIBABA_CLOUD_ACCOUNT_ID, config.service);
  await applyPlan(fcClient(settings, config.provider.region), plan, readFileSync(zip));
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: Error & { code?: string }) => {
      console.error(`deploy failed${error.code ? ` [${error.code}]` : ''}: ${error.message}`);
      process.exitCode = 1;
    },
  );
}

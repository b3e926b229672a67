/**
 * `npm run deploy -- [--stage S] [--settings FILE] [--dry-run] [--publish] [--rollback [V]] [--prune]`:
 * creates or updates the FC service `txcenter-<stage>` (VPC, SLS logs, role), every catalog function
 * (one zip each, holding only its bundle) and every trigger (HTTP, timer, RocketMQ via EventBridge),
 * through @alicloud/fc2. Re-running converges: each resource is read first, then created or updated.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { zipSync } from 'fflate';
import { catalog } from '../shared/engines/catalog';
import { TxcError } from '../shared/errors';
import { brokerCommands } from './brokerCommands';
import { buildBundles, REPO_ROOT } from './build';
import type { DeploySettings } from './config';
import { credentialProblems, functionSettingValues, offlineServerlessEnv, readDeploySettings, readStageEnvironment } from './config';
import type { DeployPlan } from './deployPlan';
import { deployPlan, describePlan, LIVE_ALIAS, maskSecrets, planProblems } from './deployPlan';
import { settingsTableMarkdown } from './functionSettings';
import type { ServerlessConfig } from './serverlessConfig';
import { catalogDrift, serverlessConfigSchema } from './serverlessConfig';

const run = promisify(execFile);
/** `serverless print` starts in 5–10 s; two minutes means something hangs (e.g. a network call). */
const SERVERLESS_TIMEOUT_MS = 120_000;
const FC_REQUEST_TIMEOUT_MS = 60_000;
/** One page of FC list calls; a txcenter service has a dozen functions and a few triggers each. */
const LIST_LIMIT = 100;

/** Deployment cannot proceed; the message says what to fix. */
export class DeployError extends TxcError {
  override readonly name = 'DeployError';
  constructor(code: 'DEPLOY_DRIFT' | 'DEPLOY_TRIGGER_TYPE_CHANGED' | 'DEPLOY_CONFIG_INVALID' | 'DEPLOY_NO_RELEASE', message: string) {
    super(code, message);
  }
}

/** FC answers `{headers, data}`; these are the parts of `data` deployment reads. */
interface Answer<T> {
  data: T;
}
type TriggerData = { triggerName?: string; triggerType?: string; qualifier?: string; triggerConfig?: unknown };

/** The subset of the @alicloud/fc2 client deployment uses. */
export interface FcApi {
  getService(serviceName: string): Promise<Answer<Record<string, unknown>>>;
  createService(serviceName: string, options: object): Promise<unknown>;
  updateService(serviceName: string, options: object): Promise<unknown>;
  getFunction(serviceName: string, functionName: string): Promise<Answer<Record<string, unknown>>>;
  listFunctions(serviceName: string, options: object): Promise<Answer<{ functions?: { functionName: string }[] }>>;
  createFunction(serviceName: string, options: object): Promise<unknown>;
  updateFunction(serviceName: string, functionName: string, options: object): Promise<unknown>;
  deleteFunction(serviceName: string, functionName: string): Promise<unknown>;
  getTrigger(serviceName: string, functionName: string, triggerName: string): Promise<Answer<TriggerData>>;
  listTriggers(serviceName: string, functionName: string, options: object): Promise<Answer<{ triggers?: TriggerData[] }>>;
  createTrigger(serviceName: string, functionName: string, options: object): Promise<unknown>;
  updateTrigger(serviceName: string, functionName: string, triggerName: string, options: object): Promise<unknown>;
  deleteTrigger(serviceName: string, functionName: string, triggerName: string): Promise<unknown>;
  publishVersion(serviceName: string, description: string): Promise<Answer<{ versionId: string }>>;
  listVersions(serviceName: string, options: object): Promise<Answer<{ versions?: { versionId: string }[] }>>;
  getAlias(serviceName: string, aliasName: string): Promise<Answer<{ versionId: string }>>;
  createAlias(serviceName: string, aliasName: string, versionId: string, options?: object): Promise<unknown>;
  updateAlias(serviceName: string, aliasName: string, versionId: string, options?: object): Promise<unknown>;
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

const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['ServiceNotFound', 'FunctionNotFound', 'TriggerNotFound', 'AliasNotFound']);

/** Reads a resource; undefined when FC says it does not exist, other failures propagate. */
async function existing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (NOT_FOUND_CODES.has((error as { code?: string }).code ?? '')) return undefined;
    throw error;
  }
}

/**
 * One function's code package: its bundle and the `{"type":"commonjs"}` marker beside it, nothing
 * else (no other function's bundle; no source map, see docs/deploying.md "Lean packages").
 */
export function functionZip(distDir: string, functionName: string): Buffer {
  const files = {
    [`dist/${functionName}.js`]: readFileSync(join(distDir, `${functionName}.js`)),
    'dist/package.json': readFileSync(join(distDir, 'package.json')),
  };
  // A fixed timestamp: the same bundle gives the same zip, so FC's code checksum only changes with the code.
  return Buffer.from(zipSync(files, { level: 9, mtime: new Date('2020-01-01T00:00:00Z') }));
}

export interface DeployAction {
  readonly resource: string;
  readonly action: 'created' | 'updated' | 'deleted' | 'published' | 'moved';
}

export interface ApplyOptions {
  /** Publish a version of what was just deployed and point the `live` alias at it. */
  readonly publish?: boolean;
  readonly log?: (line: string) => void;
}

/**
 * Applies the plan: service, then functions (each with its own zip), then — with `publish` — a new
 * version and the `live` alias, then triggers, because each needs what comes before it. Triggers
 * are bound to `live` once it exists, so a deploy without `--publish` updates LATEST without changing
 * what production runs. Every step is read-then-create-or-update, so a failed run can be repeated.
 * @throws DeployError when an existing trigger has another type (FC cannot change it in place).
 */
export async function applyPlan(
  api: FcApi,
  plan: DeployPlan,
  zips: ReadonlyMap<string, Buffer>,
  options: ApplyOptions = {},
): Promise<DeployAction[]> {
  const log = options.log ?? console.log;
  const actions: DeployAction[] = [];
  const record = (resource: string, action: DeployAction['action']) => {
    actions.push({ resource, action });
    log(`${action.padEnd(9)} ${resource}`);
  };
  const service = plan.serviceName;
  if (await existing(() => api.getService(service))) {
    await api.updateService(service, plan.service);
    record(`service ${service}`, 'updated');
  } else {
    await api.createService(service, plan.service);
    record(`service ${service}`, 'created');
  }
  for (const fn of plan.functions) {
    const zip = zips.get(fn.functionName);
    if (!zip) throw new DeployError('DEPLOY_CONFIG_INVALID', `no package for function ${fn.functionName}`);
    const code = { zipFile: zip.toString('base64') };
    if (await existing(() => api.getFunction(service, fn.functionName))) {
      const { functionName, ...update } = fn;
      await api.updateFunction(service, functionName, { ...update, code });
      record(`function ${service}/${functionName}`, 'updated');
    } else {
      await api.createFunction(service, { ...fn, code });
      record(`function ${service}/${fn.functionName}`, 'created');
    }
  }
  let aliasExists = (await existing(() => api.getAlias(service, LIVE_ALIAS))) !== undefined;
  if (options.publish) {
    const { data } = await api.publishVersion(service, `txcenter ${new Date().toISOString()}`);
    record(`version ${service}/${data.versionId}`, 'published');
    if (aliasExists) await api.updateAlias(service, LIVE_ALIAS, data.versionId);
    else await api.createAlias(service, LIVE_ALIAS, data.versionId);
    record(`alias ${service}/${LIVE_ALIAS} -> ${data.versionId}`, aliasExists ? 'moved' : 'created');
    aliasExists = true;
  } else if (aliasExists) {
    log(`LATEST updated; ${LIVE_ALIAS} still serves its version: deploy with --publish to release`);
  }
  const qualifier = aliasExists ? { qualifier: LIVE_ALIAS } : {};
  for (const trigger of plan.triggers) {
    const name = `trigger ${service}/${trigger.functionName}/${trigger.triggerName}`;
    const current = await existing(() => api.getTrigger(service, trigger.functionName, trigger.triggerName));
    if (current) {
      if (current.data.triggerType !== trigger.triggerType) {
        throw new DeployError(
          'DEPLOY_TRIGGER_TYPE_CHANGED',
          `${name} exists as '${current.data.triggerType}', not '${trigger.triggerType}': delete it (npm run deploy -- --prune after removing it, or the console), then deploy again`,
        );
      }
      await api.updateTrigger(service, trigger.functionName, trigger.triggerName, { triggerConfig: trigger.triggerConfig, ...qualifier });
      record(name, 'updated');
    } else {
      const { functionName, ...create } = trigger;
      await api.createTrigger(service, functionName, { ...create, ...qualifier });
      record(name, 'created');
    }
  }
  return actions;
}

/** Points `live` at `version`, or at the newest version older than the one it serves. @throws DeployError */
export async function rollback(api: FcApi, service: string, version?: string, log: (line: string) => void = console.log): Promise<string> {
  const alias = await existing(() => api.getAlias(service, LIVE_ALIAS));
  if (!alias)
    throw new DeployError(
      'DEPLOY_NO_RELEASE',
      `${service} has no '${LIVE_ALIAS}' alias: nothing was published (deploy with --publish first)`,
    );
  const current = alias.data.versionId;
  const { data } = await api.listVersions(service, { limit: LIST_LIMIT });
  const versions = (data.versions ?? []).map((v) => v.versionId);
  const target = version ?? versions.filter((v) => Number(v) < Number(current)).sort((a, b) => Number(b) - Number(a))[0];
  if (!target || !versions.includes(target)) {
    throw new DeployError(
      'DEPLOY_NO_RELEASE',
      version
        ? `${service} has no version ${version} (versions: ${versions.join(', ')})`
        : `${service}: '${LIVE_ALIAS}' serves version ${current}, and there is no older version to go back to`,
    );
  }
  await api.updateAlias(service, LIVE_ALIAS, target);
  log(`moved     alias ${service}/${LIVE_ALIAS}: ${current} -> ${target}`);
  return target;
}

export interface PruneCandidate {
  readonly functionName: string;
  /** Absent: the whole function (its triggers listed separately first). */
  readonly triggerName?: string;
}

/** Triggers and functions that exist in the service but not in the plan, triggers first (read-only). */
export async function pruneCandidates(api: FcApi, plan: DeployPlan): Promise<PruneCandidate[]> {
  const service = plan.serviceName;
  if (!(await existing(() => api.getService(service)))) return [];
  const { data } = await api.listFunctions(service, { limit: LIST_LIMIT });
  const triggers: PruneCandidate[] = [];
  const functions: PruneCandidate[] = [];
  for (const { functionName } of data.functions ?? []) {
    const planned = plan.functions.some((fn) => fn.functionName === functionName);
    const listed = await api.listTriggers(service, functionName, { limit: LIST_LIMIT });
    for (const trigger of listed.data.triggers ?? []) {
      const keep = plan.triggers.some((t) => t.functionName === functionName && t.triggerName === trigger.triggerName);
      if (!planned || !keep) triggers.push({ functionName, triggerName: String(trigger.triggerName) });
    }
    if (!planned) functions.push({ functionName });
  }
  return [...triggers, ...functions];
}

export function describeCandidate(service: string, candidate: PruneCandidate): string {
  return candidate.triggerName
    ? `trigger ${service}/${candidate.functionName}/${candidate.triggerName}`
    : `function ${service}/${candidate.functionName}`;
}

/** Deletes what {@link pruneCandidates} found (triggers before their functions, as FC requires). */
export async function prune(
  api: FcApi,
  service: string,
  candidates: readonly PruneCandidate[],
  log: (line: string) => void = console.log,
): Promise<void> {
  for (const candidate of candidates) {
    if (candidate.triggerName) await api.deleteTrigger(service, candidate.functionName, candidate.triggerName);
    else await api.deleteFunction(service, candidate.functionName);
    log(`deleted   ${describeCandidate(service, candidate)}`);
  }
}

const canonical = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/** The fields of `wanted` whose value differs in `live` (only fields the plan sets are compared). */
function changedFields(wanted: Record<string, unknown>, live: Record<string, unknown>): string[] {
  return Object.keys(wanted).filter((key) => canonical(wanted[key]) !== canonical(live[key]));
}

/**
 * What a deploy would change, read from FC with read-only calls: `+` create, `~` update (naming the
 * fields, and only the names of changed settings), `-` delete with `--prune`. Secrets never printed.
 */
export async function liveDiff(api: FcApi, plan: DeployPlan): Promise<string[]> {
  const service = plan.serviceName;
  const lines: string[] = [];
  const liveService = await existing(() => api.getService(service));
  if (!liveService) return [`+ service ${service} and everything in it (nothing deployed yet)`];
  const serviceChanges = changedFields(plan.service, liveService.data);
  lines.push(serviceChanges.length > 0 ? `~ service ${service}: ${serviceChanges.join(', ')}` : `= service ${service}`);
  for (const fn of plan.functions) {
    const live = await existing(() => api.getFunction(service, fn.functionName));
    if (!live) {
      lines.push(`+ function ${fn.functionName}`);
      continue;
    }
    const { environmentVariables, functionName: _name, ...rest } = fn;
    const liveEnv = (live.data.environmentVariables ?? {}) as Record<string, string>;
    const settings = [...new Set([...Object.keys(environmentVariables), ...Object.keys(liveEnv)])].filter(
      (name) => environmentVariables[name] !== liveEnv[name],
    );
    const changes = [
      ...changedFields(rest, live.data),
      ...settings.map(
        (name) => `${name} ${liveEnv[name] === undefined ? 'added' : environmentVariables[name] === undefined ? 'removed' : 'changed'}`,
      ),
    ];
    lines.push(
      `${changes.length > 0 ? '~' : '='} function ${fn.functionName}${changes.length > 0 ? `: ${changes.join(', ')}` : ''} (code: uploaded on every deploy)`,
    );
  }
  for (const trigger of plan.triggers) {
    const live = await existing(() => api.getTrigger(service, trigger.functionName, trigger.triggerName));
    const name = `trigger ${trigger.functionName}/${trigger.triggerName}`;
    if (!live) lines.push(`+ ${name}`);
    else if (live.data.triggerType !== trigger.triggerType)
      lines.push(`! ${name} exists as '${live.data.triggerType}': the deploy will stop here`);
    else
      lines.push(
        `${canonical(live.data.triggerConfig) === canonical(trigger.triggerConfig) ? '=' : '~'} ${name}${live.data.qualifier ? ` (on ${live.data.qualifier})` : ''}`,
      );
  }
  const alias = await existing(() => api.getAlias(service, LIVE_ALIAS));
  lines.push(
    alias
      ? `  ${LIVE_ALIAS} serves version ${alias.data.versionId}`
      : `  no '${LIVE_ALIAS}' alias yet: triggers run LATEST until --publish`,
  );
  for (const candidate of await pruneCandidates(api, plan))
    lines.push(`- ${describeCandidate(service, candidate)} (not in the catalog; deleted with --prune)`);
  return lines;
}

function serverlessBin(root: string): string {
  return join(root, 'node_modules', 'serverless', 'bin', 'serverless.js');
}

/** `serverless print --format json` for `stage`, validated and checked against the catalog. @throws DeployError */
export async function loadServerlessConfig(root = REPO_ROOT, env: Record<string, string> = {}, stage = 'dev'): Promise<ServerlessConfig> {
  const { stdout } = await run(process.execPath, [serverlessBin(root), 'print', '--format', 'json', '--stage', stage], {
    cwd: root,
    env: offlineServerlessEnv(env),
    timeout: SERVERLESS_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const parsed = serverlessConfigSchema.safeParse(JSON.parse(stdout.slice(stdout.indexOf('{'))));
  if (!parsed.success)
    throw new DeployError(
      'DEPLOY_CONFIG_INVALID',
      `serverless.yml: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const drift = catalogDrift(parsed.data, catalog());
  if (drift.length > 0) throw new DeployError('DEPLOY_DRIFT', `serverless.yml disagrees with the catalog:\n  ${drift.join('\n  ')}`);
  return parsed.data;
}

export const HELP = `npm run deploy -- [options]

Deploys the catalog's functions to the Function Compute service txcenter-<stage>.

  --stage NAME        stage to deploy (service txcenter-NAME); default dev
  --settings FILE     the stage's settings (KEY=value lines; they override the environment)
  --dry-run           validate settings and credentials, print the plan (secrets masked) and, with
                      credentials, what would change in FC (read-only); exit 1 naming every problem
  --publish           after deploying, publish a version and point the alias '${LIVE_ALIAS}' at it;
                      triggers are bound to '${LIVE_ALIAS}'
  --rollback [V]      point '${LIVE_ALIAS}' at version V, or the version before the one it serves; no deploy
  --prune             delete triggers and functions the catalog no longer has (--dry-run lists them)
  --settings-table    print the settings table (markdown) of docs/deploying.md
  --broker-commands   print the aliyun ons commands creating the catalog's topics and groups
  --help              this text

Credentials: ALIBABA_CLOUD_ACCOUNT_ID, ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET
(+ ALIBABA_CLOUD_SECURITY_TOKEN for STS), region ALIBABA_CLOUD_REGION. Settings: docs/deploying.md.
Exit codes: 0 done, 1 a problem (each one named), 2 a usage error.`;

/** Runs the command; returns the exit code. Output goes to `out`/`err` so tests can read it. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  out = console.log,
  err = console.error,
): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        stage: { type: 'string', default: 'dev' },
        settings: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        publish: { type: 'boolean', default: false },
        rollback: { type: 'boolean', default: false },
        prune: { type: 'boolean', default: false },
        'settings-table': { type: 'boolean', default: false },
        'broker-commands': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    err(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    out(HELP);
    return 0;
  }
  if (values['settings-table']) {
    out(settingsTableMarkdown());
    return 0;
  }
  const stageEnv = readStageEnvironment(values.settings, env);
  if (values['broker-commands']) {
    out(brokerCommands(catalog(), stageEnv.TXC_MQ_INSTANCE_ID ?? '').join('\n'));
    return 0;
  }
  const config = await loadServerlessConfig(REPO_ROOT, stageEnv, values.stage);
  const settings = functionSettingValues(stageEnv);
  const plan = deployPlan(config, settings);
  const credentials = credentialProblems(stageEnv);
  const region = config.provider.region;

  if (values.rollback) {
    if (credentials.length > 0) return fail(err, credentials);
    await rollback(fcClient(readDeploySettings(stageEnv), region), plan.serviceName, positionals[0], out);
    return 0;
  }

  const problems = [...planProblems(config, settings), ...credentials];
  if (values['dry-run']) {
    out(describePlan(plan));
    if (credentials.length === 0) {
      const api = fcClient(readDeploySettings(stageEnv), region);
      out(`\nCompared with ${plan.serviceName} in ${region} (read-only):\n  ${(await liveDiff(api, plan)).join('\n  ')}`);
    } else {
      out('\n(no comparison with what is live: credentials missing)');
    }
    if (problems.length > 0) return fail(err, problems);
    out(`\ndry run: no problem found; settings ${JSON.stringify(maskSecrets(settings))}`);
    return 0;
  }
  if (problems.length > 0) return fail(err, problems);

  const build = await buildBundles();
  if (build.missing.length > 0)
    return fail(
      err,
      build.missing.map((name) => `functions/${name}/handler.ts is missing`),
    );
  const zips = new Map(plan.functions.map((fn) => [fn.functionName, functionZip(join(REPO_ROOT, 'dist'), fn.functionName)]));
  const api = fcClient(readDeploySettings(stageEnv), region);
  // Stale triggers go first (one could block a new one: FC allows no HTTP trigger beside other
  // types), stale functions last (nothing in the plan depends on them).
  const candidates = values.prune ? await pruneCandidates(api, plan) : [];
  await prune(
    api,
    plan.serviceName,
    candidates.filter((c) => c.triggerName),
    out,
  );
  await applyPlan(api, plan, zips, { publish: values.publish, log: out });
  await prune(
    api,
    plan.serviceName,
    candidates.filter((c) => !c.triggerName),
    out,
  );
  return 0;
}

function fail(err: (line: string) => void, problems: readonly string[]): number {
  err(`deploy refused, ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  - ${problems.join('\n  - ')}`);
  return 1;
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

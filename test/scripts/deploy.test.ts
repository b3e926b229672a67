import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../shared/engines/catalog';
import type { FcApi } from '../../scripts/deploy';
import {
  applyPlan,
  fcClient,
  functionZip,
  liveDiff,
  loadServerlessConfig,
  main,
  prune,
  pruneCandidates,
  rollback,
} from '../../scripts/deploy';
import { deployPlan, describePlan, planProblems } from '../../scripts/deployPlan';
import { deployedSettingsOf } from '../../scripts/functionSettings';
import type { ServerlessConfig } from '../../scripts/serverlessConfig';
import { startFcRecorder } from './fcRecorder';

const ACCOUNT = '1234567890123456';
const ACCESS_KEY_ID = 'LTAI-deploy-test';
const SECRET = 'deploy-test-secret';
/** Every setting of the settings table, with a value each function's schema accepts. */
const SETTINGS = {
  TXC_DATABASE_URL: 'mysql://txc:pa55@10.0.3.7:3306/txcenter',
  TXC_MQ_ENDPOINT: 'http://1234567890123456.mqrest.cn-hangzhou-internal.aliyuncs.com',
  TXC_MQ_ACCESS_KEY_ID: 'LTAI-mq',
  TXC_MQ_ACCESS_KEY_SECRET: 'mq-secret',
  TXC_MQ_INSTANCE_ID: 'MQ_INST_1234567890123456_BXtest',
  TXC_LOG_LEVEL: 'warn',
  TXC_SYSTEMS: JSON.stringify([{ id: 'fund-trading', secret: 's'.repeat(32), checkbackUrl: 'https://trading.example.com/txc/checkback' }]),
  TXC_CHECK_IMMUNITY_SECONDS: '20',
  TXC_CHECKBACK_TIMEOUT_MS: '3000',
  TXC_CHECKBACK_SAFETY_MARGIN_MS: '5000',
  TXC_TRADING_URL: 'https://trading.example.com',
  TXC_CONSUMER_MAX_BODY_BYTES: '131072',
  TXC_CONSUMER_MAX_ATTEMPTS: '10',
  TXC_ALERT_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=t',
  TXC_ALERT_WEBHOOK_FORMAT: 'dingtalk',
  TXC_ALERT_WEBHOOK_SECRET: 'SECdingtalk',
  TXC_ALERT_WINDOW_SECONDS: '600',
  TXC_ALERT_RESEND_AFTER_SECONDS: '120',
  TXC_RECONCILE_STUCK_AFTER_SECONDS: '120',
  TXC_RECONCILE_MAX_SLA_SECONDS: '900',
  TXC_RECONCILE_LOOKBACK_SECONDS: '86400',
  TXC_RECONCILE_BATCH_LIMIT: '200',
  TXC_OPERATORS: JSON.stringify([{ name: 'ops-lead', role: 'operator', tokenHash: `sha256:${'ab'.repeat(32)}` }]),
  TXC_CONSOLE_SESSION_SECRET: 'console-session-secret-0123456789abcdef',
  TXC_CONSOLE_SESSION_TTL_SECONDS: '3600',
  TXC_CONSOLE_COOKIE_SECURE: 'true',
  TXC_TOUCHPOINT_REVIEW_SLA_SECONDS: '900',
  TXC_CHANNELS: JSON.stringify({ sms: { url: 'https://sms.example.com/send', secret: 'c'.repeat(32) } }),
  TXC_SENDER_MAX_ATTEMPTS: '8',
  TXC_SENDER_BATCH: '200',
};
const INFRA = {
  TXC_FC_SERVICE_ROLE_ARN: `acs:ram::${ACCOUNT}:role/txcenter-fc`,
  TXC_VPC_ID: 'vpc-bp1test',
  TXC_VSWITCH_IDS: 'vsw-bp1a, vsw-bp1b',
  TXC_SECURITY_GROUP_ID: 'sg-bp1test',
  TXC_SLS_PROJECT: 'txcenter-logs',
  TXC_SLS_LOGSTORE: 'functions',
};
const STAGE_ENV = { ...SETTINGS, ...INFRA };
/**
 * Functions the catalog still gives an HTTP trigger beside other triggers (dlq-alerter's replay
 * endpoint until it moves to tx-console): FC refuses them, so the deploy names them as problems and
 * the deploying tests below leave their HTTP triggers out. Empty once the catalog is deployable.
 */
const MIXED_HTTP = catalog()
  .functions.filter((fn) => fn.triggers.some((t) => t.type === 'http') && fn.triggers.some((t) => t.type !== 'http'))
  .map((fn) => fn.name);

let config: ServerlessConfig;
let recorder: Awaited<ReturnType<typeof startFcRecorder>>;
const dist = mkdtempSync(join(tmpdir(), 'txc-deploy-dist-'));
const zips = new Map<string, Buffer>();

beforeAll(async () => {
  // The real `serverless print`, offline, with the settings a platform team exports for `prod`.
  config = await loadServerlessConfig(undefined, STAGE_ENV, 'prod');
  for (const fn of MIXED_HTTP) config.custom.txcenter.triggers[fn] = config.custom.txcenter.triggers[fn]!.filter((t) => t.type !== 'http');
  recorder = await startFcRecorder(ACCESS_KEY_ID, SECRET);
  // Stand-in bundles (the real ones come from `npm run build`): what goes in each zip is the point.
  writeFileSync(join(dist, 'package.json'), '{ "type": "commonjs" }\n');
  for (const fn of catalog().functions) {
    writeFileSync(join(dist, `${fn.name}.js`), `exports.handler = () => '${fn.name}';`);
    writeFileSync(join(dist, `${fn.name}.js.map`), '{}');
    zips.set(fn.name, functionZip(dist, fn.name));
  }
}, 60_000);
afterAll(async () => {
  await recorder?.close();
  rmSync(dist, { recursive: true, force: true });
});

const credentials = (secret = SECRET) => ({
  ALIBABA_CLOUD_ACCOUNT_ID: ACCOUNT,
  ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret,
  TXC_FC_ENDPOINT: recorder.endpoint,
});
const client = (secret = SECRET): FcApi => fcClient(credentials(secret), config.provider.region);
const quiet = () => {};
const plan = () => deployPlan(config, SETTINGS);
const posted = (pathEnd: string, name: string, key = 'functionName') =>
  recorder.calls.find((call) => call.method === 'POST' && call.path.endsWith(pathEnd) && call.body?.[key] === name)?.body;

describe('Function: functionZip', () => {
  it('packs one function’s bundle and the CommonJS marker, nothing else (no other bundle, no source map)', () => {
    for (const [name, zip] of zips) {
      const files = unzipSync(zip);
      expect(Object.keys(files).sort()).toEqual(['dist/package.json', `dist/${name}.js`].sort());
      expect(Buffer.from(files[`dist/${name}.js`]!).toString()).toContain(`'${name}'`);
    }
    // Same bundle, same bytes: FC sees no code change when there is none.
    expect(functionZip(dist, 'tx-gateway').equals(zips.get('tx-gateway')!)).toBe(true);
  });
});

describe('Function: applyPlan', () => {
  it('creates the stage’s service with its VPC, SLS logs and role, every function with its own zip and settings, every trigger, all signed', async () => {
    recorder.calls.length = 0;
    const actions = await applyPlan(client(), plan(), zips, { log: quiet });
    expect(actions.every((a) => a.action === 'created')).toBe(true);
    const triggerCount = catalog().functions.reduce(
      (sum, fn) => sum + fn.triggers.filter((t) => t.type !== 'http' || !MIXED_HTTP.includes(fn.name)).length,
      0,
    );
    expect(actions).toHaveLength(1 + catalog().functions.length + triggerCount);
    expect(recorder.calls.every((call) => call.signatureValid && call.contentMd5Valid)).toBe(true);

    expect(posted('/services', 'txcenter-prod', 'serviceName')).toEqual({
      serviceName: 'txcenter-prod',
      description: expect.any(String),
      role: INFRA.TXC_FC_SERVICE_ROLE_ARN,
      internetAccess: true,
      vpcConfig: { vpcId: 'vpc-bp1test', vSwitchIds: ['vsw-bp1a', 'vsw-bp1b'], securityGroupId: 'sg-bp1test' },
      logConfig: { project: 'txcenter-logs', logstore: 'functions', enableRequestMetrics: true, enableInstanceMetrics: true },
    });
    for (const fn of catalog().functions) {
      const body = posted('/functions', fn.name)!;
      expect(body).toMatchObject({
        handler: `dist/${fn.name}.handler`,
        runtime: 'nodejs20',
        timeout: fn.timeoutSeconds,
        memorySize: fn.memoryMB,
      });
      expect(Object.keys(unzipSync(Buffer.from((body.code as { zipFile: string }).zipFile, 'base64')))).toEqual([
        `dist/${fn.name}.js`,
        'dist/package.json',
      ]);
      // Every setting the function's own schema reads is deployed to it, and nothing else (local-stack ones never).
      expect(Object.keys(body.environmentVariables as object).sort()).toEqual(deployedSettingsOf(fn.name).sort());
      expect(body.environmentVariables).toMatchObject(
        Object.fromEntries(deployedSettingsOf(fn.name).map((name) => [name, SETTINGS[name as keyof typeof SETTINGS]])),
      );
    }
    expect(posted('/functions', 'tx-gateway')!.environmentVariables).not.toHaveProperty('TXC_TRADING_URL');
    expect(posted('/functions', 'reconciler')!.environmentVariables).toHaveProperty('TXC_RECONCILE_BATCH_LIMIT', '200');
  });

  it('sends timer, HTTP and EventBridge RocketMQ triggers; a tag filter only where the group has exactly one tag', () => {
    const trigger = (fn: string, name: string) => posted(`/functions/${fn}/triggers`, name, 'triggerName');
    expect(trigger('tx-checkback', 'every-minute')).toEqual({
      triggerName: 'every-minute',
      triggerType: 'timer',
      triggerConfig: { cronExpression: '@every 1m', enable: true, payload: '' },
    });
    expect(trigger('tx-gateway', 'http')).toEqual({
      triggerName: 'http',
      triggerType: 'http',
      triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] },
    });
    for (const { function: fn, trigger: mq, subscription } of catalog().mqTriggers()) {
      const body = trigger(fn, mq.name) as {
        triggerType: string;
        triggerConfig: {
          eventSourceConfig: { eventSourceParameters: { sourceRocketMQParameters: Record<string, unknown> } };
          runOptions: Record<string, unknown>;
        };
      };
      expect(body.triggerType).toBe('eventbridge');
      const source = body.triggerConfig.eventSourceConfig.eventSourceParameters.sourceRocketMQParameters;
      expect(source).toMatchObject({
        RegionId: 'cn-hangzhou',
        InstanceId: SETTINGS.TXC_MQ_INSTANCE_ID,
        Topic: subscription.topic,
        GroupID: subscription.id,
      });
      const single = !subscription.filter.all && subscription.filter.tags.size === 1;
      if (single) expect(source.Tag).toBe(subscription.tagExpression);
      else expect(source).not.toHaveProperty('Tag');
      expect(body.triggerConfig.runOptions).toMatchObject({
        batchWindow: { CountBasedWindow: mq.batchSize, TimeBasedWindow: 1 },
        retryStrategy: { PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY' },
        errorsTolerance: 'ALL',
      });
    }
    expect((trigger('consumer-compliance', 'companion') as { triggerConfig: object }).triggerConfig).not.toHaveProperty(
      'eventSourceConfig.eventSourceParameters.sourceRocketMQParameters.Tag',
    );
  });

  it('re-runs idempotently: reads then updates, creates nothing, ends in the same state', async () => {
    const before = JSON.stringify([...recorder.resources]);
    recorder.calls.length = 0;
    const actions = await applyPlan(client(), plan(), zips, { log: quiet });
    expect(actions.every((a) => a.action === 'updated')).toBe(true);
    expect(recorder.calls.some((call) => call.method === 'POST')).toBe(false);
    expect(JSON.stringify([...recorder.resources])).toBe(before);
  });

  it('shows no change against what it just deployed', async () => {
    const diff = await liveDiff(client(), plan());
    expect(diff.filter((line) => /^[+~!-]/.test(line))).toEqual([]);
    const changed = deployPlan(config, { ...SETTINGS, TXC_LOG_LEVEL: 'debug', TXC_MQ_ACCESS_KEY_SECRET: 'rotated-secret' });
    const lines = (await liveDiff(client(), changed)).join('\n');
    expect(lines).toMatch(/~ function tx-gateway: TXC_MQ_ACCESS_KEY_SECRET changed, TXC_LOG_LEVEL changed/);
    expect(lines).not.toContain('rotated-secret');
  });

  it('refuses to change a trigger type in place', async () => {
    const changed = {
      ...plan(),
      triggers: plan().triggers.map((t) => (t.triggerName === 'every-minute' ? { ...t, triggerType: 'http' as const } : t)),
    };
    await expect(applyPlan(client(), changed, zips, { log: quiet })).rejects.toThrow(
      expect.objectContaining({ code: 'DEPLOY_TRIGGER_TYPE_CHANGED' }),
    );
  });

  it('surfaces an FC rejection (bad signature) as an error', async () => {
    await expect(applyPlan(client('wrong'), plan(), zips, { log: quiet })).rejects.toThrow(/InvalidSignature|signature/);
  });
});

describe('Releases: --publish, --rollback', () => {
  it('publishes a version, points live at it and binds every trigger to live; a second publish moves live; rollback moves it back', async () => {
    const service = 'services/txcenter-prod';
    await applyPlan(client(), plan(), zips, { publish: true, log: quiet });
    expect(recorder.resources.get(`${service}/aliases/live`)).toMatchObject({ aliasName: 'live', versionId: '1' });
    const triggers = [...recorder.resources].filter(([key]) => key.includes('/triggers/'));
    expect(triggers).toHaveLength(plan().triggers.length);
    expect(triggers.every(([, body]) => body.qualifier === 'live')).toBe(true);

    await applyPlan(client(), plan(), zips, { publish: true, log: quiet });
    expect(recorder.resources.get(`${service}/aliases/live`)).toMatchObject({ versionId: '2' });
    // A deploy without --publish updates LATEST and leaves live (and the triggers on it) alone.
    await applyPlan(client(), plan(), zips, { log: quiet });
    expect(recorder.resources.get(`${service}/aliases/live`)).toMatchObject({ versionId: '2' });
    expect([...recorder.resources].filter(([key]) => key.includes('/triggers/')).every(([, body]) => body.qualifier === 'live')).toBe(true);

    expect(await rollback(client(), 'txcenter-prod', undefined, quiet)).toBe('1');
    expect(recorder.resources.get(`${service}/aliases/live`)).toMatchObject({ versionId: '1' });
    await expect(rollback(client(), 'txcenter-prod', undefined, quiet)).rejects.toThrow(/no older version/);
    expect(await rollback(client(), 'txcenter-prod', '2', quiet)).toBe('2');
    await expect(rollback(client(), 'txcenter-prod', '9', quiet)).rejects.toThrow(/has no version 9/);
    await expect(rollback(client(), 'txcenter-never', undefined, quiet)).rejects.toThrow(
      expect.objectContaining({ code: 'DEPLOY_NO_RELEASE' }),
    );
  });
});

describe('Pruning: --prune', () => {
  it('lists then deletes triggers and functions the catalog no longer has, triggers first', async () => {
    const api = client();
    await api.createFunction('txcenter-prod', {
      functionName: 'retired',
      handler: 'dist/retired.handler',
      runtime: 'nodejs20',
      code: { zipFile: zips.get('reconciler')!.toString('base64') },
    });
    await api.createTrigger('txcenter-prod', 'retired', {
      triggerName: 'hourly',
      triggerType: 'timer',
      triggerConfig: { cronExpression: '@every 1h', enable: true },
    });
    await api.createTrigger('txcenter-prod', 'reconciler', {
      triggerName: 'old-schedule',
      triggerType: 'timer',
      triggerConfig: { cronExpression: '@every 1h', enable: true },
    });
    const candidates = await pruneCandidates(api, plan());
    expect(candidates).toEqual([
      { functionName: 'reconciler', triggerName: 'old-schedule' },
      { functionName: 'retired', triggerName: 'hourly' },
      { functionName: 'retired' },
    ]);
    expect((await liveDiff(api, plan())).filter((line) => line.startsWith('-'))).toHaveLength(3);
    await prune(api, 'txcenter-prod', candidates, quiet);
    expect(await pruneCandidates(api, plan())).toEqual([]);
    expect(recorder.resources.has('services/txcenter-prod/functions/retired')).toBe(false);
    expect(recorder.resources.has('services/txcenter-prod/functions/reconciler')).toBe(true);
  });
});

describe('The recording FC server refuses what FC refuses', () => {
  it('an HTTP trigger beside other types, a second HTTP trigger, a partial VPC, VPC or logs without a role', async () => {
    const api = client();
    await expect(
      api.createTrigger('txcenter-prod', 'tx-checkback', {
        triggerName: 'web',
        triggerType: 'http',
        triggerConfig: { authType: 'anonymous', methods: ['GET'] },
      }),
    ).rejects.toThrow(/HTTP trigger cannot have triggers of other types/);
    await expect(
      api.createTrigger('txcenter-prod', 'tx-gateway', {
        triggerName: 'tick',
        triggerType: 'timer',
        triggerConfig: { cronExpression: '@every 1m', enable: true },
      }),
    ).rejects.toThrow(/HTTP trigger cannot have triggers of other types/);
    await expect(
      api.createTrigger('txcenter-prod', 'tx-gateway', {
        triggerName: 'http2',
        triggerType: 'http',
        qualifier: 'live',
        triggerConfig: { authType: 'anonymous', methods: ['GET'] },
      }),
    ).rejects.toThrow(/one HTTP trigger per function version or alias/);
    await expect(
      api.createService('half-vpc', {
        role: INFRA.TXC_FC_SERVICE_ROLE_ARN,
        vpcConfig: { vpcId: 'vpc-1', vSwitchIds: [], securityGroupId: '' },
      }),
    ).rejects.toThrow(/vpcConfig needs/);
    await expect(
      api.createService('no-role', { vpcConfig: { vpcId: 'vpc-1', vSwitchIds: ['vsw-1'], securityGroupId: 'sg-1' } }),
    ).rejects.toThrow(/needs a role/);
    await expect(api.createService('no-role', { logConfig: { project: 'p', logstore: 'l' } })).rejects.toThrow(/needs a role/);
  });
});

describe('Function: planProblems', () => {
  it('finds nothing to refuse with every setting, the role, the instance and the VPC', () => {
    expect(planProblems(config, SETTINGS)).toEqual([]);
  });

  it('refuses trigger combinations FC refuses: HTTP beside other types, two HTTP triggers', () => {
    const mixed = structuredClone(config);
    mixed.custom.txcenter.triggers.reconciler!.push({ name: 'web', type: 'http', methods: ['GET'] });
    mixed.custom.txcenter.triggers['tx-gateway']!.push({ name: 'web', type: 'http', methods: ['GET'] });
    expect(planProblems(mixed, SETTINGS)).toEqual([
      'tx-gateway has 2 HTTP triggers: FC allows one per function',
      'reconciler has an HTTP trigger beside other triggers: FC refuses that (an HTTP endpoint needs a function of its own)',
    ]);
  });

  it('refuses a database on a private address when no VPC is set', () => {
    const noVpc = structuredClone(config);
    noVpc.custom.txcenter.vpc = { vpcId: '', vSwitchIds: [], securityGroupId: '' };
    expect(planProblems(noVpc, SETTINGS)).toEqual([
      expect.stringMatching(/^TXC_DATABASE_URL is on a private address \(10\.0\.3\.7\) but no VPC is set/),
    ]);
    expect(planProblems(noVpc, { ...SETTINGS, TXC_DATABASE_URL: 'mysql://txc:pa55@rm-bp1.mysql.rds.aliyuncs.com:3306/txcenter' })).toEqual(
      [],
    );
    const halfVpc = structuredClone(config);
    halfVpc.custom.txcenter.vpc.securityGroupId = '';
    expect(planProblems(halfVpc, SETTINGS)).toEqual([expect.stringMatching(/VPC is half set/)]);
  });
});

describe('Command: npm run deploy', () => {
  const run = async (argv: string[], env: Record<string, string>) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      argv,
      env,
      (line) => out.push(line),
      (line) => err.push(line),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('--dry-run --stage prod with settings missing or invalid exits 1 naming each one', async () => {
    const { code, err } = await run(['--dry-run', '--stage', 'prod'], {
      TXC_SYSTEMS: '[]',
      TXC_CHECKBACK_TIMEOUT_MS: 'soon',
      TXC_DATABASE_URL: 'sqlite:.txcenter/txcenter.db',
    });
    expect(code).toBe(1);
    for (const expected of [
      /TXC_MQ_ENDPOINT is not set \(tx-gateway, tx-checkback, consumer-ops/,
      /TXC_MQ_ACCESS_KEY_SECRET is not set/,
      /TXC_TRADING_URL is not set \(consumer-ops, .*dlq-alerter\)/,
      /TXC_SYSTEMS lists no business system: nobody could call tx-gateway \(tx-gateway, tx-checkback, reconciler, tx-console\)/,
      /TXC_CHECKBACK_TIMEOUT_MS .*\(tx-checkback\)/,
      /TXC_DATABASE_URL must be a mysql:\/\/ URL/,
      /TXC_FC_SERVICE_ROLE_ARN is not set/,
      /ALIBABA_CLOUD_ACCOUNT_ID is not set/,
      /ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set/,
    ]) {
      expect(err).toMatch(expected);
    }
  }, 60_000);

  it('--dry-run with every setting prints the whole plan, secrets masked, compares with FC read-only and exits 0', async () => {
    recorder.calls.length = 0;
    const { code, out, err } = await run(['--dry-run', '--stage', 'prod'], { ...STAGE_ENV, ...credentials() });
    // The only refusal left is a catalog function FC cannot take as it is (see MIXED_HTTP).
    expect(err.split('\n').filter((line) => line.startsWith('  - '))).toEqual(
      MIXED_HTTP.map(
        (fn) => `  - ${fn} has an HTTP trigger beside other triggers: FC refuses that (an HTTP endpoint needs a function of its own)`,
      ),
    );
    expect(code).toBe(MIXED_HTTP.length > 0 ? 1 : 0);
    expect(out).toContain('"serviceName": "txcenter-prod"');
    expect(out).toContain('"vpcId": "vpc-bp1test"');
    expect(out).toContain('GID_TXC_COMPLIANCE');
    for (const secret of ['pa55', 'mq-secret', 'console-session-secret-0123456789abcdef', 'ab'.repeat(32), 'SECdingtalk', 's'.repeat(32)])
      expect(out).not.toContain(secret);
    expect(out).toMatch(/Compared with txcenter-prod .*\n\s+= service txcenter-prod/);
    expect(recorder.calls.length).toBeGreaterThan(0);
    expect(recorder.calls.every((call) => call.method === 'GET')).toBe(true);
  }, 60_000);

  it('--help lists every option; an unknown option is a usage error (exit 2)', async () => {
    const help = await run(['--help'], {});
    expect(help.code).toBe(0);
    for (const option of ['--stage', '--settings', '--dry-run', '--publish', '--rollback', '--prune', '--help'])
      expect(help.out).toContain(option);
    expect((await run(['--stagee', 'prod'], {})).code).toBe(2);
  });

  it('reads a stage’s settings file over the environment', async () => {
    const file = join(dist, 'staging.env');
    writeFileSync(
      file,
      Object.entries({ ...STAGE_ENV, TXC_LOG_LEVEL: 'error' })
        .map(([k, v]) => `${k}='${v}'`)
        .join('\n'),
    );
    const { code, out } = await run(['--dry-run', '--stage', 'staging', '--settings', file], { ...credentials(), TXC_LOG_LEVEL: 'debug' });
    expect(code).toBe(MIXED_HTTP.length > 0 ? 1 : 0);
    expect(out).toContain('"serviceName": "txcenter-staging"');
    expect(out).toContain('"TXC_LOG_LEVEL": "error"');
    expect(out).toContain('+ service txcenter-staging');
  }, 60_000);
});

describe('Function: describePlan', () => {
  it('masks every secret setting', () => {
    const text = describePlan(plan());
    for (const secret of ['pa55', 'mq-secret', 'SECdingtalk']) expect(text).not.toContain(secret);
    expect(text).toContain('"TXC_LOG_LEVEL": "warn"');
  });
});

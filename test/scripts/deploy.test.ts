import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../shared/catalog';
import { applyPlan, fcClient, loadServerlessConfig } from '../../scripts/deploy';
import { deployPlan, describePlan, missingSettings } from '../../scripts/deployPlan';
import type { ServerlessConfig } from '../../scripts/serverlessConfig';
import { startFcRecorder } from './fcRecorder';

const ACCESS_KEY_ID = 'LTAI-deploy-test';
const SECRET = 'deploy-test-secret';
const FUNCTION_ENV = {
  TXC_DATABASE_URL: 'mysql://txc:pa55@rm-test.mysql.rds.aliyuncs.com:3306/txcenter',
  TXC_MQ_ENDPOINT: 'http://1234567890123456.mqrest.cn-hangzhou.aliyuncs.com',
  TXC_MQ_ACCESS_KEY_ID: 'LTAI-mq',
  TXC_MQ_ACCESS_KEY_SECRET: 'mq-secret',
  TXC_MQ_INSTANCE_ID: 'MQ_INST_1234567890123456_BXtest',
  TXC_FC_SERVICE_ROLE_ARN: 'acs:ram::1234567890123456:role/txcenter-fc',
  TXC_SYSTEMS: JSON.stringify([{ id: 'fund-trading', secret: 's'.repeat(32), checkbackUrl: 'https://trading.example.com/txc/checkback' }]),
  TXC_ALERT_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=t',
  TXC_TRADING_URL: 'https://trading.example.com',
};
const ZIP = Buffer.from('PK-fake-package');

let config: ServerlessConfig;
let recorder: Awaited<ReturnType<typeof startFcRecorder>>;

beforeAll(async () => {
  // The real `serverless print`, offline, with the settings a deployer exports.
  config = await loadServerlessConfig(undefined, FUNCTION_ENV);
  recorder = await startFcRecorder(ACCESS_KEY_ID, SECRET);
});
afterAll(() => recorder?.close());

const client = () =>
  fcClient({ ALIBABA_CLOUD_ACCOUNT_ID: '1234567890123456', ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET, TXC_FC_ENDPOINT: recorder.endpoint }, config.provider.region);

describe('Function: applyPlan', () => {
  it('creates the service, every catalog function and every trigger with signed requests', async () => {
    recorder.calls.length = 0;
    const actions = await applyPlan(client(), deployPlan(config), ZIP, () => {});
    expect(actions.every((a) => a.action === 'created')).toBe(true);
    const triggerCount = catalog().functions.reduce((sum, fn) => sum + fn.triggers.length, 0);
    expect(actions).toHaveLength(1 + catalog().functions.length + triggerCount);
    expect(recorder.calls.every((call) => call.signatureValid && call.contentMd5Valid)).toBe(true);

    const posts = recorder.calls.filter((call) => call.method === 'POST');
    expect(posts[0]).toMatchObject({ path: '/2016-08-15/services', body: { serviceName: 'txcenter-dev', role: FUNCTION_ENV.TXC_FC_SERVICE_ROLE_ARN } });
    const gateway = posts.find((call) => call.body?.functionName === 'tx-gateway')!;
    expect(gateway.body).toMatchObject({ handler: 'dist/tx-gateway.handler', runtime: 'nodejs20', timeout: 30, memorySize: 256, code: { zipFile: ZIP.toString('base64') } });
    expect(gateway.body?.environmentVariables).toMatchObject({ TXC_DATABASE_URL: FUNCTION_ENV.TXC_DATABASE_URL, TXC_LOG_LEVEL: 'info', TXC_ALERT_WEBHOOK_URL: FUNCTION_ENV.TXC_ALERT_WEBHOOK_URL });
    // Unset optional settings are left out rather than sent empty.
    expect(gateway.body?.environmentVariables).not.toHaveProperty('TXC_ALERT_WEBHOOK_SECRET');
  });

  it('sends timer, HTTP and EventBridge RocketMQ trigger configs as FC expects, routed by the catalog', () => {
    const trigger = (fn: string, name: string) => recorder.calls.find((call) => call.method === 'POST' && call.path.endsWith(`/functions/${fn}/triggers`) && call.body?.triggerName === name)?.body;
    expect(trigger('tx-checkback', 'every-minute')).toEqual({ triggerName: 'every-minute', triggerType: 'timer', triggerConfig: { cronExpression: '@every 1m', enable: true, payload: '' } });
    expect(trigger('tx-gateway', 'http')).toEqual({ triggerName: 'http', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] } });
    for (const { function: fn, trigger: mq, subscription } of catalog().mqTriggers()) {
      const body = trigger(fn, mq.name) as { triggerType: string; triggerConfig: { eventSourceConfig: { eventSourceParameters: { sourceRocketMQParameters: Record<string, unknown> } }; runOptions: Record<string, unknown> } };
      expect(body.triggerType).toBe('eventbridge');
      expect(body.triggerConfig.eventSourceConfig.eventSourceParameters.sourceRocketMQParameters).toMatchObject({
        RegionId: 'cn-hangzhou',
        InstanceId: FUNCTION_ENV.TXC_MQ_INSTANCE_ID,
        Topic: subscription.topic,
        GroupID: subscription.id,
        Tag: subscription.tagExpression,
      });
      expect(body.triggerConfig.runOptions).toMatchObject({ batchWindow: { CountBasedWindow: mq.batchSize, TimeBasedWindow: 1 }, retryStrategy: { PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY' }, errorsTolerance: 'ALL' });
    }
  });

  it('re-runs idempotently: reads then updates, creates nothing, ends in the same state', async () => {
    const before = JSON.stringify([...recorder.resources]);
    recorder.calls.length = 0;
    const actions = await applyPlan(client(), deployPlan(config), ZIP, () => {});
    expect(actions.every((a) => a.action === 'updated')).toBe(true);
    expect(recorder.calls.some((call) => call.method === 'POST')).toBe(false);
    expect(recorder.calls.every((call) => call.signatureValid)).toBe(true);
    expect(JSON.stringify([...recorder.resources])).toBe(before);
  });

  it('refuses to change a trigger type in place', async () => {
    const plan = deployPlan(config);
    const changed = { ...plan, triggers: plan.triggers.map((t) => (t.triggerName === 'every-minute' ? { ...t, triggerType: 'http' as const } : t)) };
    await expect(applyPlan(client(), changed, ZIP, () => {})).rejects.toThrow(expect.objectContaining({ code: 'DEPLOY_TRIGGER_TYPE_CHANGED' }));
  });

  it('surfaces an FC rejection (bad signature) as an error', async () => {
    const wrongKey = fcClient({ ALIBABA_CLOUD_ACCOUNT_ID: '1234567890123456', ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong', TXC_FC_ENDPOINT: recorder.endpoint }, 'cn-hangzhou');
    await expect(applyPlan(wrongKey, deployPlan(config), ZIP, () => {})).rejects.toThrow(/InvalidSignature|signature/);
  });
});

describe('Function: missingSettings', () => {
  it('names every empty function setting', async () => {
    const bare = await loadServerlessConfig(undefined, {});
    expect(missingSettings(bare)).toEqual(expect.arrayContaining(['TXC_DATABASE_URL', 'TXC_MQ_ACCESS_KEY_SECRET', 'TXC_MQ_INSTANCE_ID', 'TXC_FC_SERVICE_ROLE_ARN (custom.txcenter.service.role)']));
    expect(missingSettings(config)).toEqual([]);
  });

  it('masks secrets in the dry-run plan', () => {
    const text = describePlan(deployPlan(config));
    expect(text).not.toContain('mq-secret');
    expect(text).not.toContain('pa55');
    expect(text).toContain('GID_TXC_COMPLIANCE');
  });
});

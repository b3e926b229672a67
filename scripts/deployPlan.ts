import { isIP } from 'node:net';
import { triggerTagFilter } from '../shared/engines/catalog/tagExpression';
import { functionEnvironment, isSecretSetting, settingProblems } from './functionSettings';
import type { DeployTrigger, ServerlessConfig } from './serverlessConfig';

/** The alias `--publish` points at the new version and triggers are bound to. */
export const LIVE_ALIAS = 'live';

export interface VpcConfig {
  vpcId: string;
  vSwitchIds: string[];
  securityGroupId: string;
}
export interface LogConfig {
  project: string;
  logstore: string;
  enableRequestMetrics: boolean;
  enableInstanceMetrics: boolean;
}

/** FC 2016-08-15 API bodies for one deployment; built without side effects so `--dry-run` can print them. */
export interface DeployPlan {
  readonly serviceName: string;
  readonly service: { description: string; role?: string; internetAccess: boolean; vpcConfig?: VpcConfig; logConfig?: LogConfig };
  readonly functions: {
    functionName: string;
    handler: string;
    runtime: string;
    memorySize: number;
    timeout: number;
    environmentVariables: Record<string, string>;
  }[];
  readonly triggers: {
    functionName: string;
    triggerName: string;
    triggerType: 'http' | 'timer' | 'eventbridge';
    triggerConfig: Record<string, unknown>;
  }[];
}

/** The EventBridge RocketMQ source and run options for one `rocketmq` trigger (fc-platform.md, "Trigger settings"). */
function eventBridgeConfig(trigger: Extract<DeployTrigger, { type: 'rocketmq' }>, config: ServerlessConfig): Record<string, unknown> {
  const mq = config.custom.txcenter.rocketmq;
  // One tag, or none for `*` / `A||B` (the consumer runtime filters those): triggerTagFilter.
  const tag = triggerTagFilter(trigger.tags);
  return {
    triggerEnable: true,
    asyncInvocationType: false,
    eventRuleFilterPattern: '{}',
    eventSourceConfig: {
      eventSourceType: 'RocketMQ',
      eventSourceParameters: {
        sourceRocketMQParameters: {
          RegionId: config.provider.region,
          InstanceId: mq.instanceId,
          InstanceType: mq.instanceType,
          Topic: trigger.topic,
          GroupID: trigger.group,
          ...(tag ? { Tag: tag } : {}),
          Offset: mq.offset,
        },
      },
    },
    eventSinkConfig: { deliveryOption: { mode: 'event-streaming', eventSchema: 'CloudEvents' } },
    runOptions: {
      mode: 'event-streaming',
      maximumTasks: 1,
      errorsTolerance: mq.errorsTolerance,
      retryStrategy: { PushRetryStrategy: mq.retryStrategy },
      batchWindow: { CountBasedWindow: trigger.batchSize, TimeBasedWindow: mq.timeBasedWindowSeconds },
      ...(mq.deadLetterArn ? { deadLetterQueue: { Arn: mq.deadLetterArn } } : {}),
    },
  };
}

function triggerBody(
  trigger: DeployTrigger,
  config: ServerlessConfig,
): Pick<DeployPlan['triggers'][number], 'triggerType' | 'triggerConfig'> {
  switch (trigger.type) {
    case 'http':
      // Callers authenticate to tx-gateway per business system; FC's own auth would hide that.
      return { triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: trigger.methods } };
    case 'timer':
      return { triggerType: 'timer', triggerConfig: { cronExpression: trigger.cron, enable: true, payload: trigger.payload } };
    case 'rocketmq':
      return { triggerType: 'eventbridge', triggerConfig: eventBridgeConfig(trigger, config) };
  }
}

/** RFC 1918, loopback, link-local and carrier-grade NAT addresses, and `localhost`: reachable only inside a network. */
export function isPrivateHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  const v6 = host.replace(/^\[|\]$/g, '').toLowerCase();
  return isIP(v6) === 6 && (v6 === '::1' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe80'));
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Every reason this deployment would not work, each naming what to set: the functions' settings
 * (validated by their own schemas), the service role, the RocketMQ instance, trigger combinations
 * FC refuses, half-set VPC or log configs, and a database on a private address with no VPC to reach it.
 */
export function planProblems(config: ServerlessConfig, values: Readonly<Record<string, string>>): string[] {
  const txcenter = config.custom.txcenter;
  const problems = settingProblems(values, Object.keys(config.functions)).map(
    ({ setting, problem, functions }) => `${setting} ${problem} (${functions.join(', ')})`,
  );
  if (!txcenter.service.role) problems.push('TXC_FC_SERVICE_ROLE_ARN is not set (the service role: logs to SLS, ENIs in the VPC)');
  if (!txcenter.rocketmq.instanceId)
    problems.push('TXC_MQ_INSTANCE_ID is not set (custom.txcenter.rocketmq.instanceId: the RocketMQ triggers’ source)');
  for (const [fn, triggers] of Object.entries(txcenter.triggers)) {
    const http = triggers.filter((t) => t.type === 'http');
    if (http.length > 0 && http.length < triggers.length)
      problems.push(`${fn} has an HTTP trigger beside other triggers: FC refuses that (an HTTP endpoint needs a function of its own)`);
    if (http.length > 1) problems.push(`${fn} has ${http.length} HTTP triggers: FC allows one per function`);
  }
  const vpc = txcenter.vpc;
  const vpcParts = [vpc.vpcId, vpc.vSwitchIds.length > 0, vpc.securityGroupId].filter(Boolean).length;
  if (vpcParts > 0 && vpcParts < 3) problems.push('the VPC is half set: TXC_VPC_ID, TXC_VSWITCH_IDS and TXC_SECURITY_GROUP_ID go together');
  const logs = txcenter.logs;
  if (Boolean(logs.project) !== Boolean(logs.logstore))
    problems.push('SLS logs are half set: TXC_SLS_PROJECT and TXC_SLS_LOGSTORE go together');
  const dbHost = values.TXC_DATABASE_URL ? hostOf(values.TXC_DATABASE_URL) : undefined;
  if (dbHost && isPrivateHost(dbHost) && vpcParts === 0) {
    problems.push(
      `TXC_DATABASE_URL is on a private address (${dbHost}) but no VPC is set: functions outside the VPC cannot reach it; set TXC_VPC_ID, TXC_VSWITCH_IDS and TXC_SECURITY_GROUP_ID`,
    );
  }
  return problems;
}

/** The FC service, functions and triggers that `config` and the settings `values` describe. */
export function deployPlan(config: ServerlessConfig, values: Readonly<Record<string, string>>): DeployPlan {
  const txcenter = config.custom.txcenter;
  const { vpc, logs } = txcenter;
  return {
    serviceName: `${config.service}-${config.provider.stage}`,
    service: {
      description: txcenter.service.description,
      role: txcenter.service.role || undefined,
      internetAccess: txcenter.service.internetAccess,
      ...(vpc.vpcId ? { vpcConfig: { vpcId: vpc.vpcId, vSwitchIds: vpc.vSwitchIds, securityGroupId: vpc.securityGroupId } } : {}),
      ...(logs.project
        ? { logConfig: { project: logs.project, logstore: logs.logstore, enableRequestMetrics: true, enableInstanceMetrics: true } }
        : {}),
    },
    functions: Object.entries(config.functions).map(([functionName, fn]) => ({
      functionName,
      handler: fn.handler,
      runtime: config.provider.runtime,
      memorySize: fn.memorySize,
      timeout: fn.timeout,
      environmentVariables: functionEnvironment(functionName, values),
    })),
    triggers: Object.entries(txcenter.triggers).flatMap(([functionName, triggers]) =>
      triggers.map((trigger) => ({ functionName, triggerName: trigger.name, ...triggerBody(trigger, config) })),
    ),
  };
}

/** A copy of environment variables with secret values masked, for printing. */
export function maskSecrets(variables: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, isSecretSetting(name) && value ? '***' : value]));
}

/** The plan with secrets masked, for `--dry-run` and logs. */
export function describePlan(plan: DeployPlan): string {
  return JSON.stringify(
    { ...plan, functions: plan.functions.map((fn) => ({ ...fn, environmentVariables: maskSecrets(fn.environmentVariables) })) },
    null,
    2,
  );
}

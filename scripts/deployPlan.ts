import type { DeployTrigger, ServerlessConfig } from './serverlessConfig';

/** FC 2016-08-15 API bodies for one deployment; built without side effects so `--dry-run` can print them. */
export interface DeployPlan {
  readonly serviceName: string;
  readonly service: { description: string; role?: string; internetAccess: boolean };
  readonly functions: { functionName: string; handler: string; runtime: string; memorySize: number; timeout: number; environmentVariables: Record<string, string> }[];
  readonly triggers: { functionName: string; triggerName: string; triggerType: 'http' | 'timer' | 'eventbridge'; triggerConfig: Record<string, unknown> }[];
}

/** The EventBridge RocketMQ source and run options for one `rocketmq` trigger (fc-platform.md, "Trigger settings"). */
function eventBridgeConfig(trigger: Extract<DeployTrigger, { type: 'rocketmq' }>, config: ServerlessConfig): Record<string, unknown> {
  const mq = config.custom.txcenter.rocketmq;
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
          Tag: trigger.tags,
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

function triggerBody(trigger: DeployTrigger, config: ServerlessConfig): Pick<DeployPlan['triggers'][number], 'triggerType' | 'triggerConfig'> {
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

/** Settings without which the deployed functions cannot work, named so the message says what to set. */
export function missingSettings(config: ServerlessConfig): string[] {
  const txcenter = config.custom.txcenter;
  const missing = Object.entries(txcenter.environment)
    .filter(([, value]) => value === '')
    .map(([name]) => name);
  // The RocketMQ instance usually comes from TXC_MQ_INSTANCE_ID too; name it once.
  if (!txcenter.rocketmq.instanceId && !missing.includes('TXC_MQ_INSTANCE_ID')) missing.push('custom.txcenter.rocketmq.instanceId (TXC_MQ_INSTANCE_ID)');
  if (!txcenter.service.role) missing.push('TXC_FC_SERVICE_ROLE_ARN (custom.txcenter.service.role)');
  return missing;
}

/** The FC service, functions and triggers that `config` describes. */
export function deployPlan(config: ServerlessConfig): DeployPlan {
  const txcenter = config.custom.txcenter;
  return {
    serviceName: `${config.service}-${config.provider.stage}`,
    service: { description: txcenter.service.description, role: txcenter.service.role || undefined, internetAccess: txcenter.service.internetAccess },
    functions: Object.entries(config.functions).map(([functionName, fn]) => ({
      functionName,
      handler: fn.handler,
      runtime: config.provider.runtime,
      memorySize: fn.memorySize,
      timeout: fn.timeout,
      environmentVariables: { ...txcenter.environment, ...Object.fromEntries(Object.entries(txcenter.optionalEnvironment).filter(([, value]) => value !== '')) },
    })),
    triggers: Object.entries(txcenter.triggers).flatMap(([functionName, triggers]) =>
      triggers.map((trigger) => ({ functionName, triggerName: trigger.name, ...triggerBody(trigger, config) })),
    ),
  };
}

/** The plan with secrets masked, for `--dry-run` and logs. */
export function describePlan(plan: DeployPlan): string {
  const secret = /SECRET|PASSWORD|TOKEN|DATABASE_URL|SYSTEMS|WEBHOOK_URL/;
  const masked = {
    ...plan,
    functions: plan.functions.map((fn) => ({
      ...fn,
      environmentVariables: Object.fromEntries(Object.entries(fn.environmentVariables).map(([name, value]) => [name, secret.test(name) && value ? '***' : value])),
    })),
  };
  return JSON.stringify(masked, null, 2);
}

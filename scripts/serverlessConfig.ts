import * as z from '../shared/zod';
import type { Catalog } from '../shared/engines/catalog';

/**
 * The parts of `serverless print --format json` that deployment uses, validated. Trigger entries of
 * `custom.txcenter.triggers` are checked against the catalog by {@link catalogDrift}.
 */
const httpTrigger = z.object({ name: z.string(), type: z.literal('http'), methods: z.array(z.string()).check(z.minLength(1)) });
const timerTrigger = z.object({
  name: z.string(),
  type: z.literal('timer'),
  cron: z.string().check(z.minLength(1)),
  payload: z._default(z.string(), ''),
});
const rocketmqTrigger = z.object({
  name: z.string(),
  type: z.literal('rocketmq'),
  group: z.string(),
  topic: z.string(),
  tags: z.string(),
  batchSize: z.int().check(z.minimum(1), z.maximum(10_000)),
});
export const deployTriggerSchema = z.discriminatedUnion('type', [httpTrigger, timerTrigger, rocketmqTrigger]);
export type DeployTrigger = z.infer<typeof deployTriggerSchema>;

/** `a, b` → `['a', 'b']` (a `${env:…}` value is one string). */
const commaList = z.pipe(
  z.string(),
  z.transform((text: string) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  ),
);

export const serverlessConfigSchema = z.object({
  service: z.string().check(z.minLength(1)),
  provider: z.object({
    name: z.literal('aliyun'),
    runtime: z.string(),
    region: z.string().check(z.minLength(1)),
    // Part of the FC service name (`txcenter-<stage>`), which allows letters, digits, `_` and `-`.
    stage: z._default(
      z
        .string()
        .check(z.regex(/^[a-z][a-z0-9-]{0,29}$/, 'a stage is lowercase letters, digits and -, starting with a letter (at most 30)')),
      'dev',
    ),
  }),
  functions: z.record(z.string(), z.object({ handler: z.string(), memorySize: z.int(), timeout: z.int() })),
  custom: z.object({
    txcenter: z.object({
      service: z.object({
        description: z._default(z.string(), ''),
        role: z._default(z.string(), ''),
        internetAccess: z._default(z.boolean(), true),
      }),
      vpc: z._default(
        z.object({ vpcId: z._default(z.string(), ''), vSwitchIds: z._default(commaList, []), securityGroupId: z._default(z.string(), '') }),
        { vpcId: '', vSwitchIds: [], securityGroupId: '' },
      ),
      logs: z._default(z.object({ project: z._default(z.string(), ''), logstore: z._default(z.string(), '') }), {
        project: '',
        logstore: '',
      }),
      rocketmq: z.object({
        instanceId: z.string(),
        instanceType: z.string(),
        offset: z.enum(['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET', 'CONSUME_FROM_TIMESTAMP']),
        timeBasedWindowSeconds: z.int().check(z.minimum(0), z.maximum(15)),
        retryStrategy: z.enum(['BACKOFF_RETRY', 'EXPONENTIAL_DECAY_RETRY']),
        errorsTolerance: z.enum(['ALL', 'NONE']),
        deadLetterArn: z._default(z.string(), ''),
      }),
      triggers: z.record(z.string(), z.array(deployTriggerSchema)),
    }),
  }),
});
export type ServerlessConfig = z.infer<typeof serverlessConfigSchema>;

/** The triggers the catalog says a function must have, in deployment form. */
export function catalogTriggers(catalog: Catalog, functionName: string): DeployTrigger[] {
  const fn = catalog.function(functionName);
  if (!fn) return [];
  return fn.triggers.map((trigger): DeployTrigger => {
    if (trigger.type === 'http') return { name: trigger.name, type: 'http', methods: [...trigger.methods] };
    if (trigger.type === 'timer') return { name: trigger.name, type: 'timer', cron: trigger.cron, payload: trigger.payload };
    const group = catalog.group(trigger.group);
    return {
      name: trigger.name,
      type: 'rocketmq',
      group: trigger.group,
      topic: group?.topic ?? '',
      tags: group?.tagExpression ?? '',
      batchSize: trigger.batchSize,
    };
  });
}

const canonical = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/**
 * Every difference between the deployment description and the catalog: functions, handlers,
 * timeouts, memory and triggers (names, cron, groups, topics, tag filters). Empty means no drift.
 */
export function catalogDrift(config: ServerlessConfig, catalog: Catalog): string[] {
  const problems: string[] = [];
  const declared = Object.keys(config.functions);
  for (const fn of catalog.functions) {
    const deployed = config.functions[fn.name];
    if (!deployed) {
      problems.push(`function '${fn.name}' is in the catalog but not in serverless.yml`);
      continue;
    }
    if (deployed.handler !== `dist/${fn.name}.handler`)
      problems.push(`function '${fn.name}' handler is '${deployed.handler}', expected 'dist/${fn.name}.handler'`);
    if (deployed.timeout !== fn.timeoutSeconds)
      problems.push(`function '${fn.name}' timeout ${deployed.timeout} s, catalog says ${fn.timeoutSeconds} s`);
    if (deployed.memorySize !== fn.memoryMB)
      problems.push(`function '${fn.name}' memorySize ${deployed.memorySize} MB, catalog says ${fn.memoryMB} MB`);
    const expected = catalogTriggers(catalog, fn.name);
    const actual = config.custom.txcenter.triggers[fn.name] ?? [];
    for (const trigger of expected) {
      const match = actual.find((candidate) => candidate.name === trigger.name);
      if (!match) problems.push(`function '${fn.name}' lacks trigger '${trigger.name}' (${trigger.type})`);
      else if (canonical(match) !== canonical(trigger))
        problems.push(`function '${fn.name}' trigger '${trigger.name}' is ${canonical(match)}, catalog says ${canonical(trigger)}`);
    }
    for (const trigger of actual) {
      if (!expected.some((candidate) => candidate.name === trigger.name))
        problems.push(`function '${fn.name}' has trigger '${trigger.name}' that the catalog does not`);
    }
  }
  for (const name of [...declared, ...Object.keys(config.custom.txcenter.triggers)]) {
    if (!catalog.function(name)) problems.push(`'${name}' in serverless.yml is not a catalog function`);
  }
  return [...new Set(problems)];
}

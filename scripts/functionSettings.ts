import type * as z from '../shared/zod';
import { checkbackConfigSchema } from '../functions/tx-checkback/config';
import { consoleConfigSchema } from '../functions/tx-console/config';
import { gatewayConfigSchema } from '../functions/tx-gateway/config';
import { consumerConfigSchema } from '../shared/engines/consumer/config';
import { reconcilerConfigSchema } from '../shared/engines/reconcile/config';
import { parseChannels } from '../shared/domain/delivery/channelConfig';
import { senderConfigSchema } from '../shared/domain/delivery/config';

/**
 * The settings table: which zod schema each deployed function reads its environment with (the very
 * schema its handler parses at cold start), and what deployment must know about each setting beyond
 * its schema. The deploy plan passes each function exactly its schema's settings, `--dry-run`
 * validates them with that schema, and docs/deploying.md's settings table is generated from here
 * (`npm run deploy -- --settings-table`). test/scripts/packageCheck.test.ts fails when a bundle reads
 * a TXC_ setting its function's schema does not declare, test/scripts/functionSettings.test.ts when a
 * setting has no row below.
 *
 * A new function is one entry in {@link FUNCTION_CONFIG_SCHEMAS}; a new setting is one row in
 * {@link SETTINGS}.
 */
export const FUNCTION_CONFIG_SCHEMAS: Readonly<Record<string, z.ZodMiniObject>> = {
  'tx-gateway': gatewayConfigSchema,
  'tx-checkback': checkbackConfigSchema,
  'consumer-ops': consumerConfigSchema,
  'consumer-cs': consumerConfigSchema,
  'consumer-orchestration': consumerConfigSchema,
  'consumer-compliance': consumerConfigSchema,
  'consumer-datacenter': consumerConfigSchema,
  'dlq-alerter': consumerConfigSchema,
  reconciler: reconcilerConfigSchema,
  'tx-console': consoleConfigSchema,
  'touchpoint-sender': senderConfigSchema,
};

export interface SettingInfo {
  /** What it is, for the generated table. */
  readonly about: string;
  /**
   * The cloud needs a value even where the schema has a default: those defaults serve the local
   * stack (a SQLite file, a broker on 127.0.0.1) and would be wrong in Function Compute.
   */
  readonly required?: true;
  /** Masked in the printed plan. */
  readonly secret?: true;
  /** Set by the local stack only: never deployed, and a problem when a stage's settings name it. */
  readonly localOnly?: true;
  /** A rule only the cloud has (the schema also serves the local stack); returns the problem, if any. */
  readonly cloudRule?: (value: string) => string | undefined;
}

const isLoopback = (url: string) => /^[a-z]+:\/\/(localhost|127\.|\[::1\])/i.test(url);

export const SETTINGS: Readonly<Record<string, SettingInfo>> = {
  TXC_DATABASE_URL: {
    about: '`mysql://user:password@host:3306/db` (RDS MySQL, utf8mb4)',
    required: true,
    secret: true,
    cloudRule: (value) =>
      value.startsWith('mysql://') ? undefined : 'must be a mysql:// URL in the cloud (cloud bundles carry no SQLite driver)',
  },
  TXC_MQ_ENDPOINT: {
    about: 'RocketMQ 4.x HTTP endpoint, `http://<uid>.mqrest.<region>[-internal].aliyuncs.com`',
    required: true,
    cloudRule: (value) => (isLoopback(value) ? 'points at this machine; use the instance HTTP endpoint' : undefined),
  },
  TXC_MQ_ACCESS_KEY_ID: { about: 'AccessKey id allowed to publish/consume on the instance', required: true },
  TXC_MQ_ACCESS_KEY_SECRET: { about: 'its secret', required: true, secret: true },
  TXC_MQ_INSTANCE_ID: { about: 'RocketMQ instance id (also the RocketMQ triggers’ source)', required: true },
  TXC_LOG_LEVEL: { about: 'pino level' },
  TXC_SYSTEMS: {
    about: 'JSON array of business systems `[{id, secret, checkbackUrl}]`',
    required: true,
    secret: true,
    cloudRule: (value) => (/^\[\s*\]$/.test(value.trim()) ? 'lists no business system: nobody could call tx-gateway' : undefined),
  },
  TXC_CHECK_IMMUNITY_SECONDS: { about: 'overrides every scenario’s check-immunity (demos); unset = the catalog’s' },
  TXC_CHECKBACK_TIMEOUT_MS: { about: 'longest wait for a business system’s check-back answer' },
  TXC_CHECKBACK_SAFETY_MARGIN_MS: { about: 'tx-checkback stops pulling when less than this remains of the invocation' },
  TXC_TRADING_URL: {
    about: 'trading system base URL (discount-purchase slave transaction)',
    required: true,
    cloudRule: (value) => (isLoopback(value) ? 'points at this machine; use the trading system’s URL' : undefined),
  },
  TXC_CONSUMER_MAX_BODY_BYTES: { about: 'largest accepted message body' },
  TXC_CONSUMER_MAX_ATTEMPTS: { about: 'overrides every group’s maxAttempts (demos); unset = the catalog’s' },
  TXC_ALERT_WEBHOOK_URL: { about: 'alert webhook (DingTalk robot or JSON); unset = alerts go to the log', secret: true },
  TXC_ALERT_WEBHOOK_FORMAT: { about: '`dingtalk` or `json`' },
  TXC_ALERT_WEBHOOK_SECRET: { about: 'DingTalk robot signing secret (加签)', secret: true },
  TXC_ALERT_WINDOW_SECONDS: { about: 'alerts of one incident are sent once per window' },
  TXC_ALERT_RESEND_AFTER_SECONDS: { about: 'a recorded but unsent alert is re-sent by the reconciler’s sweep after this long' },
  TXC_RECONCILE_STUCK_AFTER_SECONDS: { about: 'seconds past check-immunity after which a PREPARED transaction counts as stuck' },
  TXC_RECONCILE_MAX_SLA_SECONDS: { about: 'caps every group’s consume SLA (demos); unset = the catalog’s' },
  TXC_RECONCILE_LOOKBACK_SECONDS: { about: 'how far back each reconciliation looks' },
  TXC_RECONCILE_BATCH_LIMIT: { about: 'rows examined per reconciliation query' },
  TXC_TOUCHPOINT_REVIEW_SLA_SECONDS: { about: 'seconds compliance has to review a touch-point before the reconciler flags it' },
  TXC_CHANNELS: {
    about: 'channel providers, JSON `{app|sms|wechat|email: {url, secret, timeoutMs?, templateId?}}` (touchpoint-sender)',
    required: true,
    secret: true,
    cloudRule: (value) => {
      try {
        return Object.keys(parseChannels(value)).length === 0 ? 'lists no channel: no touch-point could be sent' : undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  },
  TXC_SENDER_MAX_ATTEMPTS: { about: 'provider attempts before a touch-point becomes FAILED' },
  TXC_SENDER_BATCH: { about: 'touch-points sent per touchpoint-sender run' },
  TXC_OPERATORS: {
    about: 'console operators, JSON `[{name, role, passwordHash?, tokenHash?}]` (`txcenter console-password`)',
    required: true,
    secret: true,
  },
  TXC_CONSOLE_SESSION_SECRET: { about: 'HMAC key of console sessions and CSRF tokens (≥ 32 characters)', required: true, secret: true },
  TXC_CONSOLE_SESSION_TTL_SECONDS: { about: 'console session lifetime' },
  TXC_LOCAL_RUNTIME_STATUS_FILE: {
    about: 'local stack only (never deployed): the supervisor status file whose function restart counts `/metrics` shows',
    localOnly: true,
  },
  TXC_CONSOLE_COOKIE_SECURE: {
    about: '`false` only for plain-http local runs',
    cloudRule: (value) =>
      value === 'false' ? 'must stay true in the cloud (FC serves HTTPS; a session cookie without Secure could leak over http)' : undefined,
  },
};

/** The setting names a function's schema declares. */
export function settingsOf(functionName: string): string[] {
  const schema = FUNCTION_CONFIG_SCHEMAS[functionName];
  return schema ? Object.keys(schema.def.shape) : [];
}

/** Every setting any function reads, in table order first, then any the table lacks. */
export function allSettingNames(): string[] {
  const read = new Set(Object.keys(FUNCTION_CONFIG_SCHEMAS).flatMap(settingsOf));
  return [...Object.keys(SETTINGS).filter((name) => read.has(name)), ...[...read].filter((name) => !(name in SETTINGS))];
}

/** Whether a setting's value must be hidden when printed (unknown names are, to be safe). */
export function isSecretSetting(name: string): boolean {
  return SETTINGS[name]?.secret === true || (!(name in SETTINGS) && /SECRET|PASSWORD|TOKEN|KEY/.test(name));
}

export interface SettingProblem {
  readonly setting: string;
  readonly functions: readonly string[];
  readonly problem: string;
}

/**
 * Every reason the functions would not start (or would start wrong) with these values: required
 * settings unset, each function's own schema refusing a value, and the cloud-only rules. One entry per
 * setting and problem, naming the functions affected. Values are never echoed (they may be secrets).
 */
export function settingProblems(
  values: Readonly<Record<string, string>>,
  functions: readonly string[] = Object.keys(FUNCTION_CONFIG_SCHEMAS),
): SettingProblem[] {
  const found = new Map<string, { setting: string; problem: string; functions: string[] }>();
  const add = (setting: string, problem: string, fn: string) => {
    const key = `${setting}\n${problem}`;
    const entry = found.get(key) ?? { setting, problem, functions: [] };
    entry.functions.push(fn);
    found.set(key, entry);
  };
  for (const fn of functions) {
    const schema = FUNCTION_CONFIG_SCHEMAS[fn];
    if (!schema) {
      add('(settings table)', 'has no entry for this function: add its config schema to FUNCTION_CONFIG_SCHEMAS', fn);
      continue;
    }
    const env = functionEnvironment(fn, values);
    for (const name of settingsOf(fn)) {
      const info = SETTINGS[name];
      if (info?.localOnly && values[name] !== undefined) add(name, 'is a local-stack setting: Function Compute has no such file', fn);
      else if (info?.required && env[name] === undefined) add(name, 'is not set', fn);
      else if (env[name] !== undefined) {
        const problem = info?.cloudRule?.(env[name]);
        if (problem) add(name, problem, fn);
      }
    }
    const parsed = schema.safeParse(env);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const name = String(issue.path[0] ?? '');
        if (!(SETTINGS[name]?.required && env[name] === undefined)) add(name, issue.message, fn);
      }
    }
  }
  return [...found.values()];
}

/** The settings of a function that a deploy passes on: its schema's, without the local-stack ones. */
export function deployedSettingsOf(functionName: string): string[] {
  return settingsOf(functionName).filter((name) => !SETTINGS[name]?.localOnly);
}

/** The environment variables a function is deployed with: its deployed settings that have a value. */
export function functionEnvironment(functionName: string, values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    deployedSettingsOf(functionName).flatMap((name) => (values[name] !== undefined && values[name] !== '' ? [[name, values[name]]] : [])),
  );
}

/** The markdown table of docs/deploying.md: every setting, who reads it, whether the cloud needs it. */
export function settingsTableMarkdown(): string {
  const readers = (name: string) => {
    const fns = Object.keys(FUNCTION_CONFIG_SCHEMAS).filter((fn) => settingsOf(fn).includes(name));
    return fns.length === Object.keys(FUNCTION_CONFIG_SCHEMAS).length ? 'all' : fns.join(', ');
  };
  const rows = allSettingNames().map((name) => {
    const info = SETTINGS[name];
    return `| \`${name}\` | ${info?.required ? 'yes' : ''} | ${info?.secret ? 'yes' : ''} | ${readers(name)} | ${info?.about ?? ''} |`;
  });
  return ['| setting | required | secret | read by | what |', '|---|---|---|---|---|', ...rows].join('\n');
}

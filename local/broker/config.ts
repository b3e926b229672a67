import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from '../../shared/zod';
import { brokerResources } from '../../shared/engines/catalog/index';
import { BrokerConfigError } from './errors';
import type { BrokerOptions, DeclaredResourcesInput } from './options';
import { declaredResourcesSchema } from './options';

/** Default data directory of `txcenter broker`, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.txcenter/broker';

/**
 * Command-line options of `txcenter broker` and the environment variable each one falls back to.
 * The only place the broker reads `process.env`.
 */
export const BROKER_FLAGS = {
  port: { env: 'TXC_BROKER_PORT', type: 'string', help: 'port to listen on; 0 picks a free one (default 9876)' },
  host: { env: 'TXC_BROKER_HOST', type: 'string', help: 'address to listen on (default 127.0.0.1)' },
  data: { env: 'TXC_BROKER_DATA', type: 'string', help: `directory of the durable state (default ${DEFAULT_DATA_DIR})` },
  'access-key-id': { env: 'TXC_BROKER_ACCESS_KEY_ID', type: 'string', help: 'accepted AccessKeyId (default txcenter-dev)' },
  'access-key-secret': { env: 'TXC_BROKER_ACCESS_KEY_SECRET', type: 'string', help: 'its AccessKeySecret (default txcenter-dev-secret)' },
  'auto-create': { env: 'TXC_BROKER_AUTO_CREATE', type: 'boolean', help: 'accept any topic and group' },
  config: { env: 'TXC_BROKER_CONFIG', type: 'string', help: 'JSON file declaring topics/groups (default: the shared catalog)' },
  'invisibility-seconds': {
    env: 'TXC_BROKER_INVISIBILITY_SECONDS',
    type: 'string',
    help: 'redelivery delay of unacked messages (default 300)',
  },
  'max-reconsume': { env: 'TXC_BROKER_MAX_RECONSUME', type: 'string', help: 'deliveries before a dead letter (default 288)' },
  'half-recheck-seconds': {
    env: 'TXC_BROKER_HALF_RECHECK_SECONDS',
    type: 'string',
    help: 'interval of half-message re-offers (default 10)',
  },
  'min-check-immunity-seconds': {
    env: 'TXC_BROKER_MIN_CHECK_IMMUNITY_SECONDS',
    type: 'string',
    help: 'lowest accepted __TransCheckT (default 10)',
  },
  'half-give-up-seconds': {
    env: 'TXC_BROKER_HALF_GIVE_UP_SECONDS',
    type: 'string',
    help: 'discard undecided half messages after (default 86400)',
  },
} as const;

type Flag = keyof typeof BROKER_FLAGS;

/** The `--config` file: `{ "declared": [{ "ns"?, "topics", "groups" }] }` or the shorthand `{ "topics", "groups" }`. */
const configFileSchema = z.union([
  z.strictObject({ declared: declaredResourcesSchema }),
  z.pipe(
    z.strictObject({ topics: z.array(z.string()), groups: z.array(z.string()) }),
    z.transform((single) => ({ declared: [single] })),
  ),
]);

function readConfigFile(path: string): DeclaredResourcesInput {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new BrokerConfigError(`cannot read broker config ${path}: ${(cause as Error).message}`, { cause });
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success)
    throw new BrokerConfigError(
      `broker config ${path} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data.declared;
}

function numberFlag(flag: Flag, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number))
    throw new BrokerConfigError(`--${flag} (or ${BROKER_FLAGS[flag].env}) must be a number, got '${value}'`);
  return number;
}

/**
 * Builds `BrokerOptions` from the command line, falling back to the environment, then to defaults.
 * Without `--auto-create` and `--config`, the declared resources are the shared catalog's.
 */
export function loadBrokerConfig(args: string[], env: NodeJS.ProcessEnv = process.env): BrokerOptions {
  const options = Object.fromEntries(Object.entries(BROKER_FLAGS).map(([name, flag]) => [name, { type: flag.type }])) as Record<
    Flag,
    { type: 'string' | 'boolean' }
  >;
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  const get = (flag: Flag): string | undefined => {
    const value = values[flag];
    if (value !== undefined) return String(value);
    return env[BROKER_FLAGS[flag].env];
  };
  const autoCreateText = get('auto-create');
  const autoCreate = autoCreateText === undefined ? false : ['1', 'true', 'yes'].includes(autoCreateText.toLowerCase());
  const keyId = get('access-key-id');
  const keySecret = get('access-key-secret');
  if ((keyId === undefined) !== (keySecret === undefined))
    throw new BrokerConfigError('--access-key-id and --access-key-secret must be given together');
  const configPath = get('config');
  const declared = configPath !== undefined ? readConfigFile(configPath) : autoCreate ? [] : [brokerResources()];
  const port = numberFlag('port', get('port'));
  return {
    ...(port === undefined ? {} : { port }),
    ...(get('host') === undefined ? {} : { host: get('host') }),
    dataDir: get('data') ?? DEFAULT_DATA_DIR,
    ...(keyId === undefined || keySecret === undefined ? {} : { credentials: [{ accessKeyId: keyId, accessKeySecret: keySecret }] }),
    autoCreate,
    declared,
    invisibilitySeconds: numberFlag('invisibility-seconds', get('invisibility-seconds')),
    maxReconsume: numberFlag('max-reconsume', get('max-reconsume')),
    halfRecheckSeconds: numberFlag('half-recheck-seconds', get('half-recheck-seconds')),
    minCheckImmunitySeconds: numberFlag('min-check-immunity-seconds', get('min-check-immunity-seconds')),
    halfGiveUpSeconds: numberFlag('half-give-up-seconds', get('half-give-up-seconds')),
  };
}

/** Usage text listing every flag with its environment variable. */
export function brokerUsage(): string {
  const lines = Object.entries(BROKER_FLAGS).map(([name, flag]) => {
    const left = `  --${name}${flag.type === 'string' ? ' <value>' : ''}`;
    return `${left.padEnd(42)}${flag.help} [${flag.env}]`;
  });
  return [
    'Usage: txcenter broker [options]',
    '',
    'Runs the local RocketMQ HTTP broker and prints one line with its URL when ready.',
    '',
    'Options:',
    ...lines,
  ].join('\n');
}

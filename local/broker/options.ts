import { z } from 'zod';
import {
  DEFAULT_HALF_GIVE_UP_SECONDS,
  DEFAULT_HALF_RECHECK_SECONDS,
  DEFAULT_HOST,
  DEFAULT_INVISIBILITY_SECONDS,
  DEFAULT_MAX_RECONSUME,
  DEFAULT_MIN_CHECK_IMMUNITY_SECONDS,
  DEFAULT_PORT,
  MAX_CHECK_IMMUNITY_SECONDS,
} from './constants';
import { BrokerConfigError } from './errors';

/** Documented development credentials, accepted when no others are configured. */
export const DEV_ACCESS_KEY_ID = 'txcenter-dev';
export const DEV_ACCESS_KEY_SECRET = 'txcenter-dev-secret';

/** Invisibility after an ordered consume: the cloud retries ordered messages every minute. */
const ORDERED_INVISIBILITY_SECONDS = 60;

const seconds = z.number().positive().max(10 * 365 * 86_400);

const name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - or _, at most 64');

/** Topics and groups the broker accepts when it does not auto-create them; `ns` omitted = every instance. */
export const declaredResourcesSchema = z.array(
  z.object({ ns: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/).optional(), topics: z.array(name), groups: z.array(name) }).strict(),
);

export const brokerOptionsSchema = z
  .object({
    /** @default 9876; 0 picks a free port. */
    port: z.number().int().min(0).max(65_535).default(DEFAULT_PORT),
    /** @default '127.0.0.1' */
    host: z.string().min(1).default(DEFAULT_HOST),
    /** Directory of the durable state (created if missing). */
    dataDir: z.string().min(1),
    /** @default the dev pair */
    credentials: z
      .array(z.object({ accessKeyId: z.string().min(1), accessKeySecret: z.string().min(1) }).strict())
      .min(1)
      .default([{ accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET }]),
    /** Accept any topic and group. @default false */
    autoCreate: z.boolean().default(false),
    /** Used when autoCreate is false. @default [] */
    declared: declaredResourcesSchema.default([]),
    /** @default 300 */
    invisibilitySeconds: seconds.default(DEFAULT_INVISIBILITY_SECONDS),
    /** Deliveries before a message becomes a dead letter. @default 288 */
    maxReconsume: z.number().int().min(1).max(100_000).default(DEFAULT_MAX_RECONSUME),
    /** @default 10 */
    halfRecheckSeconds: seconds.default(DEFAULT_HALF_RECHECK_SECONDS),
    /** Lowest accepted `__TransCheckT`. @default 10 */
    minCheckImmunitySeconds: z.number().int().min(1).max(MAX_CHECK_IMMUNITY_SECONDS).default(DEFAULT_MIN_CHECK_IMMUNITY_SECONDS),
    /** @default 86400 */
    halfGiveUpSeconds: seconds.default(DEFAULT_HALF_GIVE_UP_SECONDS),
    /** Journal size that triggers compaction. @default 64 MiB */
    compactBytes: z.number().int().min(1024).optional(),
  })
  .strict();

/** Options of `startBroker` (see the schema for defaults and units). */
export type BrokerOptions = z.input<typeof brokerOptionsSchema>;
export type ResolvedBrokerOptions = z.output<typeof brokerOptionsSchema>;
export type DeclaredResourcesInput = z.input<typeof declaredResourcesSchema>;

/** Applies every default once and rejects bad values with a message naming the option. */
export function resolveBrokerOptions(options: BrokerOptions): ResolvedBrokerOptions {
  const parsed = brokerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
    throw new BrokerConfigError(`invalid broker options: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export function orderedInvisibilitySeconds(options: ResolvedBrokerOptions): number {
  return Math.min(options.invisibilitySeconds, ORDERED_INVISIBILITY_SECONDS);
}

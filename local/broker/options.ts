import * as z from '../../shared/zod';
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

const seconds = z.number().check(z.positive(), z.maximum(10 * 365 * 86_400));

const name = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - or _, at most 64'));

/** Topics and groups the broker accepts when it does not auto-create them; `ns` omitted = every instance. */
export const declaredResourcesSchema = z.array(
  z.strictObject({ ns: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/))), topics: z.array(name), groups: z.array(name) }),
);

export const brokerOptionsSchema = z.strictObject({
  /** @default 9876; 0 picks a free port. */
  port: z._default(z.int().check(z.minimum(0), z.maximum(65_535)), DEFAULT_PORT),
  /** @default '127.0.0.1' */
  host: z._default(z.string().check(z.minLength(1)), DEFAULT_HOST),
  /** Directory of the durable state (created if missing). */
  dataDir: z.string().check(z.minLength(1)),
  /** @default the dev pair */
  credentials: z._default(
    z
      .array(z.strictObject({ accessKeyId: z.string().check(z.minLength(1)), accessKeySecret: z.string().check(z.minLength(1)) }))
      .check(z.minLength(1)),
    [{ accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET }],
  ),
  /** Accept any topic and group. @default false */
  autoCreate: z._default(z.boolean(), false),
  /** Used when autoCreate is false. @default [] */
  declared: z._default(declaredResourcesSchema, []),
  /** @default 300 */
  invisibilitySeconds: z._default(seconds, DEFAULT_INVISIBILITY_SECONDS),
  /** Deliveries before a message becomes a dead letter. @default 288 */
  maxReconsume: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), DEFAULT_MAX_RECONSUME),
  /** @default 10 */
  halfRecheckSeconds: z._default(seconds, DEFAULT_HALF_RECHECK_SECONDS),
  /** Lowest accepted `__TransCheckT`. @default 10 */
  minCheckImmunitySeconds: z._default(
    z.int().check(z.minimum(1), z.maximum(MAX_CHECK_IMMUNITY_SECONDS)),
    DEFAULT_MIN_CHECK_IMMUNITY_SECONDS,
  ),
  /** @default 86400 */
  halfGiveUpSeconds: z._default(seconds, DEFAULT_HALF_GIVE_UP_SECONDS),
  /** Journal size that triggers compaction. @default 64 MiB */
  compactBytes: z.optional(z.int().check(z.minimum(1024))),
});

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

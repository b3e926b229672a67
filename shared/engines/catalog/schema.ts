import * as z from '../../zod';

/** Names RocketMQ accepts for topics, tags and group ids (letters, digits, `_`, `-`; ≤ 64 chars). */
const resourceName = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64 characters'));

/** What the transaction center does with a half message still undecided after its last check. */
export const UNDECIDED_POLICIES = ['rollback-and-alert', 'commit-and-alert'] as const;
export type UndecidedPolicy = (typeof UNDECIDED_POLICIES)[number];

/** One tag of a topic = one business scenario, with its transaction-check settings. */
export const tagSchema = z.object({
  name: resourceName,
  description: z.string(),
  /** Seconds after prepare before the broker first offers the half message for a check (10..300). */
  checkImmunitySeconds: z._default(z.int().check(z.minimum(10), z.maximum(300)), 10),
  /** Check-back calls to the business system before the undecided policy applies. */
  maxChecks: z._default(z.int().check(z.minimum(1), z.maximum(1000)), 15),
  /** Age after which an undecided transaction gets the policy regardless of the check count. */
  maxAgeSeconds: z._default(z.int().check(z.minimum(10), z.maximum(86_400)), 3_600),
  undecidedPolicy: z._default(z.enum(UNDECIDED_POLICIES), 'rollback-and-alert'),
});

export const topicSchema = z.object({
  name: resourceName,
  description: z.string(),
  /** Transactional topics accept half messages (prepare/commit/rollback through tx-gateway). */
  messageType: z.enum(['normal', 'transactional']),
  tags: z.array(tagSchema).check(z.minLength(1)),
});

export const groupSchema = z.object({
  /** Consumer group id; Aliyun requires the GID_ prefix. */
  id: resourceName.check(z.regex(/^GID[_-]/, 'group ids start with GID_ or GID-')),
  topic: resourceName,
  /** RocketMQ tag expression: `*`, `TagA` or `TagA||TagC`. */
  tagExpression: z.string().check(z.minLength(1)),
  description: z.string(),
  /** Delivery attempts before the consumer runtime forwards a message to the DLQ topic. */
  maxAttempts: z._default(z.int().check(z.minimum(1), z.maximum(288)), 16),
  /** Seconds within which a committed message must be consumed before the reconciler flags it. */
  consumeSlaSeconds: z._default(z.int().check(z.minimum(1)), 300),
});

export const triggerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('http'),
    name: resourceName,
    methods: z.array(z.enum(['GET', 'POST', 'PUT', 'DELETE'])).check(z.minLength(1)),
  }),
  z.object({
    type: z.literal('timer'),
    name: resourceName,
    /** FC cron with six fields (seconds first, e.g. every five minutes) or `@every 1m`. */
    cron: z.string().check(z.minLength(1)),
    payload: z._default(z.string(), ''),
  }),
  z.object({
    type: z.literal('mq'),
    name: resourceName,
    /** The consumer group; topic and tag filter come from the group. */
    group: resourceName,
    /** Messages per invocation (the HTTP pull takes at most 16). */
    batchSize: z._default(z.int().check(z.minimum(1), z.maximum(16)), 16),
  }),
]);

export const functionSchema = z.object({
  name: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,63}$/, 'lowercase letters, digits and -')),
  description: z.string(),
  timeoutSeconds: z._default(z.int().check(z.minimum(1), z.maximum(600)), 60),
  memoryMB: z._default(z.int().check(z.minimum(128), z.maximum(32_768)), 256),
  triggers: z.array(triggerSchema).check(z.minLength(1)),
});

export const catalogSchema = z.object({
  topics: z.array(topicSchema).check(z.minLength(1)),
  groups: z.array(groupSchema),
  /** Where consumers forward messages that exhausted their attempts. */
  deadLetter: z.object({ topic: resourceName, tag: resourceName }),
  /** The group tx-checkback uses for `consumeHalfMessage`/commit/rollback on transactional topics. */
  checkGroup: resourceName,
  functions: z.array(functionSchema).check(z.minLength(1)),
});

export type CatalogInput = z.input<typeof catalogSchema>;
export type CatalogData = z.output<typeof catalogSchema>;
export type TopicDef = z.output<typeof topicSchema>;
export type TagDef = z.output<typeof tagSchema>;
export type GroupDef = z.output<typeof groupSchema>;
export type FunctionDef = z.output<typeof functionSchema>;
export type TriggerDef = z.output<typeof triggerSchema>;

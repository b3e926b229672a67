import { z } from 'zod';

/** Names RocketMQ accepts for topics, tags and group ids (letters, digits, `_`, `-`; ≤ 64 chars). */
const resourceName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64 characters');

/** What the transaction center does with a half message still undecided after its last check. */
export const UNDECIDED_POLICIES = ['rollback-and-alert', 'commit-and-alert'] as const;
export type UndecidedPolicy = (typeof UNDECIDED_POLICIES)[number];

/** One tag of a topic = one business scenario, with its transaction-check settings. */
export const tagSchema = z.object({
  name: resourceName,
  description: z.string(),
  /** Seconds after prepare before the broker first offers the half message for a check (10..300). */
  checkImmunitySeconds: z.number().int().min(10).max(300).default(10),
  /** Check-back calls to the business system before the undecided policy applies. */
  maxChecks: z.number().int().min(1).max(1000).default(15),
  /** Age after which an undecided transaction gets the policy regardless of the check count. */
  maxAgeSeconds: z.number().int().min(10).max(86_400).default(3_600),
  undecidedPolicy: z.enum(UNDECIDED_POLICIES).default('rollback-and-alert'),
});

export const topicSchema = z.object({
  name: resourceName,
  description: z.string(),
  /** Transactional topics accept half messages (prepare/commit/rollback through tx-gateway). */
  messageType: z.enum(['normal', 'transactional']),
  tags: z.array(tagSchema).min(1),
});

export const groupSchema = z.object({
  /** Consumer group id; Aliyun requires the GID_ prefix. */
  id: resourceName.regex(/^GID[_-]/, 'group ids start with GID_ or GID-'),
  topic: resourceName,
  /** RocketMQ tag expression: `*`, `TagA` or `TagA||TagC`. */
  tagExpression: z.string().min(1),
  description: z.string(),
  /** Delivery attempts before the consumer runtime forwards a message to the DLQ topic. */
  maxAttempts: z.number().int().min(1).max(288).default(16),
  /** Seconds within which a committed message must be consumed before the reconciler flags it. */
  consumeSlaSeconds: z.number().int().min(1).default(300),
});

export const triggerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('http'), name: resourceName, methods: z.array(z.enum(['GET', 'POST', 'PUT', 'DELETE'])).min(1) }),
  z.object({
    type: z.literal('timer'),
    name: resourceName,
    /** FC cron with six fields (seconds first, e.g. every five minutes) or `@every 1m`. */
    cron: z.string().min(1),
    payload: z.string().default(''),
  }),
  z.object({
    type: z.literal('mq'),
    name: resourceName,
    /** The consumer group; topic and tag filter come from the group. */
    group: resourceName,
    /** Messages per invocation (the HTTP pull takes at most 16). */
    batchSize: z.number().int().min(1).max(16).default(16),
  }),
]);

export const functionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'lowercase letters, digits and -'),
  description: z.string(),
  timeoutSeconds: z.number().int().min(1).max(600).default(60),
  memoryMB: z.number().int().min(128).max(32_768).default(256),
  triggers: z.array(triggerSchema).min(1),
});

export const catalogSchema = z.object({
  topics: z.array(topicSchema).min(1),
  groups: z.array(groupSchema),
  /** Where consumers forward messages that exhausted their attempts. */
  deadLetter: z.object({ topic: resourceName, tag: resourceName }),
  /** The group tx-checkback uses for `consumeHalfMessage`/commit/rollback on transactional topics. */
  checkGroup: resourceName,
  functions: z.array(functionSchema).min(1),
});

export type CatalogInput = z.input<typeof catalogSchema>;
export type CatalogData = z.output<typeof catalogSchema>;
export type TopicDef = z.output<typeof topicSchema>;
export type TagDef = z.output<typeof tagSchema>;
export type GroupDef = z.output<typeof groupSchema>;
export type FunctionDef = z.output<typeof functionSchema>;
export type TriggerDef = z.output<typeof triggerSchema>;

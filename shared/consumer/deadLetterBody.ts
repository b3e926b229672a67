import { createHash } from 'node:crypto';
import { z } from 'zod';

/** One attempt as carried in a dead letter. */
export const attemptSchema = z.object({
  attempt: z.number().int(),
  messageId: z.string(),
  deliveryCount: z.number().int().optional(),
  startedAt: z.number(),
  finishedAt: z.number(),
  outcome: z.string(),
  errorCode: z.string().optional(),
  error: z.string().optional(),
});

/**
 * The body of a message on the DLQ topic (catalog().deadLetter): the original message verbatim plus
 * where it failed, why, and every attempt. dlq-alerter stores it and can replay it from this alone.
 */
export const deadLetterBodySchema = z.object({
  v: z.literal(1),
  deadLetterId: z.string().min(1).max(64),
  group: z.string().min(1).max(64),
  dedupKey: z.string().min(1).max(128),
  original: z.object({
    topic: z.string().min(1).max(64),
    tag: z.string().max(64).optional(),
    key: z.string().max(128).optional(),
    messageId: z.string().min(1).max(64),
    publishTime: z.number(),
    properties: z.record(z.string(), z.string()),
    body: z.string(),
  }),
  error: z.object({ kind: z.enum(['transient', 'permanent']), code: z.string(), message: z.string() }),
  attempts: z.number().int().min(0),
  history: z.array(attemptSchema),
  /** The dead letter whose replay failed again, if this is one. */
  replayOf: z.string().max(64).optional(),
  deadLetteredAt: z.number(),
});

export type DeadLetterBody = z.output<typeof deadLetterBodySchema>;

/**
 * Deterministic id of a dead letter: the same (group, key, replay) always yields the same id, so a
 * DLQ publish repeated after a crash is recognised as a duplicate by dlq-alerter's barrier.
 */
export function deadLetterIdOf(group: string, dedupKey: string, replayId: string | undefined): string {
  return `dl-${createHash('sha256').update(`${group}\n${dedupKey}\n${replayId ?? ''}`).digest('hex').slice(0, 32)}`;
}

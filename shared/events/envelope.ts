import * as z from '../zod';

/** Version of the envelope below; bump on an incompatible change. */
export const ENVELOPE_VERSION = 1;

/**
 * The JSON body of every message txcenter publishes. `eventId` is the transaction id (also the
 * message key, KEYS) — the unique id every later step uses for idempotency (DESIGN.md §1.5).
 */
export const envelopeSchema = z.object({
  v: z.literal(ENVELOPE_VERSION),
  eventId: z.string().check(z.minLength(1), z.maxLength(64)),
  /** The business system that prepared the transaction. */
  source: z.string().check(z.minLength(1), z.maxLength(64)),
  businessKey: z.string().check(z.minLength(1), z.maxLength(128)),
  topic: z.string().check(z.minLength(1)),
  tag: z.string().check(z.minLength(1)),
  /** ISO-8601 time of prepare. */
  occurredAt: z.string().check(z.minLength(1)),
  payload: z.unknown(),
});

export type Envelope = z.output<typeof envelopeSchema>;

/**
 * Serialises an envelope. `>` is written as `\u003e` (still valid JSON) so a body can never contain
 * `]]>`, which the SDK would send inside CDATA unsplit.
 */
export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope).replace(/>/g, '\\u003e');
}

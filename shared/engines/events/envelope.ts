import * as z from '../../zod';
import { XML_CHAR_CLASS } from '../../adapters/mq/xmlChars';

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
 * What JSON may carry raw but a message body must not: `>` (so a body never contains `]]>`, which
 * the SDK would send inside CDATA unsplit) and every character XML 1.0 forbids (the SDK sends the
 * body as XML text, and the broker refuses a document carrying them). `JSON.stringify` already
 * escapes C0 controls and lone surrogates; U+FFFE and U+FFFF it leaves raw.
 */
const UNSAFE_IN_BODY = new RegExp(`[^${XML_CHAR_CLASS}]|>`, 'gu');

/**
 * Serialises a JSON message body (an envelope, a dead letter). Unsafe characters are written as
 * `\uXXXX` escapes: still the same JSON value, so every string arrives unchanged, and every body is
 * valid XML text the broker accepts.
 */
export function encodeMessageJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_BODY, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Serialises an envelope (see {@link encodeMessageJson}). */
export function encodeEnvelope(envelope: Envelope): string {
  return encodeMessageJson(envelope);
}

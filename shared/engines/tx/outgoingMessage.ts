import { encodeEnvelope, ENVELOPE_VERSION } from '../events/envelope';
import { TxPayloadTooLargeError } from './errors';

/** What a transaction's half message and a plain event have in common. */
export interface OutgoingRequest {
  readonly businessKey: string;
  readonly topic: string;
  readonly tag: string;
  readonly payload: unknown;
  readonly keys?: readonly string[];
}

/**
 * The message body (the envelope, `eventId` = the transaction or event id) and MQ properties
 * (`bizKeys`) of one request, refused before anything is stored when the body exceeds `maxBytes`.
 * @throws TxPayloadTooLargeError
 */
export function outgoingMessage(
  id: string,
  systemId: string,
  request: OutgoingRequest,
  at: number,
  maxBytes: number,
): { body: string; properties: Record<string, string> | undefined } {
  const body = encodeEnvelope({
    v: ENVELOPE_VERSION,
    eventId: id,
    source: systemId,
    businessKey: request.businessKey,
    topic: request.topic,
    tag: request.tag,
    occurredAt: new Date(at).toISOString(),
    payload: request.payload,
  });
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > maxBytes) throw new TxPayloadTooLargeError(bytes, maxBytes);
  return { body, properties: request.keys && request.keys.length > 0 ? { bizKeys: request.keys.join(' ') } : undefined };
}

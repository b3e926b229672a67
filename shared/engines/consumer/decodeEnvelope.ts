import type * as z from '../../zod';
import type { Envelope } from '../events/envelope';
import { envelopeSchema } from '../events/envelope';
import { MessageRejectedError, REJECTION_CODES } from './errors';
import type { DecodedMessage, IncomingMessage } from './types';

/** Validated envelope with its typed payload. */
export type EnvelopeOf<P> = Omit<Envelope, 'payload'> & { readonly payload: P };

/** Parses a body as JSON, naming the failure clearly. @throws MessageRejectedError MESSAGE_NOT_JSON */
export function parseJsonBody(message: IncomingMessage): unknown {
  try {
    return JSON.parse(message.body);
  } catch (error) {
    throw new MessageRejectedError(
      REJECTION_CODES.notJson,
      `body of message ${message.messageId} is not JSON: ${(error as Error).message}`,
    );
  }
}

/** Zod issues as one short line: `payload.amount: amount in yuan …; payload.fundCode: …`. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Decodes a txcenter envelope and its payload. The envelope must name the topic and tag the message was
 * delivered on, so a mis-tagged publish is caught here rather than handled by the wrong domain.
 * @throws MessageRejectedError with a code saying what is wrong (all are permanent).
 */
export function decodeEnvelope<S extends z.ZodMiniType>(
  message: IncomingMessage,
  payloadSchema: S,
): DecodedMessage<EnvelopeOf<z.output<S>>> {
  const envelope = envelopeSchema.safeParse(parseJsonBody(message));
  if (!envelope.success)
    throw new MessageRejectedError(
      REJECTION_CODES.badEnvelope,
      `message ${message.messageId} is not a txcenter envelope: ${describeIssues(envelope.error)}`,
    );
  const { data } = envelope;
  if (data.topic !== message.topic || (message.tag !== undefined && data.tag !== message.tag)) {
    throw new MessageRejectedError(
      REJECTION_CODES.routeMismatch,
      `envelope says ${data.topic}/${data.tag} but message ${message.messageId} came on ${message.topic}/${message.tag ?? '(no tag)'}`,
    );
  }
  const payload = payloadSchema.safeParse(data.payload);
  if (!payload.success)
    throw new MessageRejectedError(
      REJECTION_CODES.badPayload,
      `payload of ${data.topic}/${data.tag} event ${data.eventId} is invalid: ${describeIssues(payload.error)}`,
    );
  return { value: { ...data, payload: payload.data }, eventId: data.eventId, businessKey: data.businessKey };
}

import type { Alert } from '../alert/AlertSink';
import type { DeadLetterBody } from '../consumer/deadLetterBody';
import { deadLetterBodySchema } from '../consumer/deadLetterBody';
import { describeIssues, parseJsonBody } from '../consumer/decodeEnvelope';
import { MessageRejectedError, REJECTION_CODES } from '../consumer/errors';
import type { MessageHandler } from '../consumer/types';
import { DeadLetterStore } from './DeadLetterStore';

/** The alert of a dead letter. One incident per (group, tag, error code): a poison burst alerts once. */
export function deadLetterAlert(body: DeadLetterBody): Alert {
  const where = `${body.group} ← ${body.original.topic}/${body.original.tag ?? '-'}`;
  const details = {
    deadLetterId: body.deadLetterId,
    group: body.group,
    topic: body.original.topic,
    tag: body.original.tag ?? '-',
    key: body.original.key ?? '-',
    attempts: body.attempts,
    errorCode: body.error.code,
  };
  if (body.replayOf) {
    return {
      kind: 'dead-letter-replay-failed',
      severity: 'critical',
      title: `Replayed message failed again (${where})`,
      text: `Dead letter ${body.replayOf} was replayed and failed again with ${body.error.code}: ${body.error.message}. It will not be replayed again automatically.`,
      incidentKey: `dead-letter-replay-failed:${body.group}:${body.replayOf}`,
      details: { ...details, replayOf: body.replayOf },
    };
  }
  return {
    kind: 'dead-letter',
    severity: 'critical',
    title: `Dead letter in ${where}: ${body.error.code}`,
    text: `Message ${body.original.messageId} (key ${body.original.key ?? '-'}) gave up after ${body.attempts} attempt(s): ${body.error.message}\n\nInspect with \`txcenter dlq show ${body.deadLetterId}\`; replay with \`txcenter dlq replay --ids ${body.deadLetterId}\`.`,
    incidentKey: `dead-letter:${body.group}:${body.original.tag ?? '-'}:${body.error.code}`,
    details,
  };
}

/** dlq-alerter: stores each dead letter with its history (once, by dead-letter id) and alerts per incident. */
export function deadLetterHandler(now: () => number = Date.now): MessageHandler<DeadLetterBody> {
  return {
    dedupBy: 'key',
    decode(message) {
      const parsed = deadLetterBodySchema.safeParse(parseJsonBody(message));
      if (!parsed.success)
        throw new MessageRejectedError(
          REJECTION_CODES.badPayload,
          `DLQ message ${message.messageId} is not a dead letter: ${describeIssues(parsed.error)}`,
        );
      return { value: parsed.data, eventId: parsed.data.original.key, businessKey: parsed.data.deadLetterId };
    },
    async handle({ value }, { db }) {
      return {
        summary: `dead letter ${value.deadLetterId} from ${value.group}: ${value.error.code}`,
        alerts: [deadLetterAlert(value)],
        apply: (trx) => new DeadLetterStore(db).save(trx, value, now()),
      };
    },
  };
}

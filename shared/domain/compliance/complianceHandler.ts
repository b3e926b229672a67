import { writeAtCommit } from '../../adapters/store/groupCommit';
import type { Kysely } from 'kysely';
import type { Alert } from '../../engines/alert/AlertSink';
import { decodeEnvelope } from '../../engines/consumer/decodeEnvelope';
import type { EnvelopeOf } from '../../engines/consumer/decodeEnvelope';
import { MessageRejectedError, REJECTION_CODES } from '../../engines/consumer/errors';
import type { MessageHandler } from '../../engines/consumer/types';
import { orchestrationPayloadSchema } from '../journeys/orchestrationEvent';
import { operationsPayloadSchema } from '../touchpoints/operationsEvent';
import { completeReviewQuery } from '../touchpoints/reviewGate';
import type { ComplianceRuleSet } from './complianceRules';
import type { ReviewInput, Verdict } from './reviewContent';
import { reviewContent } from './reviewContent';

/** The content schema per reviewed tag (the catalog routes OPERATIONS||ORCHESTRATION here). */
const SCHEMAS_BY_TAG = { OPERATIONS: operationsPayloadSchema, ORCHESTRATION: orchestrationPayloadSchema } as const;

type Reviewed = EnvelopeOf<ReviewInput & { customerId: string }>;

/**
 * consumer-compliance: reviews operations and companion content and stores the verdict, which gates
 * the event's touch-point (APPROVED on PASS, BLOCKED on VIOLATION; see `completeReview`). A violation
 * alerts the content owner (the event's source system): the content will not reach the customer.
 */
export function complianceHandler(rules: ComplianceRuleSet, now: () => number = Date.now): MessageHandler<Reviewed> {
  return {
    dedupBy: 'key',
    localOnly: true,
    decode(message) {
      const schema = SCHEMAS_BY_TAG[message.tag as keyof typeof SCHEMAS_BY_TAG];
      if (!schema)
        throw new MessageRejectedError(
          REJECTION_CODES.routeMismatch,
          `compliance reviews OPERATIONS and ORCHESTRATION, not ${message.tag ?? '(no tag)'}`,
        );
      return decodeEnvelope(message, schema) as ReturnType<MessageHandler<Reviewed>['decode']>;
    },
    async handle({ value }) {
      const verdict = reviewContent(value.payload, rules);
      const alerts: Alert[] =
        verdict.verdict === 'VIOLATION'
          ? [
              {
                kind: 'compliance-violation',
                severity: 'warning',
                title: `Compliance blocked ${value.tag} content “${value.payload.title.slice(0, 40)}” from ${value.source}`,
                text: [
                  `Owner **${value.source}**: this content will not be sent to the customer. Fix it and publish a new event.`,
                  ...verdict.findings.map((f) => `- **${f.rule}**: ${f.description} (“${f.evidence}”)`),
                ].join('\n'),
                incidentKey: `compliance-violation:${value.eventId}`,
                details: {
                  eventId: value.eventId,
                  businessKey: value.businessKey,
                  source: value.source,
                  owner: value.source,
                  ruleSet: verdict.ruleSet,
                },
              },
            ]
          : [];
      const at = now();
      return {
        summary: `compliance ${verdict.verdict}${verdict.findings.length ? `: ${verdict.findings.map((f) => f.rule).join(', ')}` : ''}`,
        alerts,
        // Written with the COMMIT (writeAtCommit), the verdict before the gate that reads it.
        apply: async (trx) => {
          await writeAtCommit(
            trx,
            trx.insertInto('txc_compliance_verdict').values({
              event_id: value.eventId,
              business_key: value.businessKey,
              tag: value.tag,
              verdict: verdict.verdict,
              rule_set: verdict.ruleSet,
              findings: JSON.stringify(verdict.findings),
              reviewed_at: at,
            }),
          );
          await writeAtCommit(trx, completeReviewQuery(trx, value.eventId, at));
        },
      };
    },
  };
}

export async function verdictOf(db: Kysely<any>, eventId: string): Promise<Verdict | undefined> {
  const row = await db.selectFrom('txc_compliance_verdict').selectAll().where('event_id', '=', eventId).executeTakeFirst();
  return row && { verdict: row.verdict, ruleSet: row.rule_set, findings: JSON.parse(row.findings) };
}

import type { Kysely } from 'kysely';
import { decodeEnvelope } from '../../engines/consumer/decodeEnvelope';
import type { EnvelopeOf } from '../../engines/consumer/decodeEnvelope';
import type { MessageHandler } from '../../engines/consumer/types';
import type { OrchestrationPayload } from './orchestrationEvent';
import { orchestrationPayloadSchema } from './orchestrationEvent';

/** Stage order: a journey never moves back from post- to pre-investment on a late message. */
const STAGE_ORDER = { pre: 0, during: 1, post: 2 } as const;

export interface Journey {
  readonly journeyId: string;
  readonly customerId: string;
  readonly stage: string;
  readonly step: string;
  readonly stepsDone: number;
  /** Epoch ms the current step is due (e.g. the post-purchase review), if it was scheduled. */
  readonly nextDueAt: number | undefined;
}

/** consumer-orchestration (companion group): advances a customer's companion journey by one step. */
export function journeyHandler(now: () => number = Date.now): MessageHandler<EnvelopeOf<OrchestrationPayload>> {
  return {
    dedupBy: 'key',
    decode: (message) => decodeEnvelope(message, orchestrationPayloadSchema),
    async handle({ value }, { db }) {
      const { payload } = value;
      const current = await db
        .selectFrom('txc_journey')
        .select(['stage', 'steps_done'])
        .where('journey_id', '=', payload.journeyId)
        .executeTakeFirst();
      const at = now();
      const dueAt = payload.dueAt ? Date.parse(payload.dueAt) : null;
      const advances = !current || STAGE_ORDER[payload.stage] >= STAGE_ORDER[current.stage as keyof typeof STAGE_ORDER];
      return {
        summary: `journey ${payload.journeyId} ${payload.stage}/${payload.step}${advances ? '' : ' (late step recorded, stage kept)'}`,
        apply: async (trx) => {
          await trx
            .insertInto('txc_journey_step')
            .values({ event_id: value.eventId, journey_id: payload.journeyId, stage: payload.stage, step: payload.step, at })
            .execute();
          if (!current) {
            await trx
              .insertInto('txc_journey')
              .values({
                journey_id: payload.journeyId,
                customer_id: payload.customerId,
                stage: payload.stage,
                step: payload.step,
                steps_done: 1,
                updated_at: at,
                next_due_at: dueAt,
              })
              .execute();
          } else {
            await trx
              .updateTable('txc_journey')
              .set((eb) => ({
                steps_done: eb('steps_done', '+', 1),
                updated_at: at,
                ...(advances ? { stage: payload.stage, step: payload.step, next_due_at: dueAt } : {}),
              }))
              .where('journey_id', '=', payload.journeyId)
              .execute();
          }
        },
      };
    },
  };
}

export async function findJourney(db: Kysely<any>, journeyId: string): Promise<Journey | undefined> {
  const row = await db.selectFrom('txc_journey').selectAll().where('journey_id', '=', journeyId).executeTakeFirst();
  return (
    row && {
      journeyId: row.journey_id,
      customerId: row.customer_id,
      stage: row.stage,
      step: row.step,
      stepsDone: row.steps_done,
      nextDueAt: row.next_due_at === null || row.next_due_at === undefined ? undefined : Number(row.next_due_at),
    }
  );
}

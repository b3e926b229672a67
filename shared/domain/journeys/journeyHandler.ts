import { writeAtCommit } from '../../adapters/store/groupCommit';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { upsert } from '../../adapters/store/upsert';
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

/** True when a step of `stage` may set the stored journey's stage: never back from post- to pre-investment. */
const advancesFrom = (stage: keyof typeof STAGE_ORDER) =>
  sql<boolean>`${STAGE_ORDER[stage]} >= case ${sql.ref('stage')} ${sql.join(
    Object.entries(STAGE_ORDER).map(([name, order]) => sql`when ${name} then ${order}`),
    sql` `,
  )} end`;

/**
 * consumer-orchestration (companion group): advances a customer's companion journey by one step.
 * Local-only: the step row and the journey upsert (the stage order decided in SQL, so nothing is read
 * first) commit with the barrier row in one write (on MySQL sent with the COMMIT: writeAtCommit), and two
 * steps of one journey never race an INSERT.
 */
export function journeyHandler(now: () => number = Date.now): MessageHandler<EnvelopeOf<OrchestrationPayload>> {
  return {
    dedupBy: 'key',
    localOnly: true,
    decode: (message) => decodeEnvelope(message, orchestrationPayloadSchema),
    async handle({ value }) {
      const { payload } = value;
      const at = now();
      const dueAt = payload.dueAt ? Date.parse(payload.dueAt) : null;
      return {
        summary: `journey ${payload.journeyId} ${payload.stage}/${payload.step}`,
        apply: async (trx) => {
          await writeAtCommit(
            trx,
            trx
              .insertInto('txc_journey_step')
              .values({ event_id: value.eventId, journey_id: payload.journeyId, stage: payload.stage, step: payload.step, at }),
          );
          const advances = advancesFrom(payload.stage);
          const ifAdvances = (value: unknown, column: string) => sql`case when ${advances} then ${value} else ${sql.ref(column)} end`;
          // `stage` last: MySQL assigns left to right, and the other columns compare the stored stage.
          const set = {
            steps_done: sql`${sql.ref('steps_done')} + 1`,
            updated_at: at,
            step: ifAdvances(payload.step, 'step'),
            next_due_at: ifAdvances(dueAt, 'next_due_at'),
            stage: ifAdvances(payload.stage, 'stage'),
          };
          const insert = trx.insertInto('txc_journey').values({
            journey_id: payload.journeyId,
            customer_id: payload.customerId,
            stage: payload.stage,
            step: payload.step,
            steps_done: 1,
            updated_at: at,
            next_due_at: dueAt,
          });
          await writeAtCommit(trx, upsert(trx, insert, ['journey_id'], set));
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

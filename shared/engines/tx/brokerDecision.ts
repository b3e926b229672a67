import { isHandleInvalid, MqUnavailableError } from '../../adapters/mq';
import type { MqClient } from '../../adapters/mq';
import type { TxDecision } from './stateMachine';
import type { TxStore } from './TxStore';

/** The broker operations the transaction center needs (tests may pass the real client only). */
export type TxBroker = Pick<MqClient, 'publishHalf' | 'commit' | 'rollback' | 'consumeHalf'>;

/** How a decision reached the broker: done, or left to check-back (broker down, handle expired). */
export type DeliveryOutcome = 'done' | 'pending-checkback';

/**
 * Tells the broker a decision that is already stored, by receipt handle, and records the outcome.
 * A failure is not an error for the caller: the decision is durable and check-back re-delivers it
 * when the broker offers the half message again. Unexpected errors still propagate.
 */
export async function deliverDecision(
  deps: { store: TxStore; broker: TxBroker; checkGroup: string; now: () => number },
  tx: { txId: string; topic: string },
  decision: TxDecision,
  receiptHandle: string,
  actor: string,
): Promise<DeliveryOutcome> {
  try {
    if (decision === 'COMMIT') await deps.broker.commit(tx.topic, deps.checkGroup, receiptHandle);
    else await deps.broker.rollback(tx.topic, deps.checkGroup, receiptHandle);
  } catch (error) {
    if (!(error instanceof MqUnavailableError) && !isHandleInvalid(error)) throw error;
    await deps.store.recordDeliveryFailure(tx.txId, actor, { decision, code: (error as { code: string }).code }, deps.now());
    return 'pending-checkback';
  }
  await deps.store.markDelivered(tx.txId, actor, { decision }, deps.now());
  return 'done';
}

/** @module tx — transaction state machine, store and coordinator of the transaction center. */
export { deliverDecision } from './brokerDecision';
export type { DeliveryOutcome, TxBroker } from './brokerDecision';
export {
  TxBrokerRefusedError,
  TxBrokerUnavailableError,
  TxBusinessKeyReusedError,
  TxMessageRefusedError,
  TxConflictError,
  TxNotFoundError,
  TxPayloadTooLargeError,
  TxPrepareInProgressError,
  TxStoreError,
  TxUnknownScenarioError,
} from './errors';
export { payloadHash } from './payloadHash';
export { MAX_PLAIN_EVENT_BYTES, PlainEventPublisher } from './PlainEventPublisher';
export type { PlainEventPublisherDeps, PlainEventRequest, PlainEventView } from './PlainEventPublisher';
export { SqlTxStore } from './SqlTxStore';
export { stateAfter, transition, TX_DECISIONS, TX_STATES } from './stateMachine';
export type { TransitionOutcome, TxDecision, TxState } from './stateMachine';
export { BROKER_STATES, TX_KINDS } from './tables';
export type { BrokerState, TxKind, TxTables } from './tables';
export {
  BROKER_RETRY_AFTER_SECONDS,
  deliveryOf,
  MAX_ENVELOPE_BYTES,
  MAX_TRANSACTIONAL_MESSAGE_BYTES,
  PREPARE_IN_PROGRESS_RETRY_SECONDS,
  PUBLISH_CLAIM_STALE_MS,
  TxCoordinator,
} from './TxCoordinator';
export type { PrepareRequest, TxCoordinatorDeps, TxView } from './TxCoordinator';
export { newEventId, newTxId } from './txId';
export { TX_EVENT_TYPES } from './TxStore';
export type { DecisionContext, NewTx, TxEvent, TxEventType, TxRecord, TxStore } from './TxStore';

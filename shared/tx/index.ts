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
export { SqlTxStore } from './SqlTxStore';
export { stateAfter, transition, TX_DECISIONS, TX_STATES } from './stateMachine';
export type { TransitionOutcome, TxDecision, TxState } from './stateMachine';
export { BROKER_STATES } from './tables';
export type { BrokerState, TxTables } from './tables';
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
export { newTxId } from './txId';
export { TX_EVENT_TYPES } from './TxStore';
export type { DecisionContext, NewTx, TxEvent, TxEventType, TxRecord, TxStore } from './TxStore';

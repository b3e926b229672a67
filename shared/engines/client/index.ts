/**
 * @module client — what a business system needs: a signed tx-gateway client, `runInTransaction`
 * with the DTM-style barrier, and a ready-made check-back endpoint.
 */
export { BARRIER_OUTCOMES, BARRIER_TABLE, checkbackHandler, ensureBarrierTable, insertCommitBarrier } from './barrier';
export type { BarrierOutcome, BarrierTables } from './barrier';
export { createCheckbackEndpoint } from './checkbackEndpoint';
export type { CheckbackEndpointResponse } from './checkbackEndpoint';
export { TxAlreadyDecidedError, TxClientError } from './errors';
export { runInTransaction } from './runInTransaction';
export type { RunInTransactionResult } from './runInTransaction';
export { DEFAULT_CLIENT_TIMEOUT_MS, eventResponseSchema, TxClient, txResponseSchema } from './TxClient';
export type { EventResponse, PrepareInput, PublishEventInput, TxClientOptions, TxResponse } from './TxClient';

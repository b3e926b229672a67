import { TxcError } from '../../errors';
import type { TxDecision, TxState } from './states';

/** No such transaction for this caller (also when it belongs to another system: 404, never 403). */
export class TxNotFoundError extends TxcError {
  override readonly name = 'TxNotFoundError';
  constructor(txId: string) {
    super('TX_NOT_FOUND', `transaction '${txId}' not found`);
  }
}

/** A decision contradicts the recorded one (commit after rollback, rollback after commit). */
export class TxConflictError extends TxcError {
  override readonly name = 'TxConflictError';
  constructor(
    txId: string,
    readonly state: TxState,
    readonly decision: TxDecision,
  ) {
    super('TX_STATE_CONFLICT', `transaction '${txId}' is ${state}; ${decision} is not allowed`, { details: { state } });
  }
}

/** A businessKey was reused with a different payload (prepare is idempotent only for the same request). */
export class TxBusinessKeyReusedError extends TxcError {
  override readonly name = 'TxBusinessKeyReusedError';
  constructor(businessKey: string, txId: string) {
    super('TX_BUSINESS_KEY_REUSED', `businessKey '${businessKey}' was already used by transaction '${txId}' with a different request`, {
      details: { txId },
    });
  }
}

/** Another prepare of the same businessKey is publishing its half message right now: retry shortly. */
export class TxPrepareInProgressError extends TxcError {
  override readonly name = 'TxPrepareInProgressError';
  constructor(
    txId: string,
    readonly retryAfterSeconds: number,
  ) {
    super('TX_PREPARE_IN_PROGRESS', `transaction '${txId}' is still being prepared; retry in ${retryAfterSeconds}s`, { details: { txId } });
  }
}

/** The topic/tag is not a transactional scenario of the catalog. */
export class TxUnknownScenarioError extends TxcError {
  override readonly name = 'TxUnknownScenarioError';
  constructor(topic: string, tag: string, why: string) {
    super('TX_UNKNOWN_SCENARIO', `topic '${topic}' tag '${tag}': ${why}`);
  }
}

/** The broker could not take the half message; nothing was left half-made. Retry after the hint. */
export class TxBrokerUnavailableError extends TxcError {
  override readonly name = 'TxBrokerUnavailableError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super('BROKER_UNAVAILABLE', message, options);
  }
}

/** The transaction store failed (driver error), wrapped at the boundary. */
export class TxStoreError extends TxcError {
  override readonly name = 'TxStoreError';
  constructor(message: string, options?: ErrorOptions) {
    super('TX_STORE_FAILED', message, options);
  }
}

/** The message (envelope with payload) exceeds the transactional message limit. */
export class TxPayloadTooLargeError extends TxcError {
  override readonly name = 'TxPayloadTooLargeError';
  constructor(bytes: number, limit: number) {
    super('PAYLOAD_TOO_LARGE', `message of ${bytes} bytes exceeds the ${limit}-byte limit of transactional messages`);
  }
}

/**
 * The broker refused the transaction's message as such (InvalidArgument, MalformedXML): the same
 * request would be refused again, so it is the caller's to change. Nothing was stored.
 */
export class TxMessageRefusedError extends TxcError {
  override readonly name = 'TxMessageRefusedError';
  constructor(brokerCode: string, options?: ErrorOptions) {
    super(
      'TX_MESSAGE_REFUSED',
      `the message broker refused this transaction's message (${brokerCode}); the same request would be refused again`,
      {
        ...options,
        details: { brokerCode },
      },
    );
  }
}

/**
 * The broker refused the gateway's publish for a reason no caller can fix (credentials, clock, a
 * topic missing at the broker): a configuration fault for operators. Nothing was stored.
 */
export class TxBrokerRefusedError extends TxcError {
  override readonly name = 'TxBrokerRefusedError';
  constructor(brokerCode: string, options?: ErrorOptions) {
    super(
      'BROKER_REFUSED',
      `the message broker refused the transaction center's request (${brokerCode}); operators must fix its configuration`,
      {
        ...options,
        details: { brokerCode },
      },
    );
  }
}

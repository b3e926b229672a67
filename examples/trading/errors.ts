import { TxcError } from '../../shared/errors';

/** The wallet cannot pay the target fund: a permanent failure (4xx), retrying will not help. */
export class InsufficientBalanceError extends TxcError {
  override readonly name = 'InsufficientBalanceError';
  constructor(customerId: string, neededFen: number, balanceFen: number) {
    super('INSUFFICIENT_BALANCE', `wallet of ${customerId} holds ${balanceFen} fen, ${neededFen} fen needed`);
  }
}

/** The customer has no wallet to pay from: permanent, like an insufficient balance. */
export class WalletNotFoundError extends TxcError {
  override readonly name = 'WalletNotFoundError';
  constructor(customerId: string) {
    super('WALLET_NOT_FOUND', `customer ${customerId} has no wallet`);
  }
}

/** The same transaction id came with a different order: refused rather than applied twice. */
export class SlaveOrderMismatchError extends TxcError {
  override readonly name = 'SlaveOrderMismatchError';
  constructor(txId: string) {
    super('SLAVE_ORDER_MISMATCH', `transaction ${txId} was already applied with different order details`);
  }
}

/** A fault switched on for demos and tests (never in production configuration). */
export class InjectedFaultError extends TxcError {
  override readonly name = 'InjectedFaultError';
  constructor(fault: string) {
    super('FAULT_INJECTED', `injected fault: ${fault}`);
  }
}

/** The transaction center could not be reached or refused the request. */
export class TransactionCenterError extends TxcError {
  override readonly name = 'TransactionCenterError';
  constructor(message: string, options?: ErrorOptions) {
    super('TX_CENTER_UNAVAILABLE', message, options);
  }
}

/** The transaction center refused the prepare for good (its 4xx): retrying the same purchase cannot help. */
export class TransactionCenterRefusedError extends TxcError {
  override readonly name = 'TransactionCenterRefusedError';
  constructor(message: string, options?: ErrorOptions) {
    super('TX_CENTER_REFUSED', message, options);
  }
}

/** Trading error codes → HTTP status (anything else is a 500). */
export const TRADING_ERROR_STATUS: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  INSUFFICIENT_BALANCE: 409,
  WALLET_NOT_FOUND: 404,
  SLAVE_ORDER_MISMATCH: 409,
  FAULT_INJECTED: 503,
  TX_CENTER_UNAVAILABLE: 503,
  TX_CENTER_REFUSED: 422,
  NOT_FOUND: 404,
};

import { TxcError } from '../../shared/errors';

/**
 * Why the trading system refuses a slave purchase for good: the fund is closed to subscriptions
 * (暂停申购), the amount is above its single-purchase limit, the wallet cannot pay, or there is no
 * wallet. Retrying cannot change these, so the purchase ends FUND_PURCHASE_REFUSED and the money stays
 * in the wallet.
 */
export const REFUSAL_CODES = {
  fundClosed: 'FUND_CLOSED',
  limitExceeded: 'LIMIT_EXCEEDED',
  insufficientBalance: 'INSUFFICIENT_BALANCE',
  walletNotFound: 'WALLET_NOT_FOUND',
} as const;
export type RefusalCode = (typeof REFUSAL_CODES)[keyof typeof REFUSAL_CODES];

/**
 * The slave purchase was refused for good (a 4xx whose body says `refused: true`): a final answer,
 * repeated for every later call with the same transaction id.
 */
export class FundPurchaseRefusedError extends TxcError {
  override readonly name = 'FundPurchaseRefusedError';
  constructor(code: RefusalCode, reason: string) {
    super(code, reason, { details: { refused: true } });
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
  FUND_CLOSED: 409,
  LIMIT_EXCEEDED: 409,
  SLAVE_ORDER_MISMATCH: 409,
  FAULT_INJECTED: 503,
  TX_CENTER_UNAVAILABLE: 503,
  TX_CENTER_REFUSED: 422,
  NOT_FOUND: 404,
};

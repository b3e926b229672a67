/** Row types of the trading migrations (bigint columns come back as strings on MySQL: read them with Number()). */
export interface TradingTables {
  trading_wallet: {
    customer_id: string;
    /** Balance before the first discount purchase (seeded); the money equation starts here. */
    opening_fen: number | string;
    balance_fen: number | string;
    updated_at: number | string;
  };
  trading_purchase: {
    purchase_id: string;
    tx_id: string | null;
    customer_id: string;
    fund_code: string;
    amount_fen: number | string;
    /** The fee actually charged: standard_rate × discount (decimal strings). */
    fee_rate: string;
    standard_rate: string;
    /** Share of the standard rate charged: "0" = 0折. */
    discount: string;
    fee_fen: number | string;
    state: PurchaseState;
    error: string | null;
    /** Set with FUND_PURCHASE_REFUSED: why the slave purchase was refused (error holds the reason's text). */
    refusal_code: string | null;
    created_at: number | string;
    updated_at: number | string;
  };
  trading_order: {
    order_id: string;
    tx_id: string;
    purchase_id: string;
    customer_id: string;
    kind: OrderKind;
    fund_code: string;
    amount_fen: number | string;
    /** Subscription fee included in amount_fen (FUND_PURCHASE only; 0 on top-ups). */
    fee_fen: number | string;
    created_at: number | string;
  };
}

/** Fund orders: the wallet top-up (buy the money-market fund; main tx) and the target-fund purchase (slave tx). */
export const ORDER_KINDS = { walletTopUp: 'WALLET_TOPUP', fundPurchase: 'FUND_PURCHASE' } as const;
export type OrderKind = (typeof ORDER_KINDS)[keyof typeof ORDER_KINDS];

/** What the trading system knows about a discount purchase. */
export const PURCHASE_STATES = {
  /** Accepted, transaction not yet prepared. */
  requested: 'REQUESTED',
  /** The transaction center could not prepare it: nothing happened. */
  prepareFailed: 'PREPARE_FAILED',
  /** The main transaction (wallet top-up) failed: rolled back. */
  mainFailed: 'MAIN_FAILED',
  /** Wallet topped up, the commit not (yet) confirmed: check-back will settle it. */
  mainDone: 'MAIN_DONE',
  /** Commit acknowledged by the transaction center. */
  committed: 'COMMITTED',
  /** The slave transaction bought the target fund (final). */
  fundPurchased: 'FUND_PURCHASED',
  /** The slave transaction was refused for good; the top-up stays in the wallet (final). */
  fundPurchaseRefused: 'FUND_PURCHASE_REFUSED',
} as const;
export type PurchaseState = (typeof PURCHASE_STATES)[keyof typeof PURCHASE_STATES];

/** The wallet is a money-market fund; this is its (fictional) fund code on top-up orders. */
export const WALLET_FUND_CODE = '000198';

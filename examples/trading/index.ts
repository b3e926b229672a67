/** @module examples/trading — the fund trading system that plays the discount purchase's business system. */
export { startTradingSystem, CHECKBACK_PATH } from './server';
export type { TradingSystem, TradingSystemOptions } from './server';
export { DISCOUNT_PURCHASE, PURCHASE_OUTCOMES } from './DiscountPurchase';
export type { PurchaseOutcome, PurchaseResult } from './DiscountPurchase';
export { FAULT_HEADER } from './faults';
export type { GlobalFaults } from './faults';
export { ORDER_KINDS, PURCHASE_STATES, WALLET_FUND_CODE } from './tables';
export type { TradingTables } from './tables';
export { TradingStore } from './TradingStore';
export { LOCAL_TRADING_SYSTEM } from './config';

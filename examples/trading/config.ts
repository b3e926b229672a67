/**
 * The trading system's identity at the transaction center in a local stack: an entry of the center's
 * TXC_SYSTEMS (id, shared secret, check-back URL). A development pair, never used outside local runs.
 */
export const LOCAL_TRADING_SYSTEM = {
  id: 'fund-trading',
  secret: 'fund-trading-dev-secret-0123456789abcdef',
} as const;

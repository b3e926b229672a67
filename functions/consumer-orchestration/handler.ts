import { consumerFunction } from '../../shared/consumer/consumerFunction';
import { discountPurchaseHandler } from '../../shared/journeys/discountPurchaseHandler';
import { journeyHandler } from '../../shared/journeys/journeyHandler';
import { TradingClient } from '../../shared/journeys/TradingClient';

/**
 * consumer-orchestration: companion journeys (GID_TXC_ORCH) and the discount-purchase slave
 * transaction against the trading system (GID_TXC_ORCH_TRADE, TXC_TRADING_URL).
 */
export const handler = consumerFunction('consumer-orchestration', ({ config }) => ({
  GID_TXC_ORCH: journeyHandler(),
  GID_TXC_ORCH_TRADE: discountPurchaseHandler(new TradingClient(config.TXC_TRADING_URL)),
}));

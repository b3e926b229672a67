import { consumerFunction } from '../../shared/adapters/fc/mq/consumerFunction';
import { discountPurchaseHandler } from '../../shared/domain/journeys/discountPurchaseHandler';
import { journeyHandler } from '../../shared/domain/journeys/journeyHandler';
import { TradingClient } from '../../shared/domain/journeys/TradingClient';

/**
 * consumer-orchestration: companion journeys (GID_TXC_ORCH) and the discount-purchase slave
 * transaction against the trading system (GID_TXC_ORCH_TRADE, TXC_TRADING_URL).
 */
export const handler = consumerFunction('consumer-orchestration', ({ config }) => ({
  GID_TXC_ORCH: journeyHandler(),
  GID_TXC_ORCH_TRADE: discountPurchaseHandler(new TradingClient(config.TXC_TRADING_URL)),
}));

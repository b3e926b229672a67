import { consumerFunction } from '../../shared/adapters/fc/mq/consumerFunction';
import { catalog } from '../../shared/engines/catalog';
import { PlainEventPublisher, SqlTxStore } from '../../shared/engines/tx';
import { discountPurchaseHandler } from '../../shared/domain/journeys/discountPurchaseHandler';
import { journeyHandler } from '../../shared/domain/journeys/journeyHandler';
import { TradingClient } from '../../shared/domain/journeys/TradingClient';

/**
 * consumer-orchestration: companion journeys (GID_TXC_ORCH) and the discount-purchase slave
 * transaction against the trading system (GID_TXC_ORCH_TRADE, TXC_TRADING_URL), whose outcome it
 * follows up with a plain event (journey step or customer-service notice) stored in the center's store.
 */
export const handler = consumerFunction('consumer-orchestration', ({ config, database, mq }) => ({
  GID_TXC_ORCH: journeyHandler(),
  GID_TXC_ORCH_TRADE: discountPurchaseHandler(
    new TradingClient(config.TXC_TRADING_URL),
    new PlainEventPublisher({ store: new SqlTxStore(database.db), broker: mq, catalog: catalog() }),
  ),
}));

import type { Kysely } from 'kysely';
import { BusinessSystems } from '../../shared/engines/auth';
import { catalog } from '../../shared/engines/catalog';
import { mqConnectionOf } from '../../shared/config';
import type { HttpApp } from '../../shared/engines/invocation/InvocationContext';
import { httpHandler } from '../../shared/adapters/fc/http';
import { createLogger } from '../../shared/logger';
import { MqClient } from '../../shared/adapters/mq';
import { assertDatabaseUrl, openDatabase } from '../../shared/adapters/store/openDatabase';
import { openOnFirstCall } from '../../shared/adapters/store/openOnFirstCall';
import type { TxStore, TxTables } from '../../shared/engines/tx';
import { PlainEventPublisher, SqlTxStore, TxCoordinator } from '../../shared/engines/tx';
import { createTxGatewayApp } from '../../shared/engines/txgateway';
import { readGatewayConfig } from './config';

/** Built once per instance, on the first request (module scope survives on warm instances). */
let app: HttpApp | undefined;

/**
 * Configuration is checked at once (a bad setting fails the first request); the database is opened
 * by the first request that reaches the store, so a refused request (401, 404, 400) answers without it.
 */
function buildApp(): HttpApp {
  const config = readGatewayConfig();
  assertDatabaseUrl(config.TXC_DATABASE_URL);
  const store = openOnFirstCall<TxStore>(async () => new SqlTxStore((await openDatabase(config.TXC_DATABASE_URL)).db as Kysely<TxTables>));
  const minCheckImmunitySeconds = config.TXC_CHECK_IMMUNITY_SECONDS;
  const broker = new MqClient(mqConnectionOf(config), { minCheckImmunitySeconds });
  const coordinator = new TxCoordinator({ store, broker, catalog: catalog(), checkImmunitySeconds: config.TXC_CHECK_IMMUNITY_SECONDS });
  const events = new PlainEventPublisher({ store, broker, catalog: catalog() });
  const systems = new BusinessSystems(config.TXC_SYSTEMS);
  return createTxGatewayApp({ coordinator, events, secretOf: systems.secretOf, logger: createLogger('tx-gateway', config.TXC_LOG_LEVEL) });
}

/** tx-gateway: transactions (prepare / commit / rollback / status) and plain events over the FC HTTP trigger. */
export const handler = httpHandler(async (request, context) => {
  app ??= buildApp(); // a configuration error leaves `app` unset: the next request checks again
  return app(request, context);
});

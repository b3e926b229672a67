import type { Kysely } from 'kysely';
import { BusinessSystems } from '../../shared/auth';
import { catalog } from '../../shared/catalog';
import { mqConnectionOf } from '../../shared/config';
import type { HttpApp } from '../../shared/fc/InvocationContext';
import { httpHandler } from '../../shared/fc/http';
import { createLogger } from '../../shared/logger';
import { MqClient } from '../../shared/mq';
import { openDatabase } from '../../shared/store/openDatabase';
import type { TxTables } from '../../shared/tx';
import { SqlTxStore, TxCoordinator } from '../../shared/tx';
import { createTxGatewayApp } from '../../shared/txgateway';
import { readGatewayConfig } from './config';

/** Built once per instance, on the first request (module scope survives on warm instances). */
let app: Promise<HttpApp> | undefined;

async function buildApp(): Promise<HttpApp> {
  const config = readGatewayConfig();
  const database = await openDatabase(config.TXC_DATABASE_URL);
  const minCheckImmunitySeconds = config.TXC_CHECK_IMMUNITY_SECONDS;
  const coordinator = new TxCoordinator({
    store: new SqlTxStore(database.db as Kysely<TxTables>),
    broker: new MqClient(mqConnectionOf(config), { minCheckImmunitySeconds }),
    catalog: catalog(),
    checkImmunitySeconds: config.TXC_CHECK_IMMUNITY_SECONDS,
  });
  const systems = new BusinessSystems(config.TXC_SYSTEMS);
  return createTxGatewayApp({ coordinator, secretOf: systems.secretOf, logger: createLogger('tx-gateway', config.TXC_LOG_LEVEL) });
}

/** tx-gateway: prepare / commit / rollback / status over the FC HTTP trigger. */
export const handler = httpHandler(async (request, context) => {
  app ??= buildApp().catch((error: unknown) => {
    app = undefined; // a failed cold start is retried on the next request
    throw error;
  });
  return (await app)(request, context);
});

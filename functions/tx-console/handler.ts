import { readFileSync } from 'node:fs';
import { BusinessSystems } from '../../shared/engines/auth';
import { catalog } from '../../shared/engines/catalog';
import { mqConnectionOf } from '../../shared/config';
import { ConsoleMetrics, consoleServices, createConsoleApp, Operators, SessionSigner } from '../../shared/engines/console';
import { UI_ASSETS } from '../../shared/engines/console/ui/assets';
import type { HttpApp } from '../../shared/engines/invocation/InvocationContext';
import { httpHandler } from '../../shared/adapters/fc/http';
import { createLogger } from '../../shared/logger';
import { MqClient } from '../../shared/adapters/mq';
import { assertDatabaseUrl, openDatabase } from '../../shared/adapters/store/openDatabase';
import { openOnce } from '../../shared/adapters/store/openOnFirstCall';
import { readConsoleConfig } from './config';

/** Built once per instance, on the first request (module scope survives on warm instances). */
let app: HttpApp | undefined;

/** Configuration is checked at once; the database opens on the first request that needs it (the UI's files do not). */
function buildApp(): HttpApp {
  const config = readConsoleConfig();
  assertDatabaseUrl(config.TXC_DATABASE_URL);
  const logger = createLogger('tx-console', config.TXC_LOG_LEVEL);
  const services = openOnce(async () =>
    consoleServices({
      db: (await openDatabase(config.TXC_DATABASE_URL)).db,
      catalog: catalog(),
      broker: new MqClient(mqConnectionOf(config), { minCheckImmunitySeconds: config.TXC_CHECK_IMMUNITY_SECONDS }),
      systems: new BusinessSystems(config.TXC_SYSTEMS),
      checkImmunitySeconds: config.TXC_CHECK_IMMUNITY_SECONDS,
      incidentWindowSeconds: config.TXC_ALERT_WINDOW_SECONDS,
    }),
  );
  return createConsoleApp({
    services,
    operators: new Operators(config.TXC_OPERATORS),
    sessions: new SessionSigner({
      secret: config.TXC_CONSOLE_SESSION_SECRET,
      ttlSeconds: config.TXC_CONSOLE_SESSION_TTL_SECONDS,
      secure: config.TXC_CONSOLE_COOKIE_SECURE,
    }),
    metrics: new ConsoleMetrics(),
    assets: UI_ASSETS,
    groups: catalog().groups.map((group) => group.id),
    logger,
    ...(config.TXC_LOCAL_RUNTIME_STATUS_FILE ? { functionRestarts: () => readRestarts(config.TXC_LOCAL_RUNTIME_STATUS_FILE!) } : {}),
  });
}

/**
 * Restart counts from the local runtime's status file (`{functions: {name: {restarts}}}`, rewritten
 * atomically by the supervisor); undefined while it is missing or unreadable, never an error.
 */
function readRestarts(file: string): Record<string, number> | undefined {
  try {
    const { functions } = JSON.parse(readFileSync(file, 'utf8')) as { functions?: Record<string, { restarts?: unknown }> };
    return Object.fromEntries(
      Object.entries(functions ?? {}).flatMap(([name, status]) =>
        typeof status?.restarts === 'number' && Number.isInteger(status.restarts) ? [[name, status.restarts]] : [],
      ),
    );
  } catch {
    return undefined;
  }
}

/** tx-console: the operators' web UI, JSON API and Prometheus metrics over the FC HTTP trigger. */
export const handler = httpHandler(async (request, context) => {
  app ??= buildApp(); // a configuration error leaves `app` unset: the next request checks again
  return app(request, context);
});

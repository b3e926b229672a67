import type { Kysely } from 'kysely';
import type { BusinessSystems } from '../auth';
import type { Catalog } from '../catalog';
import type { MessagePublisher } from '../consumer/ConsumerRuntime';
import { DeadLetterStore } from '../dlq/DeadLetterStore';
import type { TxBroker, TxTables } from '../tx';
import { SqlTxStore, TxCoordinator } from '../tx';
import { AuditLog } from './AuditLog';
import { ConsoleActions } from './ConsoleActions';
import type { ConsoleServices } from './createConsoleApp';
import { ListReader } from './ListReader';
import { LoginThrottle } from './LoginThrottle';
import type { ReadContext } from './readContext';
import { SessionRevocations } from './SessionRevocations';
import { StatusReader } from './StatusReader';
import { TransactionReader } from './TransactionReader';
import { immunityOf } from './views';

export interface ConsoleServicesOptions {
  // The console reads and writes tables of every module of the one schema.
  readonly db: Kysely<any>;
  readonly catalog: Catalog;
  /** The broker the coordinator tells decisions to, and replays publish to. */
  readonly broker: TxBroker & MessagePublisher;
  readonly systems: BusinessSystems;
  /** Deployment override of every scenario's check immunity (TXC_CHECK_IMMUNITY_SECONDS). */
  readonly checkImmunitySeconds?: number;
  readonly incidentWindowSeconds: number;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/** Builds the console's readers and actions over one opened database. */
export function consoleServices(options: ConsoleServicesOptions): ConsoleServices {
  const now = options.now ?? Date.now;
  const immunity = immunityOf(options.catalog, options.checkImmunitySeconds);
  const context: ReadContext = {
    db: options.db,
    catalog: options.catalog,
    now,
    immunity,
    incidentWindowMs: options.incidentWindowSeconds * 1_000,
  };
  const store = new SqlTxStore(options.db as Kysely<TxTables>);
  const deadLetters = new DeadLetterStore(options.db);
  const coordinator = new TxCoordinator({
    store,
    broker: options.broker,
    catalog: options.catalog,
    now,
    checkImmunitySeconds: options.checkImmunitySeconds,
  });
  return {
    transactions: new TransactionReader(context),
    status: new StatusReader(context),
    lists: new ListReader(context, deadLetters),
    actions: new ConsoleActions({
      store,
      coordinator,
      systems: options.systems,
      deadLetters,
      publisher: options.broker,
      immunity,
      now,
      fetch: options.fetch,
    }),
    audit: new AuditLog(options.db, now),
    throttle: new LoginThrottle(options.db, { now }),
    revocations: new SessionRevocations(options.db, now),
  };
}

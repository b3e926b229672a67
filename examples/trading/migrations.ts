import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { createTable } from '../../shared/adapters/store/createTable';

/**
 * The example fund trading system's own tables (examples/trading): customer wallets (balances of the
 * money-market fund), discount purchases and the fund orders they produce. The unique (tx_id, kind)
 * index is what makes the wallet top-up and the slave purchase happen at most once per transaction.
 */
export const tradingSystemMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await createTable(db, 'trading_wallet')
      .addColumn('customer_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('opening_fen', 'bigint', (c) => c.notNull())
      .addColumn('balance_fen', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await createTable(db, 'trading_purchase')
      .addColumn('purchase_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('tx_id', 'varchar(64)')
      .addColumn('customer_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('fund_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('fee_rate', 'varchar(8)', (c) => c.notNull())
      .addColumn('state', 'varchar(24)', (c) => c.notNull())
      .addColumn('error', 'varchar(256)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('trading_purchase_tx').on('trading_purchase').column('tx_id').unique().execute();
    await createTable(db, 'trading_order')
      .addColumn('order_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('tx_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('purchase_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('customer_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('fund_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('trading_order_tx_kind').on('trading_order').columns(['tx_id', 'kind']).unique().execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('trading_order').execute();
    await db.schema.dropTable('trading_purchase').execute();
    await db.schema.dropTable('trading_wallet').execute();
  },
};

/**
 * Subscription fees on purchases and fund orders: the fund's standard rate and the discount the fee
 * was computed from (so anyone can recompute it), and the fee in fen. SQLite adds one column per ALTER.
 */
export const purchaseFeesMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('trading_purchase')
      .addColumn('standard_rate', 'varchar(12)', (c) => c.notNull().defaultTo('0'))
      .execute();
    await db.schema
      .alterTable('trading_purchase')
      .addColumn('discount', 'varchar(12)', (c) => c.notNull().defaultTo('0'))
      .execute();
    await db.schema
      .alterTable('trading_purchase')
      .addColumn('fee_fen', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('trading_order')
      .addColumn('fee_fen', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/** Why a slave purchase was refused for good (FUND_PURCHASE_REFUSED), so a repeat answers the same. */
export const purchaseRefusalsMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('trading_purchase').addColumn('refusal_code', 'varchar(32)').execute();
  },
};

/**
 * The trading system's schema: its own database, not txcenter's (a business system owns its tables;
 * txcenter's migrations never touch them). The check-back barrier table comes from the client library.
 */
export const TRADING_MIGRATIONS: Record<string, Migration> = {
  '001_trading_system': tradingSystemMigration,
  '002_purchase_fees': purchaseFeesMigration,
  '003_purchase_refusals': purchaseRefusalsMigration,
};

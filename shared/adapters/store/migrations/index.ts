import type { Migration } from 'kysely';
import { consumerRuntimeMigration } from './101_consumer_runtime';
import { companionDomainsMigration } from './102_companion_domains';
import { deadLettersMigration } from './103_dead_letters';
import { alertOutboxMigration } from './104_alert_outbox';
import { txTransactionsMigration } from './001_tx_transactions';
import { storeBinaryKeysMigration } from './010_store_binary_keys';
import { reconcileReportsMigration } from './202_reconcile_reports';
import { consoleMigration } from './301_console';
import { consoleCoveringMigration } from './302_console_covering';
import { consoleConsumeStatsMigration } from './303_console_consume_stats';
import { consoleSessionRevocationMigration } from './304_console_session_revocation';
import { consoleStuckCoveringMigration } from './305_console_stuck_covering';
import { txPlainEventsMigration } from './401_tx_plain_events';
import { touchpointDeliveryMigration } from './402_touchpoint_delivery';
import { purchaseOutcomesMigration } from './403_purchase_outcomes';

/**
 * Every migration of the one schema, applied in name order on start by `openDatabase`.
 * Names are `NNN_<module>_<change>`, numbered per module (0xx store and transactions, 1xx consumers and
 * domains, 2xx reconcile, 3xx console, 4xx companion), so a new one may sort before one already applied:
 * the migrator allows that. Never edit an applied migration, add a new one; create tables with
 * `createTable` (binary keys on MySQL).
 * Column types are chosen to mean the same on SQLite and MySQL (varchar for keys, bigint for ms
 * timestamps and cents, text for bodies).
 */
export const MIGRATIONS: Record<string, Migration> = {
  '001_tx_transactions': txTransactionsMigration,
  '010_store_binary_keys': storeBinaryKeysMigration,
  '101_consumer_runtime': consumerRuntimeMigration,
  '102_companion_domains': companionDomainsMigration,
  '103_dead_letters': deadLettersMigration,
  '104_alert_outbox': alertOutboxMigration,
  '202_reconcile_reports': reconcileReportsMigration,
  '301_console': consoleMigration,
  '302_console_covering': consoleCoveringMigration,
  '303_console_consume_stats': consoleConsumeStatsMigration,
  '304_console_session_revocation': consoleSessionRevocationMigration,
  '305_console_stuck_covering': consoleStuckCoveringMigration,
  '401_tx_plain_events': txPlainEventsMigration,
  '402_touchpoint_delivery': touchpointDeliveryMigration,
  '403_purchase_outcomes': purchaseOutcomesMigration,
};

import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * Alert incidents keep what was said (severity, title, text, details as JSON), so an incident
 * recorded in the transaction of the effect that raised it can be sent, or re-sent after a crash,
 * from the row alone: the incident table is the alert outbox.
 */
export const alertOutboxMigration: Migration = {
  async up(db: Kysely<any>) {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema.alterTable('txc_alert_incident').addColumn('severity', 'varchar(16)').execute();
    await db.schema.alterTable('txc_alert_incident').addColumn('title', 'varchar(255)').execute();
    await db.schema.alterTable('txc_alert_incident').addColumn('text', 'text').execute();
    await db.schema.alterTable('txc_alert_incident').addColumn('details', 'text').execute();
    await db.schema.createIndex('txc_alert_incident_unsent').on('txc_alert_incident').columns(['sent_at', 'window_started_at']).execute();
  },
};

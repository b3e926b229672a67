import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/engines/alert/AlertSink';
import { IncidentAggregator } from '../../../../shared/engines/alert/IncidentAggregator';
import type { TestDatabase } from '../../../helpers/databases';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';
import { RecordingAlertSink } from '../consumer/factories';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const RESEND_AFTER_SECONDS = 60;

const violation = (key: string): Alert => ({
  kind: 'compliance-violation',
  severity: 'warning',
  title: `Compliance violation ${key}`,
  text: '- **guaranteed-return**: promises a return (“保本保收益”)',
  incidentKey: `compliance-violation:${key}`,
  details: { eventId: key },
});

describe.each(DATABASE_CASES)('Class: IncidentAggregator (the alert outbox) on $dialect', ({ dialect, open }) => {
  const skip = dialect === 'mysql' && mysqlSkip !== undefined;
  let database: TestDatabase;
  let sink: RecordingAlertSink;
  let now: number;
  let aggregator: IncidentAggregator;

  beforeEach(async () => {
    if (skip) return;
    database = await open();
    sink = new RecordingAlertSink();
    now = 1_800_000_000_000;
    aggregator = new IncidentAggregator({
      db: database.db,
      sink,
      windowSeconds: 600,
      resendAfterSeconds: RESEND_AFTER_SECONDS,
      now: () => now,
    });
  });

  afterEach(async () => {
    if (!skip) await database.close();
  });

  it.skipIf(skip)('records nothing when the effect transaction rolls back', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        expect(await aggregator.record(trx, violation('a'))).toBe(true);
        throw new Error('effect failed');
      }),
    ).rejects.toThrow('effect failed');
    expect(await aggregator.incident('compliance-violation:a')).toBeUndefined();
  });

  it.skipIf(skip)('keeps the alert text, sends the first occurrence once and only counts the next ones', async () => {
    const first = await database.db.transaction().execute((trx) => aggregator.record(trx, violation('b')));
    const second = await database.db.transaction().execute((trx) => aggregator.record(trx, violation('b')));
    expect([first, second]).toEqual([true, false]);
    await aggregator.send(violation('b'));
    expect(sink.alerts).toHaveLength(1);
    expect(await aggregator.incident('compliance-violation:b')).toMatchObject({
      occurrences: 2,
      sentAt: now,
      title: 'Compliance violation b',
      text: violation('b').text,
    });
  });

  it.skipIf(skip)('re-sends an incident whose sender died after the commit exactly once, and only after the resend delay', async () => {
    await database.db.transaction().execute((trx) => aggregator.record(trx, violation('c')));
    // The sender crashed here: committed, never sent.
    expect(await aggregator.resendUnsent()).toBe(0); // too young: its sender may still be at work
    now += RESEND_AFTER_SECONDS * 1_000;
    expect(await aggregator.resendUnsent()).toBe(1);
    expect(await aggregator.resendUnsent()).toBe(0);
    expect(sink.alerts).toEqual([
      {
        kind: 'compliance-violation',
        severity: 'warning',
        title: 'Compliance violation c',
        text: violation('c').text,
        incidentKey: 'compliance-violation:c',
        details: { eventId: 'c' },
      },
    ]);
    expect((await aggregator.incident('compliance-violation:c'))?.sentAt).toBe(now);
  });

  it.skipIf(skip)('leaves a failed send for the next sweep', async () => {
    await database.db.transaction().execute((trx) => aggregator.record(trx, violation('d')));
    now += RESEND_AFTER_SECONDS * 1_000;
    const failing = new IncidentAggregator({
      db: database.db,
      sink: { raise: async () => Promise.reject(new Error('webhook down')) },
      resendAfterSeconds: RESEND_AFTER_SECONDS,
      now: () => now,
    });
    expect(await failing.resendUnsent()).toBe(0);
    expect(await aggregator.resendUnsent()).toBe(1);
    expect(sink.alerts).toHaveLength(1);
  });
});

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { AlertSink } from '../../engines/alert/AlertSink';
import type { Logger } from '../../logger';
import { TOUCHPOINT_STATUSES } from '../touchpoints/touchpointStatus';
import type { ChannelAdapter } from './ChannelAdapter';
import type { Channel } from './channelConfig';
import { earliestSendTime } from './quietHours';

/** How long a claim holds a touch-point: a sender that dies mid-send leaves it to be taken over after this. */
export const SEND_LEASE_MS = 60_000;
/** Provider attempts before a touch-point becomes FAILED. */
export const DEFAULT_MAX_SEND_ATTEMPTS = 8;
/** Touch-points per run. */
export const DEFAULT_SEND_BATCH = 200;
/** Backoff after failed attempt n: 30 s, 1 m, 2 m … capped at 1 h. */
export function sendRetryDelayMs(attempt: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempt - 1));
}
/** Stop claiming when less than this is left of the invocation. */
const SAFETY_MARGIN_MS = 5_000;

export interface TouchpointSenderDeps {
  readonly db: Kysely<any>;
  /** The configured channels; a touch-point on another channel fails (with an alert). */
  readonly adapters: Partial<Record<Channel, ChannelAdapter>>;
  readonly alerts: AlertSink;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly maxAttempts?: number;
  readonly batch?: number;
}

/** What one run did, for the log and tests. */
export interface SendReport {
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
  /** Deferred to the end of quiet hours. */
  readonly deferred: number;
}

interface Due {
  event_id: string;
  customer_id: string;
  channel: string;
  kind: string;
  owner: string | null;
  title: string;
  content: string;
  attempts: number | string;
}

/**
 * touchpoint-sender's engine: sends APPROVED touch-points whose `deliver_after` (and retry time) has
 * passed, through the channel's adapter, and marks them SENT with the provider's id.
 *
 * Never twice: a touch-point is claimed (APPROVED → SENDING with a token and a lease) before the
 * provider is called, so concurrent senders never both send it; the mark is conditional on the token.
 * A sender that dies between send and mark leaves it SENDING; after the lease another run takes it
 * over and sends again with the same idempotency key (the event id), which the provider answers with
 * the first message id instead of sending again — so the customer gets it once and the mark completes.
 */
export class TouchpointSender {
  private readonly now: () => number;

  constructor(private readonly deps: TouchpointSenderDeps) {
    this.now = deps.now ?? Date.now;
  }

  async run(remainingMs: () => number = () => Number.POSITIVE_INFINITY): Promise<SendReport> {
    const report = { sent: 0, retried: 0, failed: 0, deferred: 0 };
    for (const due of await this.dueTouchpoints()) {
      if (remainingMs() < SAFETY_MARGIN_MS) break;
      const now = this.now();
      const allowedAt = earliestSendTime(now, due.channel, due.kind);
      if (allowedAt > now) {
        await this.defer(due.event_id, allowedAt, now);
        report.deferred += 1;
        continue;
      }
      const token = await this.claim(due.event_id, now);
      if (!token) continue; // another sender has it
      report[await this.sendClaimed(due, token)] += 1;
    }
    return report;
  }

  private async dueTouchpoints(): Promise<Due[]> {
    const now = this.now();
    return this.deps.db
      .selectFrom('txc_touchpoint')
      .select(['event_id', 'customer_id', 'channel', 'kind', 'owner', 'title', 'content', 'attempts'])
      .where((eb) =>
        eb.or([
          eb.and([
            eb('status', '=', TOUCHPOINT_STATUSES.approved),
            eb('deliver_after', '<=', now),
            eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]),
          ]),
          // A claim whose sender died (lease over): taken over, re-sent with the same idempotency key.
          eb.and([eb('status', '=', TOUCHPOINT_STATUSES.sending), eb('claimed_until', '<', now)]),
        ]),
      )
      .orderBy('deliver_after')
      .limit(this.deps.batch ?? DEFAULT_SEND_BATCH)
      .execute();
  }

  private async defer(eventId: string, until: number, now: number): Promise<void> {
    await this.deps.db
      .updateTable('txc_touchpoint')
      .set({ next_attempt_at: until, updated_at: now })
      .where('event_id', '=', eventId)
      .where('status', '=', TOUCHPOINT_STATUSES.approved)
      .execute();
  }

  /** APPROVED (due) or SENDING with an expired lease → SENDING with our token; undefined when someone else won. */
  private async claim(eventId: string, now: number): Promise<string | undefined> {
    const token = randomUUID();
    const result = await this.deps.db
      .updateTable('txc_touchpoint')
      .set({
        status: TOUCHPOINT_STATUSES.sending,
        claim_token: token,
        claimed_until: now + SEND_LEASE_MS,
        attempts: sql`attempts + 1`,
        updated_at: now,
      })
      .where('event_id', '=', eventId)
      .where((eb) =>
        eb.or([
          eb('status', '=', TOUCHPOINT_STATUSES.approved),
          eb.and([eb('status', '=', TOUCHPOINT_STATUSES.sending), eb('claimed_until', '<', now)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? token : undefined;
  }

  private async sendClaimed(due: Due, token: string): Promise<'sent' | 'retried' | 'failed'> {
    const attempt = Number(due.attempts) + 1;
    const adapter = this.deps.adapters[due.channel as Channel];
    if (!adapter) return this.fail(due, token, `channel ${due.channel} is not configured (TXC_CHANNELS)`);
    let providerId: string;
    try {
      ({ providerId } = await adapter.send({
        idempotencyKey: due.event_id,
        customerId: due.customer_id,
        title: due.title,
        content: due.content,
      }));
    } catch (error) {
      const message = (error as Error).message;
      if ((error as { name?: string }).name === 'ProviderRefusedError') return this.fail(due, token, message);
      if (attempt >= (this.deps.maxAttempts ?? DEFAULT_MAX_SEND_ATTEMPTS))
        return this.fail(due, token, `gave up after ${attempt} attempts: ${message}`);
      const now = this.now();
      await this.release(due.event_id, token, {
        status: TOUCHPOINT_STATUSES.approved,
        next_attempt_at: now + sendRetryDelayMs(attempt),
        failure_reason: message.slice(0, 512),
        updated_at: now,
      });
      this.deps.logger.warn({ eventId: due.event_id, channel: due.channel, attempt, err: message }, 'provider unavailable; retrying later');
      return 'retried';
    }
    const now = this.now();
    await this.release(due.event_id, token, {
      status: TOUCHPOINT_STATUSES.sent,
      provider_id: providerId,
      sent_at: now,
      failure_reason: null,
      updated_at: now,
    });
    return 'sent';
  }

  private async fail(due: Due, token: string, reason: string): Promise<'failed'> {
    const now = this.now();
    await this.release(due.event_id, token, { status: TOUCHPOINT_STATUSES.failed, failure_reason: reason.slice(0, 512), updated_at: now });
    await this.deps.alerts.raise({
      kind: 'touchpoint-failed',
      severity: 'warning',
      title: `Touch-point ${due.event_id} (${due.channel}) not delivered`,
      text: `The ${due.channel} touch-point “${due.title.slice(0, 40)}” of ${due.owner ?? 'unknown owner'} failed for good: ${reason}`,
      incidentKey: `touchpoint-failed:${due.channel}`,
      details: { eventId: due.event_id, channel: due.channel, owner: due.owner },
    });
    return 'failed';
  }

  /** Ends our claim with `changes`, only while we still hold it (a taken-over claim is the other run's to end). */
  private async release(eventId: string, token: string, changes: Record<string, unknown>): Promise<void> {
    await this.deps.db
      .updateTable('txc_touchpoint')
      .set({ ...changes, claim_token: null, claimed_until: null })
      .where('event_id', '=', eventId)
      .where('status', '=', TOUCHPOINT_STATUSES.sending)
      .where('claim_token', '=', token)
      .execute();
  }
}

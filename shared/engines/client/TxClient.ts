import * as z from '../../zod';
import { signRequest } from '../auth';
import { TxClientError } from './errors';
import type { TextAnswer } from './requestText';
import { requestText } from './requestText';

/** Longest wait for one gateway call. */
export const DEFAULT_CLIENT_TIMEOUT_MS = 5_000;

export interface TxClientOptions {
  /** tx-gateway's base URL, e.g. `https://txc.example.com` (no trailing path needed). */
  readonly baseUrl: string;
  readonly systemId: string;
  readonly secret: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export interface PrepareInput {
  readonly topic: string;
  readonly tag: string;
  readonly businessKey: string;
  readonly payload: unknown;
  readonly keys?: readonly string[];
  readonly checkback?: { readonly path: string };
}

export interface PublishEventInput {
  readonly topic: string;
  readonly tag: string;
  /** The hand-off's own id: publishing it again (a retry) returns the same event, one message. */
  readonly businessKey: string;
  readonly payload: unknown;
  readonly keys?: readonly string[];
}

const txStateSchema = z.enum(['PREPARED', 'COMMITTED', 'ROLLED_BACK']);
const timelineSchema = z.array(
  z.object({
    at: z.string(),
    type: z.string(),
    state: txStateSchema,
    actor: z.string(),
    detail: z.optional(z.record(z.string(), z.unknown())),
  }),
);

/** A transaction as tx-gateway answers it. */
export const txResponseSchema = z.object({
  txId: z.string(),
  state: txStateSchema,
  delivery: z.enum(['not-decided', 'done', 'pending-checkback']),
  topic: z.string(),
  tag: z.string(),
  businessKey: z.string(),
  reason: z.optional(z.string()),
  checks: z.number(),
  createdAt: z.string(),
  decidedAt: z.optional(z.string()),
  timeline: z.optional(timelineSchema),
});
export type TxResponse = z.output<typeof txResponseSchema>;

/** A plain event as tx-gateway answers it. */
export const eventResponseSchema = z.object({
  eventId: z.string(),
  /** `pending`: stored but not yet at the broker (a retry of the same request publishes it). */
  delivery: z.enum(['published', 'pending']),
  topic: z.string(),
  tag: z.string(),
  businessKey: z.string(),
  createdAt: z.string(),
  timeline: z.optional(timelineSchema),
});
export type EventResponse = z.output<typeof eventResponseSchema>;

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/**
 * A business system's client of tx-gateway: every request signed with the system's secret.
 *
 * @example
 * const client = new TxClient({ baseUrl, systemId: 'fund-trading', secret });
 * const { txId } = await client.prepare({ topic: 'TXC_FUND_TRADE', tag: 'DISCOUNT_PURCHASE', businessKey: orderId, payload });
 * await client.commit(txId);
 * await client.publishEvent({ topic: 'TXC_COMPANION', tag: 'OPERATIONS', businessKey: 'campaign-42-C10001', payload });
 */
export class TxClient {
  private readonly baseUrl: string;

  constructor(private readonly options: TxClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Stores the transaction and its half message; the same businessKey and payload return the same transaction. */
  prepare(input: PrepareInput): Promise<TxResponse> {
    return this.call('POST', '/v1/transactions', JSON.stringify(input), txResponseSchema);
  }

  /** Commits; idempotent. `delivery: 'pending-checkback'` means stored but the broker is told later. */
  commit(txId: string): Promise<TxResponse> {
    return this.call('POST', `/v1/transactions/${encodeURIComponent(txId)}/commit`, '', txResponseSchema);
  }

  rollback(txId: string): Promise<TxResponse> {
    return this.call('POST', `/v1/transactions/${encodeURIComponent(txId)}/rollback`, '', txResponseSchema);
  }

  /** State and timeline. */
  status(txId: string): Promise<TxResponse> {
    return this.call('GET', `/v1/transactions/${encodeURIComponent(txId)}`, '', txResponseSchema);
  }

  /**
   * Publishes a plain event on a `normal` catalog topic: no prepare, commit or check-back. Retrying
   * with the same businessKey and payload (after a timeout or a 503) returns the same event and
   * publishes it at most once more if it never reached the broker; consumers see it once.
   */
  publishEvent(input: PublishEventInput): Promise<EventResponse> {
    return this.call('POST', '/v1/events', JSON.stringify(input), eventResponseSchema);
  }

  /** A plain event and its timeline. */
  eventStatus(eventId: string): Promise<EventResponse> {
    return this.call('GET', `/v1/events/${encodeURIComponent(eventId)}`, '', eventResponseSchema);
  }

  private async call<S extends z.ZodMiniType>(method: string, path: string, body: string, schema: S): Promise<z.output<S>> {
    const timestamp = (this.options.now ?? Date.now)();
    const headers = signRequest(this.options.systemId, this.options.secret, { method, path, timestamp, body });
    let response: TextAnswer;
    try {
      response = await requestText({
        method,
        url: `${this.baseUrl}${path}`,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body || undefined,
        timeoutMs: this.options.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS,
        // Every gateway call is idempotent at the gateway: prepare and events by (system, businessKey)
        // and payload, commit and rollback by txId; so a reset keep-alive socket may be retried.
        idempotent: true,
      });
    } catch (error) {
      throw new TxClientError('GATEWAY_UNREACHABLE', `tx-gateway unreachable: ${(error as Error).message}`, 0, undefined, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch (error) {
      throw new TxClientError('GATEWAY_BAD_RESPONSE', `tx-gateway answered ${response.status} with non-JSON`, response.status, undefined, {
        cause: error,
      });
    }
    if (response.status >= 400) {
      const parsed = errorBodySchema.safeParse(json);
      const retryAfter = Number(response.headers['retry-after'] ?? Number.NaN);
      throw new TxClientError(
        parsed.success ? parsed.data.error.code : 'GATEWAY_ERROR',
        parsed.success ? parsed.data.error.message : `tx-gateway answered ${response.status}`,
        response.status,
        Number.isFinite(retryAfter) ? retryAfter : undefined,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new TxClientError(
        'GATEWAY_BAD_RESPONSE',
        `tx-gateway answer has an unexpected shape: ${parsed.error.message}`,
        response.status,
      );
    return parsed.data;
  }
}

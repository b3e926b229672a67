import type { FunctionDef, ResolvedMqTrigger } from '../../shared/engines/catalog';
import { triggerTagFilter } from '../../shared/engines/catalog/tagExpression';
import type { Logger } from '../../shared/logger';
import type { MqClient, ReceivedMessage } from '../../shared/adapters/mq';
import type { Clock } from '../broker/core/clock';
import { toCloudEvent } from './cloudEvents';
import type { InvocationError } from './errors';
import { invokeFunction } from './invoke';
import type { FcHandler, RuntimeEvent } from './types';

/** How the trigger retries a batch whose invocation failed (FC `BACKOFF_RETRY`: 3 retries, 10–20 s apart). */
export interface MqRetryPolicy {
  readonly retries: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const FC_BACKOFF_RETRY: MqRetryPolicy = { retries: 3, minBackoffMs: 10_000, maxBackoffMs: 20_000 };

/** Pause after a failed pull (broker down) before polling again. */
const PULL_ERROR_PAUSE_MS = 1_000;

export interface MqTriggerOptions {
  readonly fn: FunctionDef;
  readonly resolved: ResolvedMqTrigger;
  readonly handler: FcHandler;
  readonly mq: MqClient;
  readonly instanceId: string;
  readonly logger: Logger;
  readonly onEvent: (event: RuntimeEvent) => void;
  readonly retry: MqRetryPolicy;
  /** Long-poll seconds per pull (also bounds how long {@link MqTrigger.close} waits). */
  readonly pollWaitSeconds: number;
  /** Concurrent pull loops (FC scales instances with the backlog). */
  readonly pollers: number;

  readonly timeoutMs?: number;
  /** Runs backoff pauses and invocation deadlines. */
  readonly clock: Clock;
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clock.clearTimeout(timer);
      resolve();
    };
    // The listener goes when the timer fires, so many backoff pauses do not pile listeners up.
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * An MQ trigger: pulls its group's messages (topic + tag filter from the catalog) with the real SDK
 * and invokes the function with a CloudEvents batch. As on FC, a thrown handler fails the whole batch,
 * which is retried with backoff; messages are acked only after a successful invocation. When the
 * retries run out the batch is left unacked, so the broker redelivers it after its invisibility time
 * (the consumer runtime counts attempts and dead-letters; a crash of this process loses nothing).
 */
export class MqTrigger {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  /** Batches being invoked or acked now: what a stop that abandons its polls still waits for. */
  private readonly delivering = new Set<Promise<void>>();

  constructor(private readonly options: MqTriggerOptions) {}

  start(): void {
    this.loops = Array.from({ length: this.options.pollers }, () => this.loop());
  }

  private get topic(): string {
    return this.options.resolved.subscription.topic;
  }

  private get group(): string {
    return this.options.resolved.subscription.id;
  }

  private async loop(): Promise<void> {
    const { mq, resolved, logger, pollWaitSeconds } = this.options;
    while (!this.abort.signal.aborted) {
      let messages: ReceivedMessage[];
      try {
        messages = await mq.consume(this.topic, this.group, {
          // What the cloud trigger pulls (scripts/deployPlan.ts): one tag, or everything for `*` / `A||B`,
          // leaving those groups' filtering to the consumer runtime, as in production.
          tagExpression: triggerTagFilter(resolved.subscription.tagExpression) ?? '*',
          maxMessages: resolved.trigger.batchSize,
          waitSeconds: pollWaitSeconds,
        });
      } catch (error) {
        logger.warn({ function: this.options.fn.name, group: this.group, err: error }, 'pull failed; retrying');
        await sleep(this.options.clock, PULL_ERROR_PAUSE_MS, this.abort.signal);
        continue;
      }
      // Stopping with messages in hand: leave them unacked; the broker redelivers them.
      if (messages.length === 0 || this.abort.signal.aborted) continue;
      const delivery = this.deliver(messages);
      this.delivering.add(delivery);
      await delivery.finally(() => this.delivering.delete(delivery));
    }
  }

  private async deliver(messages: ReceivedMessage[]): Promise<void> {
    const { fn, handler, logger, onEvent, retry, instanceId, timeoutMs, clock } = this.options;
    const trigger = this.options.resolved.trigger.name;
    const event = Buffer.from(JSON.stringify(messages.map((message) => toCloudEvent(message, this.topic, instanceId))));
    for (let retryCount = 0; retryCount <= retry.retries; retryCount++) {
      const started = performance.now();
      try {
        const { requestId } = await invokeFunction({ fn, handler, event, retryCount, timeoutMs, clock }, logger);
        onEvent({ type: 'invoked', functionName: fn.name, trigger, requestId, ok: true, durationMs: performance.now() - started });
        await this.ack(messages);
        return;
      } catch (error) {
        const failure = error as InvocationError;
        onEvent({
          type: 'invoked',
          functionName: fn.name,
          trigger,
          requestId: failure.requestId ?? '',
          ok: false,
          durationMs: performance.now() - started,
          error: failure.message,
        });
        if (retryCount === retry.retries || this.abort.signal.aborted) break;
        const backoff = retry.minBackoffMs + Math.random() * (retry.maxBackoffMs - retry.minBackoffMs);
        await sleep(clock, backoff, this.abort.signal);
        if (this.abort.signal.aborted) break;
      }
    }
    logger.warn(
      { function: fn.name, group: this.group, messages: messages.length },
      'batch failed after retries; left for broker redelivery',
    );
    onEvent({ type: 'mq-batch-abandoned', functionName: fn.name, trigger, messageIds: messages.map((message) => message.messageId) });
  }

  /** Acks after success. A refused or failed ack only means a redelivery, which the idempotent consumer skips. */
  private async ack(messages: ReceivedMessage[]): Promise<void> {
    const { mq, logger, fn } = this.options;
    try {
      const refused = await mq.ack(
        this.topic,
        this.group,
        messages.map((message) => message.receiptHandle),
      );
      if (refused.length > 0)
        logger.warn({ function: fn.name, group: this.group, refused: refused.length }, 'ack refused for expired handles');
    } catch (error) {
      logger.warn({ function: fn.name, group: this.group, err: error }, 'ack failed; the broker will redeliver');
    }
  }

  /**
   * Stops pulling and waits for the batches being invoked (their backoff pauses end at once) and for
   * the long polls under way (at most one wait each). With `abandonPolls` (a process about to exit)
   * the polls are not waited for: the SDK cannot cancel one, and what it may still receive is never
   * acked, so the broker redelivers it after its invisibility time, as after a crash.
   */
  async close(abandonPolls = false): Promise<void> {
    this.abort.abort();
    await Promise.all(abandonPolls ? [...this.delivering] : this.loops);
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { REJECTION_CODES } from '../consumer/errors';
import { REPLAY_PROPERTIES } from '../consumer/types';
import type { MessagePublisher } from '../consumer/ConsumerRuntime';
import type { DeadLetter, DeadLetterFilter, DeadLetterStore } from './DeadLetterStore';
import { DEAD_LETTER_STATUSES } from './DeadLetterStore';

/** Default publish rate of a replay: slow enough not to flood a consumer that just recovered. */
export const DEFAULT_REPLAY_RATE_PER_SECOND = 5;
export const MAX_REPLAY_RATE_PER_SECOND = 100;

export interface ReplayRequest {
  readonly filter: DeadLetterFilter;
  /** Preview: report what would be replayed, publish nothing. */
  readonly dryRun: boolean;
  /** Publishes per second. @default DEFAULT_REPLAY_RATE_PER_SECOND */
  readonly ratePerSecond?: number;
}

export const REPLAY_RESULTS = ['replayed', 'would-replay', 'skipped', 'refused', 'failed'] as const;
export type ReplayResultKind = (typeof REPLAY_RESULTS)[number];

export interface ReplayResult {
  readonly id: string;
  readonly group: string;
  readonly topic: string;
  readonly tag: string | null;
  readonly key: string | null;
  readonly result: ReplayResultKind;
  /** Machine-readable reason for skipped/refused/failed. */
  readonly code?: string;
  readonly reason?: string;
  /** The replayed message's id (result `replayed`). */
  readonly messageId?: string;
}

export interface ReplayReport {
  readonly dryRun: boolean;
  readonly matched: number;
  readonly counts: Readonly<Record<ReplayResultKind, number>>;
  readonly results: readonly ReplayResult[];
}

/** The replay marker: deterministic per dead letter, so a re-run after a crash is deduplicated. */
export const replayIdOf = (deadLetterId: string): string => `rp-${deadLetterId}`;

/** Why a dead letter may not be replayed (loop guard, already replayed, truncated body), or undefined when it may. */
export function replayEligibility(letter: DeadLetter): Pick<ReplayResult, 'result' | 'code' | 'reason'> | undefined {
  if (letter.replayOf !== null)
    return {
      result: 'refused',
      code: 'REPLAY_LOOP',
      reason: `a replay of ${letter.replayOf} that failed again; fix the cause and republish by hand`,
    };
  if (letter.status === DEAD_LETTER_STATUSES.replayFailed)
    return { result: 'refused', code: 'REPLAY_FAILED_BEFORE', reason: 'already replayed once and it failed again' };
  if (letter.status === DEAD_LETTER_STATUSES.replayed)
    return { result: 'skipped', code: 'ALREADY_REPLAYED', reason: `replayed as ${letter.replayMessageId ?? '?'}` };
  if (letter.error.code === REJECTION_CODES.tooLarge)
    return { result: 'refused', code: 'BODY_NOT_REPLAYABLE', reason: 'the stored body is truncated (the original was too large)' };
  return undefined;
}

/**
 * Replays dead letters to their original topic and tag, for their original group only, at a bounded
 * rate, reporting a result per message. Each replayed message carries the replay marker: the
 * consumer runtime reopens the group's barrier exactly once for it, and a replay that fails again
 * comes back as a REPLAY_FAILED dead letter that is never replayed again (no loop).
 */
export async function replayDeadLetters(
  store: DeadLetterStore,
  publisher: MessagePublisher,
  request: ReplayRequest,
  now: () => number = Date.now,
): Promise<ReplayReport> {
  const letters = await store.list(request.filter);
  const rate = Math.min(Math.max(request.ratePerSecond ?? DEFAULT_REPLAY_RATE_PER_SECOND, 0.01), MAX_REPLAY_RATE_PER_SECOND);
  const gapMs = 1_000 / rate;
  const results: ReplayResult[] = [];
  let lastPublish = 0;
  for (const letter of letters) {
    const base = { id: letter.id, group: letter.group, topic: letter.topic, tag: letter.tag, key: letter.messageKey };
    const refusal = replayEligibility(letter);
    if (refusal) {
      results.push({ ...base, ...refusal });
      continue;
    }
    if (request.dryRun) {
      results.push({ ...base, result: 'would-replay' });
      continue;
    }
    const wait = lastPublish + gapMs - now();
    if (lastPublish > 0 && wait > 0) await sleep(wait);
    const replayId = replayIdOf(letter.id);
    try {
      // Decision first: a crash after the publish leaves REPLAYING; a re-run republishes with the same
      // replay id, which the group's barrier treats as a duplicate.
      await store.markReplaying(letter.id, replayId);
      const properties = Object.fromEntries(
        Object.entries(letter.properties).filter(([name]) => !Object.values(REPLAY_PROPERTIES).includes(name as never)),
      );
      lastPublish = now();
      const published = await publisher.publish(letter.topic, {
        body: letter.body,
        tag: letter.tag ?? undefined,
        key: letter.messageKey ?? undefined,
        properties: {
          ...properties,
          [REPLAY_PROPERTIES.replayId]: replayId,
          [REPLAY_PROPERTIES.group]: letter.group,
          [REPLAY_PROPERTIES.deadLetterId]: letter.id,
        },
      });
      await store.markReplayed(letter.id, published.messageId, now());
      results.push({ ...base, result: 'replayed', messageId: published.messageId });
    } catch (error) {
      const failure = error as { code?: string; message?: string };
      results.push({ ...base, result: 'failed', code: failure.code ?? 'REPLAY_PUBLISH_FAILED', reason: failure.message ?? String(error) });
    }
  }
  const counts = Object.fromEntries(REPLAY_RESULTS.map((kind) => [kind, results.filter((r) => r.result === kind).length])) as Record<
    ReplayResultKind,
    number
  >;
  return { dryRun: request.dryRun, matched: letters.length, counts, results };
}

/**
 * Apache RocketMQ's consumer retry ladder (delay levels 3..18: 10 s … 2 h, ≈ 4 h 46 m over 16
 * attempts). The runtime holds a failed message back until `delay(attempt)` has passed.
 */
export const ROCKETMQ_RETRY_LADDER_SECONDS = [10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1_200, 1_800, 3_600, 7_200] as const;

/** Milliseconds to wait after failed attempt number `attempt` (1-based); the last rung repeats. */
export type RetryDelay = (attempt: number) => number;

export const rocketMqRetryDelay: RetryDelay = (attempt) =>
  1_000 * ROCKETMQ_RETRY_LADDER_SECONDS[Math.min(Math.max(attempt, 1), ROCKETMQ_RETRY_LADDER_SECONDS.length) - 1]!;

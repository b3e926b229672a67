/** @module dlq — dead letters: storage, alerting per incident, and safe replay (CLI and tx-console). */
export { DEAD_LETTER_STATUSES, DeadLetterStore, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './DeadLetterStore';
export type { DeadLetter, DeadLetterFilter, DeadLetterStatus } from './DeadLetterStore';
export { deadLetterAlert, deadLetterHandler } from './deadLetterHandler';
export { describeDeadLetter } from './describeDeadLetter';
export {
  DEFAULT_REPLAY_RATE_PER_SECOND,
  MAX_REPLAY_RATE_PER_SECOND,
  REPLAY_RESULTS,
  replayDeadLetters,
  replayEligibility,
  replayIdOf,
} from './replayDeadLetters';
export type { ReplayReport, ReplayRequest, ReplayResult, ReplayResultKind } from './replayDeadLetters';
export { deadLetterFilterSchema, replayRequestSchema } from './replayRequestSchema';

/** @module dlq — dead letters: storage, alerting per incident, and safe replay (CLI and HTTP). */
export { DEAD_LETTER_STATUSES, DeadLetterStore, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './DeadLetterStore';
export type { DeadLetter, DeadLetterFilter, DeadLetterStatus } from './DeadLetterStore';
export { deadLetterAlert, deadLetterHandler } from './deadLetterHandler';
export { bearerTokenAuthenticator, ReplayAuthError } from './replayAuthenticator';
export type { ReplayAuthenticator } from './replayAuthenticator';
export { DEFAULT_REPLAY_RATE_PER_SECOND, MAX_REPLAY_RATE_PER_SECOND, REPLAY_RESULTS, replayDeadLetters, replayIdOf } from './replayDeadLetters';
export type { ReplayReport, ReplayRequest, ReplayResult, ReplayResultKind } from './replayDeadLetters';
export { describeDeadLetter, replayHttpApp } from './replayHttpApp';
export { deadLetterFilterSchema, replayRequestSchema } from './replayRequestSchema';

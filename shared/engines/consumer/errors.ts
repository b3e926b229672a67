import { TxcError } from '../../errors';

/** Why a message body was refused; each is permanent (dead-lettered at once, never retried). */
export const REJECTION_CODES = {
  tooLarge: 'MESSAGE_TOO_LARGE',
  notJson: 'MESSAGE_NOT_JSON',
  badEnvelope: 'MESSAGE_ENVELOPE_INVALID',
  badPayload: 'MESSAGE_PAYLOAD_INVALID',
  routeMismatch: 'MESSAGE_ROUTE_MISMATCH',
} as const;
export type RejectionCode = (typeof REJECTION_CODES)[keyof typeof REJECTION_CODES];

/** A message that can never be processed as sent (bad body, schema, size): straight to the dead letters. */
export class MessageRejectedError extends TxcError {
  override readonly name = 'MessageRejectedError';
  constructor(code: RejectionCode, message: string) {
    super(code, message);
  }
}

/** A business refusal that retrying cannot change (e.g. insufficient wallet balance). */
export class PermanentFailureError extends TxcError {
  override readonly name = 'PermanentFailureError';
}

/** A failure worth retrying (network, 5xx, lock timeout). Unknown errors are treated the same way. */
export class TransientFailureError extends TxcError {
  override readonly name = 'TransientFailureError';
}

/** The barrier row was taken over by another run after our lease expired; our effects were rolled back. */
export class LeaseLostError extends TxcError {
  override readonly name = 'LeaseLostError';
  constructor(group: string, dedupKey: string) {
    super('CONSUME_LEASE_LOST', `lease on ${group}/${dedupKey} was taken over by another run`);
  }
}

export const ERROR_KINDS = { transient: 'transient', permanent: 'permanent' } as const;
export type ErrorKind = (typeof ERROR_KINDS)[keyof typeof ERROR_KINDS];

export interface ClassifiedError {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly message: string;
}

/**
 * Error names (not classes: two bundled copies would defeat instanceof) that never succeed on retry.
 * `$ZodError` is what a failed zod/mini `.parse()` throws.
 */
const PERMANENT_NAMES: ReadonlySet<string> = new Set(['MessageRejectedError', 'PermanentFailureError', 'ValidationError', '$ZodError']);

/** Longest error text kept in the barrier, the attempt history and the dead letter. */
export const MAX_ERROR_TEXT_CHARS = 2_000;

/**
 * Transient → retry with backoff; permanent/validation → dead letter at once. Anything unknown is
 * transient: the attempt limit still bounds it, and a wrong "permanent" would lose a good message.
 */
export function classifyError(error: unknown): ClassifiedError {
  const named = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  const name = typeof named?.name === 'string' ? named.name : 'Error';
  const code = typeof named?.code === 'string' && named.code !== '' ? named.code : name === 'Error' ? 'HANDLER_ERROR' : name;
  const message = (typeof named?.message === 'string' ? named.message : String(error)).slice(0, MAX_ERROR_TEXT_CHARS);
  return { kind: PERMANENT_NAMES.has(name) ? 'permanent' : 'transient', code: code.slice(0, 64), message };
}

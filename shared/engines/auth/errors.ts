import { TxcError } from '../../errors';

/** Why a signed request was refused; logged for operators, never sent in detail to the caller. */
export const AUTH_FAILURES = ['missing-headers', 'unknown-system', 'bad-timestamp', 'stale-timestamp', 'bad-signature'] as const;
export type AuthFailure = (typeof AUTH_FAILURES)[number];

/**
 * A request's signature could not be verified. The HTTP answer is always 401 `UNAUTHENTICATED`
 * with one generic message, so a caller cannot probe which systems exist; `reason` is for logs.
 */
export class AuthError extends TxcError {
  override readonly name = 'AuthError';
  constructor(readonly reason: AuthFailure) {
    super('UNAUTHENTICATED', 'request signature missing, expired or invalid');
  }
}

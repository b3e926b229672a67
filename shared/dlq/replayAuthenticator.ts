import { createHash, timingSafeEqual } from 'node:crypto';
import { TxcError } from '../errors';
import type { HttpRequest } from '../fc/InvocationContext';

/** The caller is not allowed to use the replay endpoint (answered 401, one generic message). */
export class ReplayAuthError extends TxcError {
  override readonly name = 'ReplayAuthError';
  constructor() {
    super('UNAUTHENTICATED', 'missing or invalid credentials for the dead-letter endpoint');
  }
}

/** Who may list and replay dead letters. The endpoint depends on this interface only. */
export interface ReplayAuthenticator {
  /** Resolves to the operator's name for the audit log. @throws ReplayAuthError */
  authenticate(request: HttpRequest): Promise<string>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Operators present `authorization: Bearer <token>` (the TXC_DLQ_REPLAY_TOKEN secret). The business-
 * system request signing of shared/auth identifies business systems, which must not replay other
 * teams' dead letters, so operators get their own credential. Without a token configured, every call
 * is refused. Comparison is constant-time over digests (no length leak).
 */
export function bearerTokenAuthenticator(token: string | undefined, operator = 'ops'): ReplayAuthenticator {
  return {
    async authenticate(request) {
      const header = request.headers?.authorization ?? '';
      const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
      if (!token || presented === '' || !timingSafeEqual(digest(presented), digest(token))) throw new ReplayAuthError();
      return operator;
    },
  };
}

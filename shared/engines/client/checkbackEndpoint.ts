import type { IncomingSignedRequest } from '../auth';
import { AuthError, verifyRequest } from '../auth';
import { checkbackRequestSchema } from '../checkback/askBusinessSystem';
import type { BarrierOutcome } from './barrier';

export interface CheckbackEndpointResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * A ready-made check-back endpoint for a business system: verifies the signature (the system's own
 * id and secret), validates the body and answers `{decision}` from `decide` (usually `checkbackHandler(db)`).
 * Plug it into any HTTP server: pass method, path, lowercase headers and the raw body.
 */
export function createCheckbackEndpoint(options: {
  systemId: string;
  secret: string;
  decide: (txId: string) => Promise<BarrierOutcome | 'UNKNOWN'>;
  now?: () => number;
}): (request: IncomingSignedRequest) => Promise<CheckbackEndpointResponse> {
  const secretOf = (id: string) => (id === options.systemId ? options.secret : undefined);
  return async (request) => {
    try {
      verifyRequest(request, secretOf, (options.now ?? Date.now)());
    } catch (error) {
      if (error instanceof AuthError) return { status: 401, body: JSON.stringify({ error: { code: error.code, message: error.message } }) };
      throw error;
    }
    let parsed;
    try {
      parsed = checkbackRequestSchema.safeParse(JSON.parse(request.body));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success)
      return {
        status: 400,
        body: JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: 'expected {txId, businessKey, topic, tag, check}' } }),
      };
    return { status: 200, body: JSON.stringify({ decision: await options.decide(parsed.data.txId) }) };
  };
}

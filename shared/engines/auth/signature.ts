import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AuthError } from './errors';

/** Header names of the scheme (lowercase: the neutral request lowercases header names). */
export const SIGNATURE_HEADERS = {
  system: 'x-txc-system',
  timestamp: 'x-txc-timestamp',
  signature: 'x-txc-signature',
} as const;

/** Identifies the scheme inside the string to sign, so a future version cannot be confused with it. */
export const SIGNATURE_SCHEME = 'TXC1-HMAC-SHA256';

/** How far a request's timestamp may be from the verifier's clock (both directions). */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

/** What a signature covers. `path` is the request path without the query string. */
export interface SignedParts {
  readonly method: string;
  readonly path: string;
  /** Epoch milliseconds, sent as a decimal string. */
  readonly timestamp: number;
  readonly body: string;
}

function stringToSign(parts: SignedParts): string {
  const bodyHash = createHash('sha256').update(parts.body, 'utf8').digest('hex');
  return [SIGNATURE_SCHEME, parts.method.toUpperCase(), parts.path, String(parts.timestamp), bodyHash].join('\n');
}

function hmac(secret: string, parts: SignedParts): Buffer {
  return createHmac('sha256', secret).update(stringToSign(parts), 'utf8').digest();
}

/**
 * The headers that authenticate a request as `systemId`: HMAC-SHA256 (hex) with the system's secret
 * over `TXC1-HMAC-SHA256\nMETHOD\n/path\n<timestamp ms>\n<hex sha256 of the body>`.
 * Used by business systems calling tx-gateway (and the DLQ replay endpoint), and by tx-checkback
 * calling a business system's check-back endpoint.
 *
 * @example
 * const headers = signRequest('fund-trading', secret, { method: 'POST', path: '/v1/transactions', timestamp: Date.now(), body });
 */
export function signRequest(systemId: string, secret: string, parts: SignedParts): Record<string, string> {
  return {
    [SIGNATURE_HEADERS.system]: systemId,
    [SIGNATURE_HEADERS.timestamp]: String(parts.timestamp),
    [SIGNATURE_HEADERS.signature]: hmac(secret, parts).toString('hex'),
  };
}

/** A request as the verifier sees it; header names lowercase. */
export interface IncomingSignedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

const TIMESTAMP_PATTERN = /^\d{1,15}$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Verifies a signed request and returns the authenticated system id.
 * `secretOf` looks up a system's secret (undefined = unknown system). The comparison is constant-time.
 * @throws AuthError (401) with a `reason` for logs.
 */
export function verifyRequest(
  request: IncomingSignedRequest,
  secretOf: (systemId: string) => string | undefined,
  now: number = Date.now(),
): string {
  const systemId = request.headers[SIGNATURE_HEADERS.system];
  const timestampText = request.headers[SIGNATURE_HEADERS.timestamp];
  const signatureText = request.headers[SIGNATURE_HEADERS.signature];
  if (!systemId || !timestampText || !signatureText) throw new AuthError('missing-headers');
  if (!TIMESTAMP_PATTERN.test(timestampText)) throw new AuthError('bad-timestamp');
  if (!SIGNATURE_PATTERN.test(signatureText)) throw new AuthError('bad-signature');
  const timestamp = Number(timestampText);
  if (Math.abs(now - timestamp) > SIGNATURE_WINDOW_MS) throw new AuthError('stale-timestamp');
  const secret = secretOf(systemId);
  if (secret === undefined) throw new AuthError('unknown-system');
  const expected = hmac(secret, { method: request.method, path: request.path, timestamp, body: request.body });
  if (!timingSafeEqual(expected, Buffer.from(signatureText, 'hex'))) throw new AuthError('bad-signature');
  return systemId;
}

/** @module auth — the request-signing scheme between business systems and txcenter. */
export { AUTH_FAILURES, AuthError } from './errors';
export type { AuthFailure } from './errors';
export { BusinessSystems, businessSystemSchema, businessSystemsSchema } from './BusinessSystems';
export type { BusinessSystem } from './BusinessSystems';
export { SIGNATURE_HEADERS, SIGNATURE_SCHEME, SIGNATURE_WINDOW_MS, signRequest, verifyRequest } from './signature';
export type { IncomingSignedRequest, SignedParts } from './signature';

import { jsonDepth } from '../json/jsonDepth';
import * as z from '../../zod';

/**
 * Deepest nesting a payload may have. Business payloads are a few levels deep; the bound keeps hashing,
 * encoding and every consumer's walk over the payload clear of stack limits.
 */
export const MAX_PAYLOAD_DEPTH = 32;

const resourceName = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64 characters'));

/** Characters a business key may use: it appears in logs and the envelope, never in the message key. */
const businessKey = z.string().check(z.regex(/^[A-Za-z0-9_.:\-/]{1,128}$/, 'letters, digits and _ . : - /, at most 128 characters'));

/** A check-back path on the system's configured check-back origin (no scheme/host: no SSRF). */
const checkbackPath = z.string().check(
  z.maxLength(256),
  z.regex(/^\/(?!\/)[A-Za-z0-9_.~\-/]*$/, 'an absolute path such as /txc/checkback'),
  z.refine((path) => !path.split('/').includes('..'), 'must not contain ..'),
);

/** Body of `POST /v1/transactions`. Unknown fields are refused so typos surface. */
export const prepareBodySchema = z.strictObject({
  topic: resourceName,
  tag: resourceName,
  businessKey,
  payload: z.unknown().check(
    z.refine((value) => value !== undefined, 'payload is required'),
    z.refine(
      (value) => jsonDepth(value, MAX_PAYLOAD_DEPTH) <= MAX_PAYLOAD_DEPTH,
      `must not nest more than ${MAX_PAYLOAD_DEPTH} levels deep`,
    ),
  ),
  keys: z.optional(
    z.array(z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . -, at most 64'))).check(z.maxLength(8)),
  ),
  checkback: z.optional(z.strictObject({ path: checkbackPath })),
});

export type PrepareBody = z.output<typeof prepareBodySchema>;

/** Body of `POST /v1/events`: a plain event on a `normal` topic (no check-back: nothing to decide). */
export const publishEventBodySchema = z.strictObject({
  topic: resourceName,
  tag: resourceName,
  businessKey,
  payload: z.unknown().check(z.refine((value) => value !== undefined, 'payload is required')),
  keys: z.optional(
    z.array(z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . -, at most 64'))).check(z.maxLength(8)),
  ),
});

export type PublishEventBody = z.output<typeof publishEventBodySchema>;

/** Transaction ids as minted by `newTxId` (and nothing that could smuggle path characters). */
export const txIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/));

import { z } from 'zod';

const resourceName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64 characters');

/** Characters a business key may use: it appears in logs and the envelope, never in the message key. */
const businessKey = z.string().regex(/^[A-Za-z0-9_.:\-/]{1,128}$/, 'letters, digits and _ . : - /, at most 128 characters');

/** A check-back path on the system's configured check-back origin (no scheme/host: no SSRF). */
const checkbackPath = z
  .string()
  .max(256)
  .regex(/^\/(?!\/)[A-Za-z0-9_.~\-/]*$/, 'an absolute path such as /txc/checkback')
  .refine((path) => !path.split('/').includes('..'), 'must not contain ..');

/** Body of `POST /v1/transactions`. Unknown fields are refused so typos surface. */
export const prepareBodySchema = z
  .object({
    topic: resourceName,
    tag: resourceName,
    businessKey,
    payload: z.unknown().refine((value) => value !== undefined, 'payload is required'),
    keys: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . -, at most 64'))
      .max(8)
      .optional(),
    checkback: z.object({ path: checkbackPath }).strict().optional(),
  })
  .strict();

export type PrepareBody = z.output<typeof prepareBodySchema>;

/** Transaction ids as minted by `newTxId` (and nothing that could smuggle path characters). */
export const txIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

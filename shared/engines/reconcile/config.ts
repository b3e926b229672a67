import * as z from '../../zod';
import { alertConfigShape } from '../alert/alertConfig';
import { businessSystemsSchema } from '../auth';
import { baseConfigSchema, readConfig } from '../../config';
import { DEFAULT_BATCH_LIMIT, DEFAULT_LOOKBACK_SECONDS, DEFAULT_STUCK_AFTER_SECONDS } from './policy';
import { DEFAULT_REVIEW_SLA_SECONDS } from '../../domain/touchpoints/reviewGate';

/** Settings of the reconciler function (and `txcenter reconcile`), read once at cold start. */
export const reconcilerConfigSchema = z.extend(baseConfigSchema, {
  /** The business systems (JSON array of {id, secret, checkbackUrl}), to re-drive check-backs. */
  TXC_SYSTEMS: z._default(businessSystemsSchema, []),
  ...alertConfigShape,
  /** Seconds past a scenario's check-immunity time after which a PREPARED transaction counts as stuck. */
  TXC_RECONCILE_STUCK_AFTER_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), DEFAULT_STUCK_AFTER_SECONDS),
  /** Caps every group's consumeSlaSeconds (demos); unset = the catalog's SLA. */
  TXC_RECONCILE_MAX_SLA_SECONDS: z.optional(z.coerce.number().check(z.int(), z.minimum(1))),
  TXC_RECONCILE_LOOKBACK_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(60)), DEFAULT_LOOKBACK_SECONDS),
  TXC_RECONCILE_BATCH_LIMIT: z._default(z.coerce.number().check(z.int(), z.minimum(1)), DEFAULT_BATCH_LIMIT),
  /** Seconds compliance has to review a touch-point before the reconciler flags it. */
  TXC_TOUCHPOINT_REVIEW_SLA_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), DEFAULT_REVIEW_SLA_SECONDS),
});
export type ReconcilerConfig = z.output<typeof reconcilerConfigSchema>;

export function readReconcilerConfig(env: Record<string, string | undefined> = process.env): ReconcilerConfig {
  return readConfig(reconcilerConfigSchema, env);
}

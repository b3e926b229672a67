import { z } from 'zod';
import { alertConfigShape } from '../alert/alertConfig';
import { businessSystemsSchema } from '../auth';
import { baseConfigSchema, readConfig } from '../config';
import { DEFAULT_BATCH_LIMIT, DEFAULT_LOOKBACK_SECONDS, DEFAULT_STUCK_AFTER_SECONDS } from './policy';

/** Settings of the reconciler function (and `txcenter reconcile`), read once at cold start. */
export const reconcilerConfigSchema = baseConfigSchema.extend({
  /** The business systems (JSON array of {id, secret, checkbackUrl}), to re-drive check-backs. */
  TXC_SYSTEMS: businessSystemsSchema.default([]),
  ...alertConfigShape,
  /** Seconds past a scenario's check-immunity time after which a PREPARED transaction counts as stuck. */
  TXC_RECONCILE_STUCK_AFTER_SECONDS: z.coerce.number().int().min(0).default(DEFAULT_STUCK_AFTER_SECONDS),
  /** Caps every group's consumeSlaSeconds (demos); unset = the catalog's SLA. */
  TXC_RECONCILE_MAX_SLA_SECONDS: z.coerce.number().int().min(1).optional(),
  TXC_RECONCILE_LOOKBACK_SECONDS: z.coerce.number().int().min(60).default(DEFAULT_LOOKBACK_SECONDS),
  TXC_RECONCILE_BATCH_LIMIT: z.coerce.number().int().min(1).default(DEFAULT_BATCH_LIMIT),
});
export type ReconcilerConfig = z.output<typeof reconcilerConfigSchema>;

export function readReconcilerConfig(env: Record<string, string | undefined> = process.env): ReconcilerConfig {
  return readConfig(reconcilerConfigSchema, env);
}

/** The configuration for a local tool: `defaults` (e.g. a local stack's settings) under the process environment. */
export function readReconcilerConfigOver(defaults: Record<string, string>): ReconcilerConfig {
  return readConfig(reconcilerConfigSchema, { ...defaults, ...process.env });
}

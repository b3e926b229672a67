import { z } from 'zod';
import { businessSystemsSchema } from '../../shared/auth';
import { baseConfigSchema, readConfig } from '../../shared/config';

/** tx-gateway settings, read once at cold start. */
export const gatewayConfigSchema = baseConfigSchema.extend({
  /** JSON array of business systems `[{id, secret, checkbackUrl}]` allowed to call the gateway. */
  TXC_SYSTEMS: businessSystemsSchema,
  /**
   * Overrides every scenario's check-immunity in seconds (local demos with a broker started with a
   * lower minimum); unset = the catalog's value (10..300 on the cloud).
   */
  TXC_CHECK_IMMUNITY_SECONDS: z.coerce.number().int().min(1).max(300).optional(),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export function readGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return readConfig(gatewayConfigSchema, env);
}

import * as z from '../../shared/zod';
import { businessSystemsSchema } from '../../shared/engines/auth';
import { baseConfigSchema, readConfig } from '../../shared/config';

/** tx-gateway settings, read once at cold start. */
export const gatewayConfigSchema = z.extend(baseConfigSchema, {
  /** JSON array of business systems `[{id, secret, checkbackUrl}]` allowed to call the gateway. */
  TXC_SYSTEMS: businessSystemsSchema,
  /**
   * Overrides every scenario's check-immunity in seconds (local demos with a broker started with a
   * lower minimum); unset = the catalog's value (10..300 on the cloud).
   */
  TXC_CHECK_IMMUNITY_SECONDS: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(300))),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export function readGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return readConfig(gatewayConfigSchema, env);
}

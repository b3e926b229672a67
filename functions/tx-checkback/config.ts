import * as z from '../../shared/zod';
import { alertConfigShape } from '../../shared/engines/alert/alertConfig';
import { businessSystemsSchema } from '../../shared/engines/auth';
import { DEFAULT_CHECKBACK_TIMEOUT_MS, DEFAULT_SAFETY_MARGIN_MS } from '../../shared/engines/checkback';
import { baseConfigSchema, readConfig } from '../../shared/config';

/** tx-checkback settings, read once at cold start. */
export const checkbackConfigSchema = z.extend(baseConfigSchema, {
  /** The same JSON array as tx-gateway's: where and how to ask each system. */
  TXC_SYSTEMS: businessSystemsSchema,
  /** Longest wait for a business system's answer, in ms. */
  TXC_CHECKBACK_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.minimum(100), z.maximum(9_000)), DEFAULT_CHECKBACK_TIMEOUT_MS),
  /** Stop pulling half messages when less than this many ms of the invocation remain. */
  TXC_CHECKBACK_SAFETY_MARGIN_MS: z._default(z.coerce.number().check(z.int(), z.minimum(500)), DEFAULT_SAFETY_MARGIN_MS),
  ...alertConfigShape,
});

export type CheckbackConfig = z.output<typeof checkbackConfigSchema>;

export function readCheckbackConfig(env: Record<string, string | undefined> = process.env): CheckbackConfig {
  return readConfig(checkbackConfigSchema, env);
}

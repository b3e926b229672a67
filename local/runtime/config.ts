import * as z from '../../shared/zod';
import { baseConfigSchema, mqConnectionOf, readConfig } from '../../shared/config';
import type { RuntimeOptions } from './Runtime';
import { DEFAULT_GATEWAY_PORT, DEFAULT_HOST } from './Runtime';

/** The runtime's settings when it runs as its own process (`local/runtime/main.ts`). */
export const runtimeConfigSchema = z.extend(baseConfigSchema, {
  TXC_RUNTIME_HOST: z._default(z.string(), DEFAULT_HOST),
  TXC_RUNTIME_GATEWAY_PORT: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65_535)), DEFAULT_GATEWAY_PORT),
  /** Port of tx-console's HTTP trigger; 0 = any free port. */
  TXC_RUNTIME_CONSOLE_PORT: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65_535)), 0),
  TXC_RUNTIME_TIME_SCALE: z._default(z.coerce.number().check(z.minimum(1)), 1),
  TXC_RUNTIME_POLLERS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(16)), 1),
  /** Caps the timeout of MQ-triggered invocations, in seconds (RuntimeOptions.maxMqTimeoutMs); unset = the catalog's. */
  TXC_RUNTIME_MAX_MQ_TIMEOUT_SECONDS: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(600))),
  /** `stdin`: stop when stdin closes, i.e. when the parent that spawned this process dies (no orphans). */
  TXC_RUNTIME_EXIT_WITH: z._default(z.enum(['stdin', 'signal']), 'signal'),
  /** When set, SIGUSR2 toggles a CPU profile written into this folder (benchmark analysis). */
  TXC_RUNTIME_CPU_PROFILE_DIR: z.optional(z.string().check(z.minLength(1))),
  /** Comma-separated catalog functions this process runs; empty = all. */
  TXC_RUNTIME_FUNCTIONS: z.pipe(
    z._default(z.string(), ''),
    z.transform((list: string) =>
      list
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ),
});
export type RuntimeConfig = z.output<typeof runtimeConfigSchema>;

export function readRuntimeConfig(env: Record<string, string | undefined> = process.env): RuntimeConfig {
  return readConfig(runtimeConfigSchema, env);
}

/** Runtime options from its configuration. */
export function runtimeOptionsOf(config: RuntimeConfig): RuntimeOptions {
  return {
    mq: mqConnectionOf(config),
    host: config.TXC_RUNTIME_HOST,
    httpPorts: { 'tx-gateway': config.TXC_RUNTIME_GATEWAY_PORT, 'tx-console': config.TXC_RUNTIME_CONSOLE_PORT },
    timeScale: config.TXC_RUNTIME_TIME_SCALE,
    pollersPerTrigger: config.TXC_RUNTIME_POLLERS,
    ...(config.TXC_RUNTIME_MAX_MQ_TIMEOUT_SECONDS ? { maxMqTimeoutMs: config.TXC_RUNTIME_MAX_MQ_TIMEOUT_SECONDS * 1_000 } : {}),
    functions: config.TXC_RUNTIME_FUNCTIONS.length > 0 ? config.TXC_RUNTIME_FUNCTIONS : undefined,
  };
}

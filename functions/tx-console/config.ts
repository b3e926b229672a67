import * as z from '../../shared/zod';
import { businessSystemsSchema } from '../../shared/engines/auth';
import { DEFAULT_INCIDENT_WINDOW_SECONDS } from '../../shared/engines/alert/IncidentAggregator';
import { baseConfigSchema, readConfig } from '../../shared/config';
import { DEFAULT_SESSION_TTL_SECONDS, operatorsSchema } from '../../shared/engines/console';

/** tx-console settings, read once at cold start. */
export const consoleConfigSchema = z.extend(baseConfigSchema, {
  /** JSON array `[{name, role: viewer|operator, passwordHash?, tokenHash?}]` (`txcenter console-password`). */
  TXC_OPERATORS: operatorsSchema,
  /** HMAC key of session cookies and CSRF tokens (≥ 32 characters); rotating it ends every session. */
  TXC_CONSOLE_SESSION_SECRET: z.string().check(z.minLength(32, 'at least 32 characters')),
  TXC_CONSOLE_SESSION_TTL_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(60), z.maximum(86_400)),
    DEFAULT_SESSION_TTL_SECONDS,
  ),
  /** `false` only for plain-http local runs (browsers drop Secure cookies there). */
  TXC_CONSOLE_COOKIE_SECURE: z.pipe(
    z._default(z.enum(['true', 'false']), 'true'),
    z.transform((value: 'true' | 'false') => value === 'true'),
  ),
  /** The business systems, for "check now" (the same setting as tx-gateway and tx-checkback). */
  TXC_SYSTEMS: businessSystemsSchema,
  /** The same override as tx-gateway's: a stuck transaction is PREPARED past this immunity. */
  TXC_CHECK_IMMUNITY_SECONDS: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(300))),
  /** The alert functions' incident window: an incident is open while its window is. */
  TXC_ALERT_WINDOW_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), DEFAULT_INCIDENT_WINDOW_SECONDS),
  /** Local stack only: the supervisor's status file (`<data>/runtime.json`), whose restart counts `/metrics` shows. */
  TXC_LOCAL_RUNTIME_STATUS_FILE: z.optional(z.string().check(z.minLength(1))),
});

export type ConsoleConfig = z.output<typeof consoleConfigSchema>;

export function readConsoleConfig(env: Record<string, string | undefined> = process.env): ConsoleConfig {
  return readConfig(consoleConfigSchema, env);
}

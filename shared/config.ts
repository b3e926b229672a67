import * as z from './zod';
import { ValidationError } from './errors';

/**
 * Settings every function reads at cold start, from environment variables. Function-specific settings
 * extend {@link baseConfigSchema} in the function's own `config.ts`. `process.env` is read nowhere else.
 */
export const baseConfigSchema = z.object({
  /** `sqlite:<file>` locally, `mysql://user:pass@host:3306/db` in production. */
  TXC_DATABASE_URL: z._default(z.string().check(z.minLength(1)), 'sqlite:.txcenter/txcenter.db'),
  /** The RocketMQ HTTP endpoint, e.g. `http://<account>.mqrest.cn-hangzhou.aliyuncs.com`. */
  TXC_MQ_ENDPOINT: z._default(z.url(), 'http://127.0.0.1:9876'),
  TXC_MQ_ACCESS_KEY_ID: z._default(z.string().check(z.minLength(1)), 'txcenter-dev'),
  TXC_MQ_ACCESS_KEY_SECRET: z._default(z.string().check(z.minLength(1)), 'txcenter-dev-secret'),
  /** Instance id (`ns`); empty for instances without a namespace. */
  TXC_MQ_INSTANCE_ID: z._default(z.string(), ''),
  TXC_LOG_LEVEL: z._default(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
});

export type BaseConfig = z.output<typeof baseConfigSchema>;

/** Parses `env` with `schema`, naming every bad variable (never echoing values: they may be secrets). */
export function readConfig<S extends z.ZodMiniType>(schema: S, env: Record<string, string | undefined> = process.env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ValidationError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The MQ connection described by a base configuration. */
export function mqConnectionOf(config: BaseConfig) {
  return {
    endpoint: config.TXC_MQ_ENDPOINT,
    accessKeyId: config.TXC_MQ_ACCESS_KEY_ID,
    accessKeySecret: config.TXC_MQ_ACCESS_KEY_SECRET,
    instanceId: config.TXC_MQ_INSTANCE_ID,
  };
}

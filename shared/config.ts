import { z } from 'zod';
import { ValidationError } from './errors';

/**
 * Settings every function reads at cold start, from environment variables. Function-specific settings
 * extend {@link baseConfigSchema} in the function's own `config.ts`. `process.env` is read nowhere else.
 */
export const baseConfigSchema = z.object({
  /** `sqlite:<file>` locally, `mysql://user:pass@host:3306/db` in production. */
  TXC_DATABASE_URL: z.string().min(1).default('sqlite:.txcenter/txcenter.db'),
  /** The RocketMQ HTTP endpoint, e.g. `http://<account>.mqrest.cn-hangzhou.aliyuncs.com`. */
  TXC_MQ_ENDPOINT: z.url().default('http://127.0.0.1:9876'),
  TXC_MQ_ACCESS_KEY_ID: z.string().min(1).default('txcenter-dev'),
  TXC_MQ_ACCESS_KEY_SECRET: z.string().min(1).default('txcenter-dev-secret'),
  /** Instance id (`ns`); empty for instances without a namespace. */
  TXC_MQ_INSTANCE_ID: z.string().default(''),
  TXC_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type BaseConfig = z.output<typeof baseConfigSchema>;

/** Parses `env` with `schema`, naming every bad variable (never echoing values: they may be secrets). */
export function readConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.output<S> {
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

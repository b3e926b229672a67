import * as z from '../shared/zod';
import { readConfig } from '../shared/config';

/**
 * Settings of `npm run deploy`, from the environment (the only place scripts read it). Function
 * settings (TXC_DATABASE_URL, …) reach serverless.yml through `${env:…}` instead.
 */
export const deploySettingsSchema = z.object({
  ALIBABA_CLOUD_ACCOUNT_ID: z.string().check(z.regex(/^\d+$/, 'the numeric Alibaba Cloud account (UID)')),
  ALIBABA_CLOUD_ACCESS_KEY_ID: z.string().check(z.minLength(1)),
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: z.string().check(z.minLength(1)),
  /** Set when the keys are STS credentials. */
  ALIBABA_CLOUD_SECURITY_TOKEN: z.optional(z.string()),
  /** Overrides `https://<account>.<region>.fc.aliyuncs.com` (tests point it at a recorder). */
  TXC_FC_ENDPOINT: z.optional(z.url()),
});
export type DeploySettings = z.output<typeof deploySettingsSchema>;

/** @throws ValidationError naming every missing or bad variable. */
export function readDeploySettings(env: Record<string, string | undefined> = process.env): DeploySettings {
  return readConfig(deploySettingsSchema, env);
}

/** Settings that make `serverless` run offline and quietly (fc-platform.md). */
export function offlineServerlessEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CI: '1', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*', ...extra };
}

/** The environment of a fresh handler process: only what FC would set, plus `extra`. */
export function functionProcessEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...extra };
}

import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import * as z from '../shared/zod';
import { readConfig } from '../shared/config';
import { allSettingNames } from './functionSettings';

/**
 * Credentials of `npm run deploy`, from the environment (the only place scripts read it). The
 * functions' settings come from {@link readStageEnvironment}.
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

/** The credential variables that are missing or malformed (never their values). */
export function credentialProblems(env: Record<string, string | undefined> = process.env): string[] {
  const parsed = deploySettingsSchema.safeParse(env);
  return parsed.success
    ? []
    : parsed.error.issues.map(
        (issue) => `${issue.path.join('.')} ${env[String(issue.path[0])] === undefined ? 'is not set' : issue.message}`,
      );
}

/**
 * The environment a stage deploys with: the process environment, overridden by the stage's settings
 * file when there is one (`KEY=value` lines, as `node --env-file` reads them), so one shell can
 * deploy several stages without leaking one stage's values into another.
 */
export function readStageEnvironment(
  settingsFile: string | undefined,
  env: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const fromFile = settingsFile ? parseEnv(readFileSync(settingsFile, 'utf8')) : {};
  return Object.fromEntries(Object.entries({ ...env, ...fromFile }).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The functions' settings (every name of the settings table) that `env` sets. */
export function functionSettingValues(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(allSettingNames().flatMap((name) => (env[name] !== undefined ? [[name, env[name]]] : [])));
}

/** Settings that make `serverless` run offline and quietly (fc-platform.md). */
export function offlineServerlessEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CI: '1', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*', ...extra };
}

/** The environment of a fresh handler process: only what FC would set, plus `extra`. */
export function functionProcessEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...extra };
}

import { pino } from 'pino';

/** The narrow logger interface domain code depends on (tests pass a fake; production passes pino). */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  child(fields: object): Logger;
}

/**
 * Field paths never written to logs: credentials, signatures and customer identifiers. Values are
 * replaced, so a log line still shows that the field was present.
 */
export const REDACTED_PATHS = [
  '*.secret',
  '*.accessKeySecret',
  '*.password',
  '*.authorization',
  '*.signature',
  '*.idNumber',
  '*.phone',
  '*.mobile',
  'headers.authorization',
  'headers["x-txc-signature"]',
  'secret',
  'accessKeySecret',
  'password',
  'idNumber',
  'phone',
];

/** JSON-lines logger for a function or local component; `name` appears on every line as `fn`. */
export function createLogger(name: string, level = 'info', destination?: NodeJS.WritableStream): Logger {
  // Only `fn`: pino's own `name` option would write the same value twice on every line.
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { fn: name } };
  return destination ? pino(options, destination as never) : pino(options);
}

/** Keeps the first 3 and last 4 characters of a national id number (e.g. `110***********1234`). */
export function maskIdNumber(value: string): string {
  return value.length <= 7 ? '*'.repeat(value.length) : `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

/** Keeps the first 3 and last 4 digits of a phone number (`138****5678`). */
export function maskPhone(value: string): string {
  return maskIdNumber(value);
}

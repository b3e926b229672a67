import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './command';

/** pino's levels: anything else would surface as a stack trace from inside the logger. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `--log-level`: one of LOG_LEVELS, or a usage error naming them. */
export function logLevelArg(value: string): string {
  if (!(LOG_LEVELS as readonly string[]).includes(value))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${value}'`);
  return value;
}

/** A whole-number option value ≥ `minimum` (`--runs 5`), or a usage error naming the flag. */
export function integerArg(flag: string, value: string, minimum = 1): number {
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < minimum)
    throw new UsageError(`--${flag} must be a whole number ≥ ${minimum}, got '${value}'`);
  return parsed;
}

/** A comma-separated list of them (`--concurrency 8,32,96`). */
export function integerListArg(flag: string, value: string, minimum = 1): number[] {
  return value.split(',').map((item) => {
    try {
      return integerArg(flag, item, minimum);
    } catch {
      throw new UsageError(`--${flag} takes whole numbers ≥ ${minimum} separated by commas, got '${value}'`);
    }
  });
}

function kindOf(path: string): 'folder' | 'file' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}

/**
 * `--data <dir>` as an absolute path, refused with a one-line usage error (exit 2) when it is a file,
 * or when it must hold an existing stack (`mustExist`) and does not. A folder to be created needs a
 * parent that is a folder or can become one (mkdir -p), so a path under a file is refused too.
 */
export function dataFolderArg(value: string, options: { mustExist: boolean }): string {
  const path = resolve(value);
  const kind = kindOf(path);
  if (kind === 'file') throw new UsageError(`--data ${value}: is a file, not a folder`);
  if (kind === 'missing') {
    if (options.mustExist)
      throw new UsageError(`--data ${value}: no such folder (start the local stack there first: txcenter start --data ${value})`);
    for (let parent = dirname(path); parent !== dirname(parent); parent = dirname(parent)) {
      const parentKind = kindOf(parent);
      if (parentKind === 'file') throw new UsageError(`--data ${value}: ${parent} is a file, not a folder`);
      if (parentKind === 'folder') break;
    }
  }
  return path;
}

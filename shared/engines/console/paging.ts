import { ConsoleError } from './errors';
import type { Page } from './api';
import { DEFAULT_PAGE_LIMIT } from './api';

/** A keyset position: the sort value (epoch ms or a number id) and the tie-breaking key of the last row. */
export interface Keyset {
  readonly at: number;
  readonly id: string;
}

/** Opaque to clients: base64url of `[at, id]`. */
export function encodeCursor(keyset: Keyset): string {
  return Buffer.from(JSON.stringify([keyset.at, keyset.id])).toString('base64url');
}

/** @throws ConsoleError VALIDATION_FAILED for a cursor this server did not make */
export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string' &&
      value[1].length <= 191
    )
      return { at: value[0], id: value[1] };
  } catch {
    // fall through to the refusal
  }
  throw new ConsoleError('VALIDATION_FAILED', 'cursor: not a cursor returned by the previous page');
}

/**
 * Cuts the one extra row a keyset query fetched (`limit + 1`) into a page: its presence is what says
 * another page exists, without a COUNT.
 */
export function pageOf<R, T>(rows: readonly R[], limit: number, keyOf: (row: R) => Keyset, view: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(view), nextCursor: more ? encodeCursor(keyOf(kept[kept.length - 1]!)) : null };
}

export const limitOf = (limit: number | undefined): number => limit ?? DEFAULT_PAGE_LIMIT;

/**
 * @module console/ui/router — the UI's hash routes ({@link UI_ROUTES}) parsed into a {@link Route}.
 * Hash routes need no server route, so every deep link (`<console>/#/trace/<key>`) works from `/`.
 */
import type { Query } from './apiClient';

export const PAGE_NAMES = [
  'login',
  'overview',
  'transactions',
  'transaction',
  'trace',
  'stuck',
  'subscribers',
  'subscriber',
  'deadLetters',
  'deadLetter',
  'reconcileRuns',
  'reconcileRun',
  'incidents',
  'incident',
  'audit',
  'notFound',
] as const;
export type PageName = (typeof PAGE_NAMES)[number];

export interface Route {
  readonly page: PageName;
  /** The decoded path parameter (txId, business key, group, id, run id, incident key), or ''. */
  readonly param: string;
  readonly query: Query;
  /** The hash as given, to come back to after a login. */
  readonly hash: string;
}

/** Pages without a parameter, and those with one, by their first path segment. */
const LIST_PAGES: Readonly<Record<string, PageName>> = {
  login: 'login',
  overview: 'overview',
  transactions: 'transactions',
  stuck: 'stuck',
  subscribers: 'subscribers',
  'dead-letters': 'deadLetters',
  'reconcile-runs': 'reconcileRuns',
  incidents: 'incidents',
  audit: 'audit',
};
const DETAIL_PAGES: Readonly<Record<string, PageName>> = {
  transactions: 'transaction',
  trace: 'trace',
  subscribers: 'subscriber',
  'dead-letters': 'deadLetter',
  'reconcile-runs': 'reconcileRun',
  incidents: 'incident',
};

/** `#/trace/p%2F1?x=y` → `{page: 'trace', param: 'p/1', query: {x: 'y'}}`; an empty hash is the overview. */
export function parseRoute(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const queryAt = body.indexOf('?');
  const path = queryAt < 0 ? body : body.slice(0, queryAt);
  const query: Record<string, string> = {};
  if (queryAt >= 0) for (const [key, value] of new URLSearchParams(body.slice(queryAt + 1))) query[key] = value;
  const slash = path.indexOf('/');
  const head = slash < 0 ? path : path.slice(0, slash);
  const rest = slash < 0 ? '' : path.slice(slash + 1);
  if (head === '') return { page: 'overview', param: '', query, hash };
  const page = rest === '' ? LIST_PAGES[head] : DETAIL_PAGES[head];
  const param = page ? decode(rest) : undefined;
  if (!page || param === undefined) return { page: 'notFound', param: '', query, hash };
  return { page, param, query, hash };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

import type { BrokerCore } from '../core/BrokerCore';

/** Paths of the JSON inspection endpoint (read-only, unauthenticated: the broker listens on loopback). */
export const ADMIN_PATHS = {
  state: '/admin/state',
  deadLetters: '/admin/dead-letters',
} as const;

export interface AdminResponse {
  readonly status: number;
  readonly json: unknown;
}

/**
 * `GET /admin/state`: topics, groups and per-group backlog / in-flight / dead-letter counts.
 * `GET /admin/dead-letters[?ns=&topic=&group=]`: the dead letters themselves.
 */
export function handleAdmin(method: string, target: string, core: BrokerCore, journalBytes: () => number): AdminResponse {
  const url = new URL(target, 'http://broker');
  if (method !== 'GET') return { status: 405, json: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not supported; use GET` } };
  if (url.pathname === ADMIN_PATHS.state) return { status: 200, json: { ...core.inspect(), journalBytes: journalBytes() } };
  if (url.pathname === ADMIN_PATHS.deadLetters) {
    const filter: { ns?: string; topic?: string; group?: string } = {};
    for (const name of ['ns', 'topic', 'group'] as const) {
      const value = url.searchParams.get(name);
      if (value !== null) filter[name] = value;
    }
    return { status: 200, json: { deadLetters: core.deadLetters(filter) } };
  }
  return { status: 404, json: { code: 'NOT_FOUND', message: `no admin resource at ${url.pathname}; try ${Object.values(ADMIN_PATHS).join(' or ')}` } };
}

import type { BrokerCore } from '../core/BrokerCore';
import type { HeaderBag, SecretLookup } from '../codec/signature';
import { verifyRequest } from '../codec/signature';
import { MqError } from '../errors';

/** Paths of the JSON inspection endpoints (read-only). */
export const ADMIN_PATHS = {
  state: '/admin/state',
  deadLetters: '/admin/dead-letters',
} as const;

export interface AdminRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: HeaderBag;
}

export interface AdminContext {
  readonly core: BrokerCore;
  readonly secretOf: SecretLookup;
  readonly now: () => number;
  readonly journalBytes: () => number;
}

export interface AdminResponse {
  readonly status: number;
  readonly json: unknown;
}

const refusal = (status: number, code: string, message: string): AdminResponse => ({ status, json: { error: { code, message } } });

/**
 * `GET /admin/state`: topics, groups and per-group backlog / in-flight / dead-letter counts (no
 * message content, open like a health check).
 * `GET /admin/dead-letters[?ns=&topic=&group=]`: the dead letters with their bodies, so signed with
 * the broker's access key exactly like an MQ request (method GET, resource = the request target).
 */
export function handleAdmin(request: AdminRequest, context: AdminContext): AdminResponse {
  const { method, target } = request;
  if (method !== 'GET') return refusal(405, 'METHOD_NOT_ALLOWED', `${method.slice(0, 16)} is not supported; use GET`);
  let url: URL;
  try {
    url = new URL(target, 'http://broker');
  } catch {
    return refusal(400, 'INVALID_REQUEST_URL', 'the request target is not a valid URL');
  }
  if (url.pathname === ADMIN_PATHS.state) return { status: 200, json: { ...context.core.inspect(), journalBytes: context.journalBytes() } };
  if (url.pathname === ADMIN_PATHS.deadLetters) {
    try {
      verifyRequest({ method, target, headers: request.headers, body: EMPTY }, context.secretOf, context.now());
    } catch (error) {
      if (error instanceof MqError) return refusal(error.status, error.code, error.message);
      throw error;
    }
    const filter: { ns?: string; topic?: string; group?: string } = {};
    for (const name of ['ns', 'topic', 'group'] as const) {
      const value = url.searchParams.get(name);
      if (value !== null) filter[name] = value;
    }
    return { status: 200, json: { deadLetters: context.core.deadLetters(filter) } };
  }
  return refusal(404, 'NOT_FOUND', `no admin resource at ${url.pathname.slice(0, 128)}; try ${Object.values(ADMIN_PATHS).join(' or ')}`);
}

const EMPTY = Buffer.alloc(0);

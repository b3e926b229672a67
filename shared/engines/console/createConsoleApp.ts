import type * as z from '../../zod';
import { TxcError } from '../../errors';
import type { HttpApp, HttpRequest, HttpResponse, InvocationContext } from '../invocation/InvocationContext';
import { jsonErrorResponse, jsonResponse } from '../invocation/httpResponses';
import type { Logger } from '../../logger';
import type { AuditAction, ErrorCode, SessionInfo, UiAsset } from './api';
import {
  auditSearchSchema,
  businessKeySchema,
  checkBodySchema,
  deadLetterSearchSchema,
  decisionBodySchema,
  ERROR_STATUS,
  idSchema,
  incidentKeySchema,
  incidentSearchSchema,
  loginBodySchema,
  MAX_REQUEST_BODY_BYTES,
  operatorNameSchema,
  pageQuerySchema,
  replayBodySchema,
  transactionSearchSchema,
  windowQuerySchema,
} from './api';
import type { AuditLog } from './AuditLog';
import type { ConsoleActions } from './ConsoleActions';
import type { ConsoleMetrics } from './ConsoleMetrics';
import { CachedGauges, METRICS_CONTENT_TYPE, METRICS_GAUGES_TTL_MS } from './ConsoleMetrics';
import { ConsoleError } from './errors';
import type { ListReader } from './ListReader';
import type { LoginThrottle } from './LoginThrottle';
import type { Operator, Operators } from './operators';
import type { SessionClaims, SessionSigner } from './sessions';
import { sessionTokenOf } from './sessions';
import type { SessionRevocations } from './SessionRevocations';
import type { StatusReader } from './StatusReader';
import type { TransactionReader } from './TransactionReader';

/** Everything that needs the database, opened by the first request that reaches it. */
export interface ConsoleServices {
  readonly transactions: TransactionReader;
  readonly status: StatusReader;
  readonly lists: ListReader;
  readonly actions: ConsoleActions;
  readonly audit: AuditLog;
  readonly throttle: LoginThrottle;
  readonly revocations: SessionRevocations;
}

export interface ConsoleAppDeps {
  readonly services: () => Promise<ConsoleServices>;
  readonly operators: Operators;
  readonly sessions: SessionSigner;
  readonly metrics: ConsoleMetrics;
  readonly assets: Readonly<Record<string, UiAsset>>;
  /** Catalog group ids (every one gets a backlog and dead-letter series). */
  readonly groups: readonly string[];
  readonly logger: Logger;
  readonly now?: () => number;
  /** @default METRICS_GAUGES_TTL_MS */
  readonly metricsGaugesTtlMs?: number;
  /** Local stack only: each function process's restart count, read per scrape (undefined when unknown). */
  readonly functionRestarts?: () => Readonly<Record<string, number>> | undefined;
}

/** Who is calling, and how (a cookie session needs the CSRF header on state changes). */
interface Caller {
  readonly operator: Operator;
  readonly session: SessionClaims | undefined;
}

interface Call {
  readonly request: HttpRequest;
  readonly params: readonly string[];
  readonly caller: Caller;
  readonly ip: string;
  readonly services: () => Promise<ConsoleServices>;
}

type Access = 'public' | 'viewer' | 'operator' | 'metrics';

interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly pattern: RegExp;
  /** Metric label and log field: the route, never the concrete path. */
  readonly name: string;
  readonly access: Access;
  readonly run: (call: Call) => Promise<HttpResponse>;
}

const UI_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
};
const COMMON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

function parse<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || what, message: issue.message }));
    throw new ConsoleError('VALIDATION_FAILED', `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      details: { issues },
    });
  }
  return parsed.data;
}

function pathParam(raw: string, schema: z.ZodMiniType, what: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw new ConsoleError('VALIDATION_FAILED', `invalid ${what}: not URI-encoded`);
  }
  return parse(schema, value, what) as string;
}

function bodyOf(request: HttpRequest): unknown {
  const text = request.isBase64Encoded ? Buffer.from(request.body ?? '', 'base64').toString('utf8') : (request.body ?? '');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_REQUEST_BODY_BYTES)
    throw new ConsoleError('PAYLOAD_TOO_LARGE', `request body of ${bytes} bytes exceeds the ${MAX_REQUEST_BODY_BYTES}-byte limit`);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConsoleError('INVALID_JSON', 'request body is not valid JSON');
  }
}

const query = (request: HttpRequest): Record<string, string | undefined> => request.queryStringParameters ?? {};

/** Maps any failure to the console's error body; only codes and messages we wrote reach the client. */
function errorOf(error: unknown): { code: ErrorCode; message: string; details?: Record<string, unknown>; retryAfter?: number } {
  if (error instanceof ConsoleError)
    return { code: error.code, message: error.message, details: error.details, retryAfter: error.retryAfterSeconds };
  if (error instanceof TxcError) {
    if (error.code === 'TX_NOT_FOUND' || error.code === 'TX_STATE_CONFLICT' || error.code === 'VALIDATION_FAILED')
      return { code: error.code, message: error.message, details: error.details };
    if (error.code === 'BROKER_UNAVAILABLE' || error.code === 'TX_STORE_FAILED' || error.code === 'MQ_UNAVAILABLE')
      return { code: 'UNAVAILABLE', message: 'the store or the broker is unavailable; retry shortly', retryAfter: 5 };
  }
  return { code: 'INTERNAL', message: 'internal error' };
}

const AUDIT_RESULT_OF = (code: ErrorCode): 'refused' | 'failed' => (ERROR_STATUS[code] < 500 ? 'refused' : 'failed');

/**
 * tx-console as a platform-neutral HTTP app: the JSON API of `shared/engines/console/api.ts`, the UI's static
 * files and `/metrics`. Authentication, roles and CSRF are checked here, before any handler runs; every
 * operator action (and every refusal of one) is written to the audit log.
 *
 * @example
 * export const handler = httpHandler(createConsoleApp({ services, operators, sessions, metrics, assets, groups, logger }));
 */
export function createConsoleApp(deps: ConsoleAppDeps): HttpApp {
  const now = deps.now ?? Date.now;
  const gauges = new CachedGauges(deps.metricsGaugesTtlMs ?? METRICS_GAUGES_TTL_MS, now);

  const sessionInfo = (caller: Caller): SessionInfo => ({
    operator: caller.operator,
    csrfToken: caller.session ? deps.sessions.csrfToken(caller.session) : '',
    expiresAt: caller.session ? new Date(caller.session.expiresAt).toISOString() : null,
  });

  /** Runs an operator action with its audit row: ok, or the refusal/failure and its code. */
  async function audited<T>(
    call: Call,
    action: AuditAction,
    target: string,
    detail: Record<string, unknown>,
    run: () => Promise<T>,
    resultDetail: (value: T) => Record<string, unknown>,
  ): Promise<T> {
    const { audit } = await call.services();
    const base = { actor: call.caller.operator.name, role: call.caller.operator.role, action, target, sourceIp: call.ip };
    let value: T;
    try {
      value = await run();
    } catch (error) {
      const { code } = errorOf(error);
      const result = AUDIT_RESULT_OF(code);
      deps.metrics.action(action, result);
      await audit.append({ ...base, result, detail: { ...detail, code } });
      throw error;
    }
    deps.metrics.action(action, 'ok');
    await audit.append({ ...base, result: 'ok', detail: { ...detail, ...resultDetail(value) } });
    return value;
  }

  const routes: Route[] = [
    {
      method: 'POST',
      pattern: /^\/api\/session$/,
      name: 'session.login',
      access: 'public',
      run: async ({ request, ip, services }) => {
        const body = parse(loginBodySchema, bodyOf(request), 'login');
        const { throttle, audit } = await services();
        const locked = await throttle.lockedFor(body.name, ip);
        const refuse = async (code: ErrorCode, message: string, retryAfterSeconds?: number) => {
          deps.metrics.action('login', 'refused');
          await audit.append({
            actor: body.name,
            role: null,
            action: 'login',
            target: body.name,
            result: 'refused',
            detail: { code },
            sourceIp: ip,
          });
          throw new ConsoleError(code, message, retryAfterSeconds ? { retryAfterSeconds, details: { retryAfterSeconds } } : undefined);
        };
        if (locked > 0) return refuse('LOGIN_LOCKED', `too many failed logins; try again in ${locked} s`, locked);
        const operator = await deps.operators.login(body.name, body.password);
        if (!operator) {
          const lock = await throttle.failed(body.name, ip);
          return lock > 0
            ? refuse('LOGIN_LOCKED', `too many failed logins; try again in ${lock} s`, lock)
            : refuse('LOGIN_FAILED', 'wrong name or password');
        }
        await throttle.succeeded(body.name, ip);
        const { claims, token } = deps.sessions.issue(operator.name, now());
        deps.metrics.action('login', 'ok');
        await audit.append({
          actor: operator.name,
          role: operator.role,
          action: 'login',
          target: operator.name,
          result: 'ok',
          sourceIp: ip,
        });
        return jsonResponse(200, sessionInfo({ operator, session: claims }), { 'set-cookie': deps.sessions.setCookie(token) });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/session$/,
      name: 'session.get',
      access: 'viewer',
      run: async ({ caller }) => jsonResponse(200, sessionInfo(caller)),
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/session$/,
      name: 'session.logout',
      access: 'viewer',
      run: async ({ caller, ip, services }) => {
        const { audit, revocations } = await services();
        // Stored before answering: once the browser hears "logged out", no copy of the cookie works.
        if (caller.session) await revocations.revokeSession(caller.session);
        await audit.append({
          actor: caller.operator.name,
          role: caller.operator.role,
          action: 'logout',
          target: caller.operator.name,
          result: 'ok',
          sourceIp: ip,
        });
        return jsonResponse(200, { ok: true }, { 'set-cookie': deps.sessions.clearCookie() });
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/operators\/([^/]+)\/sessions$/,
      name: 'operator.sessions.revoke',
      access: 'operator',
      run: async (call) => {
        const name = pathParam(call.params[0]!, operatorNameSchema, 'operator');
        const { revocations } = await call.services();
        const result = await audited(
          call,
          'revoke',
          name,
          {},
          async () => {
            if (!deps.operators.get(name)) throw new ConsoleError('OPERATOR_NOT_FOUND', `no operator ${name} in TXC_OPERATORS`);
            const { revokedAt } = await revocations.revokeOperator(name, call.caller.operator.name, deps.sessions.ttlSeconds);
            return { operator: name, revokedAt: new Date(revokedAt).toISOString() };
          },
          (r) => ({ revokedAt: r.revokedAt }),
        );
        return jsonResponse(200, result);
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/overview$/,
      name: 'overview',
      access: 'viewer',
      run: async ({ services }) => jsonResponse(200, await (await services()).status.overview()),
    },
    {
      method: 'GET',
      pattern: /^\/api\/transactions$/,
      name: 'transactions',
      access: 'viewer',
      run: async ({ request, services }) =>
        jsonResponse(200, await (await services()).transactions.search(parse(transactionSearchSchema, query(request), 'query'))),
    },
    {
      method: 'GET',
      pattern: /^\/api\/transactions\/([^/]+)$/,
      name: 'transaction',
      access: 'viewer',
      run: async ({ params, caller, services }) =>
        jsonResponse(
          200,
          await (await services()).transactions.detail(pathParam(params[0]!, idSchema, 'txId'), caller.operator.role === 'operator'),
        ),
    },
    {
      method: 'POST',
      pattern: /^\/api\/transactions\/([^/]+)\/check$/,
      name: 'transaction.check',
      access: 'operator',
      run: async (call) => {
        const txId = pathParam(call.params[0]!, idSchema, 'txId');
        parse(checkBodySchema, bodyOf(call.request), 'body');
        const { actions } = await call.services();
        const result = await audited(
          call,
          'check',
          txId,
          {},
          () => actions.check(txId, call.caller.operator),
          (r) => ({ answer: r.answer, state: r.transaction.state }),
        );
        return jsonResponse(200, result);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/transactions\/([^/]+)\/decision$/,
      name: 'transaction.decision',
      access: 'operator',
      run: async (call) => {
        const txId = pathParam(call.params[0]!, idSchema, 'txId');
        const body = parse(decisionBodySchema, bodyOf(call.request), 'body');
        const { actions } = await call.services();
        const result = await audited(
          call,
          'decision',
          txId,
          { decision: body.decision, reason: body.reason },
          () => actions.decide(txId, body, call.caller.operator),
          (r) => ({ state: r.transaction.state, delivery: r.delivery }),
        );
        return jsonResponse(200, result);
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/trace\/([^/]+)$/,
      name: 'trace',
      access: 'viewer',
      run: async ({ params, services }) =>
        jsonResponse(200, await (await services()).transactions.trace(pathParam(params[0]!, businessKeySchema, 'businessKey'))),
    },
    {
      method: 'GET',
      pattern: /^\/api\/subscribers$/,
      name: 'subscribers',
      access: 'viewer',
      run: async ({ request, services }) =>
        jsonResponse(200, await (await services()).status.subscribers(parse(windowQuerySchema, query(request), 'query').window)),
    },
    {
      method: 'GET',
      pattern: /^\/api\/subscribers\/([^/]+)$/,
      name: 'subscriber',
      access: 'viewer',
      run: async ({ request, params, services }) =>
        jsonResponse(
          200,
          await (await services()).status.subscriber(
            pathParam(params[0]!, idSchema, 'group'),
            parse(windowQuerySchema, query(request), 'query').window,
          ),
        ),
    },
    {
      method: 'GET',
      pattern: /^\/api\/dead-letters$/,
      name: 'dead-letters',
      access: 'viewer',
      run: async ({ request, services }) =>
        jsonResponse(200, await (await services()).lists.searchDeadLetters(parse(deadLetterSearchSchema, query(request), 'query'))),
    },
    {
      method: 'POST',
      pattern: /^\/api\/dead-letters\/replay$/,
      name: 'dead-letters.replay',
      access: 'operator',
      run: async (call) => {
        const body = parse(replayBodySchema, bodyOf(call.request), 'body');
        const { actions } = await call.services();
        const target = body.filter.ids ? `ids:${body.filter.ids.join(',')}` : `filter:${JSON.stringify(body.filter)}`;
        const report = await audited(
          call,
          'replay',
          target,
          { dryRun: body.dryRun, filter: body.filter },
          () => actions.replay(body),
          (r) => ({ matched: r.matched, counts: r.counts }),
        );
        if (!body.dryRun) deps.metrics.replayResults(report.counts);
        return jsonResponse(200, report);
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/dead-letters\/([^/]+)$/,
      name: 'dead-letter',
      access: 'viewer',
      run: async ({ params, services }) =>
        jsonResponse(200, await (await services()).lists.deadLetter(pathParam(params[0]!, idSchema, 'id'))),
    },
    {
      method: 'GET',
      pattern: /^\/api\/reconcile-runs$/,
      name: 'reconcile-runs',
      access: 'viewer',
      run: async ({ request, services }) =>
        jsonResponse(200, await (await services()).lists.reconcileRuns(parse(pageQuerySchema, query(request), 'query'))),
    },
    {
      method: 'GET',
      pattern: /^\/api\/reconcile-runs\/([^/]+)$/,
      name: 'reconcile-run',
      access: 'viewer',
      run: async ({ params, services }) =>
        jsonResponse(200, await (await services()).lists.reconcileRun(pathParam(params[0]!, idSchema, 'runId'))),
    },
    {
      method: 'GET',
      pattern: /^\/api\/incidents$/,
      name: 'incidents',
      access: 'viewer',
      run: async ({ request, services }) =>
        jsonResponse(200, await (await services()).lists.incidents(parse(incidentSearchSchema, query(request), 'query'))),
    },
    {
      method: 'GET',
      pattern: /^\/api\/incidents\/([^/]+)$/,
      name: 'incident',
      access: 'viewer',
      run: async ({ params, services }) =>
        jsonResponse(200, await (await services()).lists.incident(pathParam(params[0]!, incidentKeySchema, 'incidentKey'))),
    },
    {
      method: 'GET',
      pattern: /^\/api\/audit$/,
      name: 'audit',
      access: 'viewer',
      run: async ({ request, services }) =>
        jsonResponse(200, await (await services()).audit.list(parse(auditSearchSchema, query(request), 'query'))),
    },
    {
      method: 'GET',
      pattern: /^\/metrics$/,
      name: 'metrics',
      access: 'metrics',
      run: async ({ services }) => {
        // Ages (oldest PREPARED, last reconcile) are computed at this scrape's time even from reused gauges.
        const current = await gauges.get(async () => (await services()).status.gauges());
        const text = await deps.metrics.render(current, deps.groups, now(), deps.functionRestarts?.());
        return { statusCode: 200, headers: { 'content-type': METRICS_CONTENT_TYPE }, body: text };
      },
    },
  ];

  function staticAsset(path: string): HttpResponse | undefined {
    const asset = deps.assets[path === '/index.html' ? '/' : path];
    if (!asset || (path !== '/' && path !== '/index.html' && !path.startsWith('/assets/'))) return undefined;
    return {
      statusCode: 200,
      headers: { 'content-type': asset.contentType, ...UI_SECURITY_HEADERS },
      body: asset.body,
      isBase64Encoded: asset.base64 ?? false,
    };
  }

  /**
   * Resolves the caller: a bearer token, else the session cookie, which must be unexpired and not
   * revoked (logged out, or its operator cut off). @throws ConsoleError UNAUTHENTICATED
   */
  async function authenticate(request: HttpRequest, access: Access, services: () => Promise<ConsoleServices>): Promise<Caller> {
    const header = request.headers?.authorization;
    if (header !== undefined) {
      const token = /^Bearer ([A-Za-z0-9._~+/=-]{16,256})$/.exec(header)?.[1];
      const operator = token === undefined ? undefined : deps.operators.byApiToken(token);
      if (!operator) throw new ConsoleError('UNAUTHENTICATED', 'invalid bearer token');
      return { operator, session: undefined };
    }
    if (access === 'metrics') throw new ConsoleError('UNAUTHENTICATED', '/metrics needs authorization: Bearer <token>');
    const token = sessionTokenOf(request.headers?.cookie);
    const claims = token === undefined ? undefined : deps.sessions.verify(token, now());
    // The role comes from the configuration, not the cookie: a removed operator's session ends at once.
    const operator = claims && deps.operators.get(claims.name);
    if (!claims || !operator)
      throw new ConsoleError('UNAUTHENTICATED', token === undefined ? 'log in first' : 'the session expired or is invalid; log in again');
    if (await (await services()).revocations.isRevoked(claims))
      throw new ConsoleError('UNAUTHENTICATED', 'the session was ended (logged out or revoked); log in again');
    return { operator, session: claims };
  }

  function authorize(request: HttpRequest, route: Route, caller: Caller): void {
    if (caller.session && route.method !== 'GET' && !deps.sessions.csrfMatches(caller.session, request.headers?.['x-csrf-token'])) {
      throw new ConsoleError('CSRF_FAILED', 'missing or wrong x-csrf-token header for this session');
    }
    if (route.access === 'operator' && caller.operator.role !== 'operator') {
      throw new ConsoleError('FORBIDDEN', `the ${caller.operator.role} role may not do this; an operator may`);
    }
  }

  async function answer(
    request: HttpRequest,
    method: string,
    path: string,
    services: () => Promise<ConsoleServices>,
  ): Promise<{ route: string; response: HttpResponse }> {
    const matched = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((m) => m.match !== null);
    if (matched.length === 0) {
      const asset = method === 'GET' ? staticAsset(path) : undefined;
      if (asset) return { route: 'ui', response: asset };
      throw new ConsoleError('ROUTE_NOT_FOUND', `no route ${method} ${path.slice(0, 200)}`);
    }
    const hit = matched.find((m) => m.route.method === method);
    if (!hit)
      throw new ConsoleError('METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${matched.map((m) => m.route.method).join(', ')}`);
    const { route } = hit;
    const ip = request.requestContext?.http?.sourceIp ?? '';
    let caller: Caller | undefined;
    if (route.access !== 'public') {
      caller = await authenticate(request, route.access, services);
      authorize(request, route, caller);
    }
    const call: Call = {
      request,
      params: hit.match!.slice(1),
      caller: caller ?? { operator: { name: '', role: 'viewer' }, session: undefined },
      ip,
      services,
    };
    try {
      return { route: route.name, response: await route.run(call) };
    } catch (error) {
      throw Object.assign(error as object, { route: route.name });
    }
  }

  return async (request: HttpRequest, context: InvocationContext) => {
    const method = request.requestContext.http.method.toUpperCase();
    const path = request.rawPath || request.requestContext.http.path;
    const log = () => deps.logger.child({ requestId: context.requestId, method, path: path.slice(0, 200) });
    let route = 'unknown';
    let response: HttpResponse;
    try {
      ({ route, response } = await answer(request, method, path, deps.services));
    } catch (error) {
      route = (error as { route?: string }).route ?? route;
      const { code, message, details, retryAfter } = errorOf(error);
      const status = ERROR_STATUS[code];
      if (status >= 500) {
        // Under `err` like every logged error, but name and code only: driver messages can carry
        // hosts and URLs, stacks carry paths.
        const err = { type: (error as Error)?.name, code: (error as { code?: string })?.code };
        log().error({ route, code, err }, 'console request failed');
      } else if (status === 401 || status === 403 || status === 429) {
        log().warn({ route, code }, 'console request refused');
      }
      response = jsonErrorResponse(
        status,
        code,
        message,
        details,
        retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) },
      );
    }
    deps.metrics.request(route, response.statusCode);
    response.headers = { ...COMMON_HEADERS, ...response.headers };
    return response;
  };
}

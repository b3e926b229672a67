import type * as z from '../../zod';
import { AuthError, verifyRequest } from '../auth';
import { TxcError, ValidationError } from '../../errors';
import type { HttpApp, HttpRequest, HttpResponse } from '../invocation/InvocationContext';
import type { Logger } from '../../logger';
import type { PlainEventPublisher, PlainEventView, TxCoordinator, TxEvent, TxView } from '../tx';
import { MAX_TRANSACTIONAL_MESSAGE_BYTES } from '../tx';
import { jsonResponse } from '../invocation/httpResponses';
import { errorResponse, STATUS_BY_CODE } from './errorResponse';
import { InvalidJsonError, MethodNotAllowedError, RequestTooLargeError, RouteNotFoundError } from './errors';
import { prepareBodySchema, publishEventBodySchema, txIdSchema } from './requestSchemas';

/** Request bodies beyond the transactional message limit can never be published: refuse them unread. */
export const MAX_REQUEST_BODY_BYTES = MAX_TRANSACTIONAL_MESSAGE_BYTES;

export interface TxGatewayDeps {
  readonly coordinator: TxCoordinator;
  /** Plain events (`/v1/events`); absent = those routes answer 404. */
  readonly events?: PlainEventPublisher;
  /** Secret of a business system, undefined when unknown. */
  readonly secretOf: (systemId: string) => string | undefined;
  readonly logger: Logger;
  readonly now?: () => number;
}

function bodyText(request: HttpRequest): string {
  const raw = request.body ?? '';
  return request.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonError(`request body is not valid JSON: ${(error as Error).message}`);
  }
}

function validate<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new ValidationError(`invalid request: ${issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')}`, {
      details: { issues },
    });
  }
  return parsed.data;
}

/** The public shape of a transaction. */
function render(view: TxView, timeline?: readonly TxEvent[]): Record<string, unknown> {
  const { tx } = view;
  return {
    txId: tx.txId,
    state: tx.state,
    delivery: view.delivery,
    topic: tx.topic,
    tag: tx.tag,
    businessKey: tx.businessKey,
    reason: tx.reason,
    checks: tx.checkCount,
    createdAt: new Date(tx.createdAt).toISOString(),
    decidedAt: tx.decidedAt === undefined ? undefined : new Date(tx.decidedAt).toISOString(),
    ...(timeline ? { timeline: timeline.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) } : {}),
  };
}

/** The public shape of a plain event. */
function renderEvent(view: PlainEventView, timeline?: readonly TxEvent[]): Record<string, unknown> {
  const { event } = view;
  return {
    eventId: event.txId,
    delivery: view.delivery,
    topic: event.topic,
    tag: event.tag,
    businessKey: event.businessKey,
    createdAt: new Date(event.createdAt).toISOString(),
    ...(timeline ? { timeline: timeline.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) } : {}),
  };
}

const TX_PATH = /^\/v1\/transactions\/([^/]+)(?:\/(commit|rollback))?$/;
const EVENT_PATH = /^\/v1\/events\/([^/]+)$/;

type Route =
  | { kind: 'prepare' }
  | { kind: 'status'; txId: string }
  | { kind: 'decide'; txId: string; decision: 'COMMIT' | 'ROLLBACK' }
  | { kind: 'publish-event' }
  | { kind: 'event-status'; eventId: string };

function route(method: string, path: string, withEvents: boolean): Route {
  if (path === '/v1/transactions') {
    if (method !== 'POST') throw new MethodNotAllowedError(method, path, ['POST']);
    return { kind: 'prepare' };
  }
  if (withEvents && path === '/v1/events') {
    if (method !== 'POST') throw new MethodNotAllowedError(method, path, ['POST']);
    return { kind: 'publish-event' };
  }
  const eventMatch = withEvents ? EVENT_PATH.exec(path) : null;
  if (eventMatch) {
    if (method !== 'GET') throw new MethodNotAllowedError(method, path, ['GET']);
    return { kind: 'event-status', eventId: validate(txIdSchema, eventMatch[1]) };
  }
  const match = TX_PATH.exec(path);
  if (!match) throw new RouteNotFoundError(method, path);
  const txId = validate(txIdSchema, match[1]);
  if (match[2] === undefined) {
    if (method !== 'GET') throw new MethodNotAllowedError(method, path, ['GET']);
    return { kind: 'status', txId };
  }
  if (method !== 'POST') throw new MethodNotAllowedError(method, path, ['POST']);
  return { kind: 'decide', txId, decision: match[2] === 'commit' ? 'COMMIT' : 'ROLLBACK' };
}

/**
 * tx-gateway as a platform-neutral HTTP app:
 * `POST /v1/transactions` (prepare), `POST /v1/transactions/{txId}/commit|rollback`,
 * `GET /v1/transactions/{txId}` (state and timeline), `POST /v1/events` (a plain event on a normal
 * topic), `GET /v1/events/{eventId}`. Every request is signed (see shared/engines/auth).
 *
 * @example
 * export const handler = httpHandler(createTxGatewayApp({ coordinator, secretOf, logger }));
 */
export function createTxGatewayApp(deps: TxGatewayDeps): HttpApp {
  const now = deps.now ?? Date.now;
  return async (request, context) => {
    const method = request.requestContext.http.method.toUpperCase();
    const path = request.rawPath;
    try {
      const target = route(method, path, deps.events !== undefined);
      const body = bodyText(request);
      const bytes = Buffer.byteLength(body, 'utf8');
      if (bytes > MAX_REQUEST_BODY_BYTES) throw new RequestTooLargeError(bytes, MAX_REQUEST_BODY_BYTES);
      const systemId = verifyRequest({ method, path, headers: request.headers, body }, deps.secretOf, now());
      return await serve(deps, systemId, target, body);
    } catch (error) {
      // The request's child logger is built only when something is logged (most requests log nothing).
      return failure(error, deps.logger.child({ requestId: context.requestId, method, path }));
    }
  };
}

async function serve({ coordinator, events }: TxGatewayDeps, systemId: string, target: Route, body: string): Promise<HttpResponse> {
  switch (target.kind) {
    case 'publish-event': {
      const input = validate(publishEventBodySchema, parseJson(body));
      const view = await events!.publish(systemId, input);
      return jsonResponse(view.created ? 201 : 200, renderEvent(view));
    }
    case 'event-status': {
      const view = await events!.status(systemId, target.eventId);
      return jsonResponse(200, renderEvent(view, view.timeline));
    }
    case 'prepare': {
      const input = validate(prepareBodySchema, parseJson(body));
      const view = await coordinator.prepare(systemId, input);
      return jsonResponse(view.created ? 201 : 200, render(view));
    }
    case 'decide': {
      const view = await coordinator.decide(systemId, target.txId, target.decision);
      // 202: the decision is durable but the broker has not confirmed it; check-back will.
      return jsonResponse(view.delivery === 'pending-checkback' ? 202 : 200, render(view));
    }
    case 'status': {
      const view = await coordinator.status(systemId, target.txId);
      return jsonResponse(200, render(view, view.timeline));
    }
  }
}

function failure(error: unknown, log: Logger): HttpResponse {
  if (error instanceof AuthError) {
    log.warn({ code: error.code, err: error }, 'request refused');
    return errorResponse(error.code, error.message);
  }
  // Only codes of the gateway's table are answered as themselves: an unmapped one (a driver's or the
  // broker's wire code) would show internal text such as an address or a request id.
  if (error instanceof TxcError && Object.hasOwn(STATUS_BY_CODE, error.code)) {
    const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    const response = errorResponse(error.code, error.message, error.details, retryAfter);
    if (response.statusCode >= 500) log.error({ code: error.code, err: error }, 'request failed');
    else if (error.cause !== undefined) log.warn({ code: error.code, err: error }, 'request refused');
    if (error instanceof MethodNotAllowedError) response.headers = { ...response.headers, allow: error.allowed.join(', ') };
    return response;
  }
  log.error({ err: error }, 'unexpected failure');
  return errorResponse('INTERNAL', 'internal error');
}

import * as z from '../zod';
import type { MessagePublisher } from '../consumer/ConsumerRuntime';
import type { ConsumeBarrier } from '../consumer/ConsumeBarrier';
import type { HttpApp, HttpRequest } from '../fc/InvocationContext';
import { jsonErrorResponse, jsonResponse } from '../fc/httpResponses';
import type { Logger } from '../logger';
import type { DeadLetterStore } from './DeadLetterStore';
import type { ReplayAuthenticator } from './replayAuthenticator';
import { replayDeadLetters } from './replayDeadLetters';
import { deadLetterFilterSchema, replayRequestSchema } from './replayRequestSchema';

export interface ReplayHttpDependencies {
  readonly store: DeadLetterStore;
  readonly barrier: ConsumeBarrier;
  readonly publisher: MessagePublisher;
  readonly authenticator: ReplayAuthenticator;
  readonly logger: Logger;
}


function bodyOf(request: HttpRequest): unknown {
  const text = request.isBase64Encoded ? Buffer.from(request.body ?? '', 'base64').toString('utf8') : (request.body ?? '');
  return JSON.parse(text === '' ? '{}' : text);
}

/** The dead letter as shown to operators, with the group's current barrier state for its key. */
export async function describeDeadLetter(store: DeadLetterStore, barrier: ConsumeBarrier, id: string) {
  const letter = await store.get(id);
  if (!letter) return undefined;
  const consumption = (await barrier.consumptionsOf({ eventId: letter.dedupKey })).find((c) => c.group === letter.group);
  return { ...letter, consumption: consumption ?? null };
}

/**
 * dlq-alerter's HTTP trigger: `GET /dead-letters?group=&tag=&from=&to=&ids=&status=&limit=`,
 * `GET /dead-letters/{id}`, `POST /dead-letters/replay` `{filter, dryRun (default true), ratePerSecond}`.
 * Every route is authenticated; bad input is a 400 with a machine-readable code.
 */
export function replayHttpApp(deps: ReplayHttpDependencies): HttpApp {
  return async (request, context) => {
    let operator: string;
    try {
      operator = await deps.authenticator.authenticate(request);
    } catch (error) {
      return jsonErrorResponse(401, 'UNAUTHENTICATED', (error as Error).message);
    }
    const method = request.requestContext.http.method.toUpperCase();
    const path = (request.rawPath || request.requestContext.http.path).replace(/\/+$/, '');
    try {
      if (method === 'GET' && path === '/dead-letters') {
        const filter = deadLetterFilterSchema.safeParse(request.queryStringParameters ?? {});
        if (!filter.success) return jsonErrorResponse(400, 'VALIDATION_FAILED', z.prettifyError(filter.error));
        return jsonResponse(200, { deadLetters: (await deps.store.list(filter.data)).map(({ body: _body, history: _history, ...summary }) => summary) });
      }
      if (method === 'POST' && path === '/dead-letters/replay') {
        let raw: unknown;
        try {
          raw = bodyOf(request);
        } catch {
          return jsonErrorResponse(400, 'VALIDATION_FAILED', 'body is not JSON');
        }
        const parsed = replayRequestSchema.safeParse(raw);
        if (!parsed.success) return jsonErrorResponse(400, 'VALIDATION_FAILED', z.prettifyError(parsed.error));
        deps.logger.info({ requestId: context.requestId, operator, dryRun: parsed.data.dryRun, filter: parsed.data.filter }, 'dead-letter replay requested');
        return jsonResponse(200, await replayDeadLetters(deps.store, deps.publisher, parsed.data));
      }
      const match = /^\/dead-letters\/([A-Za-z0-9_-]{1,64})$/.exec(path);
      if (method === 'GET' && match) {
        const letter = await describeDeadLetter(deps.store, deps.barrier, match[1]!);
        return letter ? jsonResponse(200, letter) : jsonErrorResponse(404, 'DEAD_LETTER_NOT_FOUND', `no dead letter ${match[1]}`);
      }
      return jsonErrorResponse(404, 'ROUTE_NOT_FOUND', `no route ${method} ${path}`);
    } catch (error) {
      deps.logger.error({ requestId: context.requestId, code: (error as { code?: string }).code, error: (error as Error).message }, 'dead-letter endpoint failed');
      return jsonErrorResponse(500, 'INTERNAL', 'the dead-letter endpoint failed; see the logs');
    }
  };
}

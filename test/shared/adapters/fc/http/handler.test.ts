import { describe, expect, it } from 'vitest';
import type { HttpApp, HttpRequest, InvocationContext } from '../../../../../shared/engines/invocation/InvocationContext';
import { createRequest, httpHandler, invocationContextOf } from '../../../../../shared/adapters/fc/http';
import type { Logger } from '../../../../../shared/logger';
import { asEventBuffer, fc2HttpRequest, fc2HttpResponse, fc3HttpEvent, fcContext } from '../../../../helpers/fcEvents';

function recordingLogger() {
  const lines: { level: string; fields: object; message?: string }[] = [];
  const logger: Logger = {
    debug: (fields, message) => void lines.push({ level: 'debug', fields, message }),
    info: (fields, message) => void lines.push({ level: 'info', fields, message }),
    warn: (fields, message) => void lines.push({ level: 'warn', fields, message }),
    error: (fields, message) => void lines.push({ level: 'error', fields, message }),
    child: () => logger,
  };
  return { logger, lines };
}

/** An app that echoes what it was given, so tests see the translation. */
function echoApp(seen: { request?: HttpRequest; context?: InvocationContext }): HttpApp {
  return async (request, context) => {
    seen.request = request;
    seen.context = context;
    return { statusCode: 201, headers: { 'X-Echo': 'yes', 'x-count': 3 }, body: JSON.stringify({ body: request.body }) };
  };
}

describe('Function: createRequest', () => {
  it('decodes a base64 JSON body to text and lowercases header names', () => {
    const request = createRequest(
      asEventBuffer(
        fc3HttpEvent({
          method: 'post',
          path: '/tx/prepare',
          body: '{"amount":"10.00"}',
          headers: { 'Content-Type': 'application/json', 'X-Txc-System': 'trading' },
        }),
      ),
    );
    expect(request.body).toBe('{"amount":"10.00"}');
    expect(request.isBase64Encoded).toBe(false);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-txc-system']).toBe('trading');
    expect(request.headers['Content-Type']).toBeUndefined();
    expect(request.requestContext.http.method).toBe('POST');
    expect(request.rawPath).toBe('/tx/prepare');
    expect(request.requestContext.timeEpoch).toBe(1703576940000);
  });

  it('maps queryParameters to queryStringParameters and a raw query string', () => {
    const request = createRequest(asEventBuffer(fc3HttpEvent({ path: '/tx', query: { id: 'tx 1', limit: '5' } })));
    expect(request.queryStringParameters).toEqual({ id: 'tx 1', limit: '5' });
    expect(new URLSearchParams(request.rawQueryString).get('id')).toBe('tx 1');
  });

  it('keeps a binary body base64-encoded', () => {
    const bytes = Buffer.from([0, 255, 1, 254]);
    const event = {
      ...fc3HttpEvent({ method: 'POST', headers: { 'Content-Type': 'application/octet-stream' } }),
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    };
    const request = createRequest(asEventBuffer(event));
    expect(request.isBase64Encoded).toBe(true);
    expect(Buffer.from(request.body ?? '', 'base64')).toEqual(bytes);
  });

  it('throws HTTP_EVENT_INVALID for bytes that are not JSON or not an HTTP event', () => {
    expect(() => createRequest(Buffer.from('{nope'))).toThrow(expect.objectContaining({ code: 'HTTP_EVENT_INVALID' }));
    expect(() => createRequest(asEventBuffer({ triggerTime: 'x', triggerName: 'y' }))).toThrow(/rawPath/);
  });
});

describe('Function: invocationContextOf', () => {
  it('sets the deadline from the function timeout', () => {
    const context = invocationContextOf(fcContext({ name: 'reconciler', timeout: 120 }), () => 1_000);
    expect(context).toMatchObject({ functionName: 'reconciler', deadline: 121_000, requestId: fcContext().requestId });
  });

  it('still yields a usable context from a context it cannot read', () => {
    const context = invocationContextOf(undefined, () => 0);
    expect(context.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.deadline).toBe(60_000);
  });
});

describe('Function: httpHandler', () => {
  it('answers an FC 3.0 event with the FC 3.0 response shape', async () => {
    const seen: { request?: HttpRequest; context?: InvocationContext } = {};
    const handler = httpHandler(echoApp(seen));
    const response = await handler(
      asEventBuffer(fc3HttpEvent({ method: 'POST', body: 'hello', headers: { 'Content-Type': 'text/plain' } })),
      fcContext({ timeout: 30 }),
    );
    expect(response).toEqual({
      statusCode: 201,
      headers: { 'x-echo': 'yes', 'x-count': '3' },
      isBase64Encoded: false,
      body: '{"body":"hello"}',
    });
    expect(seen.context?.remainingMs()).toBeGreaterThan(29_000);
    expect(seen.context?.functionName).toBe('tx-gateway');
  });

  it('serves FC 2.0 (request, response, context) through the response object', async () => {
    const seen: { request?: HttpRequest; context?: InvocationContext } = {};
    const response = fc2HttpResponse();
    const result = await httpHandler(echoApp(seen))(
      fc2HttpRequest({
        method: 'POST',
        path: '/tx/commit',
        body: '{"a":1}',
        headers: { 'Content-Type': 'application/json' },
        query: { x: '1' },
      }),
      response,
      fcContext(),
    );
    expect(result).toBeUndefined();
    expect(response.recorded).toMatchObject({ statusCode: 201, sends: 1, body: '{"body":"{\\"a\\":1}"}' });
    expect(response.recorded.headers['x-echo']).toBe('yes');
    expect(seen.request?.rawPath).toBe('/tx/commit');
    expect(seen.request?.queryStringParameters).toEqual({ x: '1' });
    expect(seen.request?.requestContext.http.sourceIp).toBe('203.0.113.7');
  });

  it('answers 400 with a machine-readable code for a malformed event and logs it', async () => {
    const { logger, lines } = recordingLogger();
    let called = false;
    const handler = httpHandler(
      async () => {
        called = true;
        return { statusCode: 200, body: '' };
      },
      { logger },
    );
    const response = await handler(Buffer.from('not json'), fcContext());
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'HTTP_EVENT_INVALID' } });
    expect(called).toBe(false);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', message: 'refused HTTP event' })]);
  });

  it('answers 413 for an FC 2.0 body over the limit', async () => {
    const { logger } = recordingLogger();
    const response = fc2HttpResponse();
    const huge = 'x'.repeat(6 * 1024 * 1024 + 1);
    await httpHandler(async () => ({ statusCode: 200, body: '' }), { logger })(
      fc2HttpRequest({ method: 'POST', body: huge }),
      response,
      fcContext(),
    );
    expect(response.recorded.statusCode).toBe(413);
    expect(JSON.parse(String(response.recorded.body))).toMatchObject({ error: { code: 'HTTP_BODY_TOO_LARGE' } });
  });

  it('answers 500 with the request id when the app throws, keeping the cause in the log only', async () => {
    const { logger, lines } = recordingLogger();
    const handler = httpHandler(
      async () => {
        throw new Error('db password=hunter2 rejected');
      },
      { logger },
    );
    const response = await handler(asEventBuffer(fc3HttpEvent()), fcContext({ requestId: 'req-42' }));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error (request req-42)' } });
    expect(response.body).not.toContain('hunter2');
    expect(lines[0]).toMatchObject({ level: 'error', fields: { requestId: 'req-42' } });
  });

  it('sends a base64 response body as bytes through FC 2.0', async () => {
    const response = fc2HttpResponse();
    await httpHandler(async () => ({ statusCode: 200, isBase64Encoded: true, body: Buffer.from([1, 2, 3]).toString('base64') }))(
      fc2HttpRequest(),
      response,
      fcContext(),
    );
    expect(response.recorded.body).toEqual(Buffer.from([1, 2, 3]));
  });
});

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { KEEP_ALIVE_TIMEOUT_MS, MAX_REQUEST_BYTES, MQ_VERSION } from '../constants';
import { MqInvalidRequestError } from '../errors';
import type { IdGenerator } from '../core/ids';
import { handleAdmin } from './admin';
import type { MqResponse, RouteContext } from './routes';
import { errorResponse, handleMq } from './routes';

export interface BrokerHttpOptions extends RouteContext {
  readonly ids: IdGenerator;
  readonly hostId: () => string;
  readonly journalBytes: () => number;
  /** Failures that are not protocol errors (storage, bugs): reported, and answered with a 500. */
  readonly onInternalError: (error: unknown) => void;
}

/**
 * The node:http layer: keep-alive connections, bodies read for every method (the SDK sends DELETE bodies),
 * a size cap before parsing, and client disconnects propagated to parked long polls.
 */
export function createBrokerServer(options: BrokerHttpOptions): Server {
  const server = createServer((request, response) => onRequest(request, response, options));
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}

function onRequest(request: IncomingMessage, response: ServerResponse, options: BrokerHttpOptions): void {
  const target = request.url ?? '/';
  const method = request.method ?? 'GET';
  if (target.startsWith('/admin/')) {
    request.resume();
    let result;
    try {
      result = handleAdmin({ method, target, headers: request.headers }, options);
    } catch (error) {
      options.onInternalError(error);
      result = { status: 500, json: { error: { code: 'INTERNAL', message: 'internal error' } } };
    }
    const body = JSON.stringify(result.json);
    response.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  const requestId = options.ids.requestId(options.now());
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  request.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size <= MAX_REQUEST_BYTES) return void chunks.push(chunk);
    refused = true;
    const error = new MqInvalidRequestError('InvalidArgument', `The request body is above the limit of ${MAX_REQUEST_BYTES} bytes.`);
    response.shouldKeepAlive = false;
    send(response, errorResponse(error, requestId, options.hostId()), requestId);
  });
  request.on('end', () => {
    if (refused) return;
    // Only consumes can park; other requests skip the AbortController's cost.
    let signal = NEVER_ABORTED;
    if (method === 'GET') {
      const controller = new AbortController();
      // 'close' also follows every normal answer; aborting then would only build a DOMException.
      response.on('close', () => response.writableFinished || controller.abort());
      signal = controller.signal;
    }
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    handleMq({ method, target, headers: request.headers, body, signal }, options).then(
      (result) => send(response, result, requestId),
      (error: unknown) => {
        const result = errorResponse(error, requestId, options.hostId());
        if (result.status >= 500) options.onInternalError(error);
        send(response, result, requestId);
      },
    );
  });
}

const NEVER_ABORTED = new AbortController().signal;

/** Flat header lists (name, value, …): node:http takes them without walking an object's keys. */
function send(response: ServerResponse, result: MqResponse, requestId: string): void {
  if (response.headersSent || response.destroyed) return;
  if (result.xml === undefined) {
    response.writeHead(result.status, ['x-mq-request-id', requestId, 'x-mq-version', MQ_VERSION]);
    response.end();
    return;
  }
  response.writeHead(result.status, [
    'content-type',
    XML_CONTENT_TYPE,
    'content-length',
    String(Buffer.byteLength(result.xml, 'utf8')),
    'x-mq-request-id',
    requestId,
    'x-mq-version',
    MQ_VERSION,
  ]);
  response.end(result.xml);
}

const XML_CONTENT_TYPE = 'text/xml;charset=utf-8';

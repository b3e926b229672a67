import type { IncomingHttpHeaders } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { TxcError } from '../../errors';

/**
 * Pooled keep-alive sockets: one TCP connection serves many calls. `node:http` rather than `fetch`
 * because fetch's streams and abort-signal machinery were the largest single item in the e2e CPU
 * profile of the trading system and consumer-orchestration (about 1 ms per call).
 */
const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/** The call did not finish within its time limit. */
export class RequestTimeoutError extends TxcError {
  override readonly name = 'RequestTimeoutError';
  constructor(url: string, timeoutMs: number) {
    super('REQUEST_TIMEOUT', `${url} did not answer within ${timeoutMs} ms`);
  }
}

/** The answer grew past its limit: the call is cut off rather than buffered whole. */
export class ResponseTooLargeError extends TxcError {
  override readonly name = 'ResponseTooLargeError';
  constructor(url: string, maxBytes: number) {
    super('RESPONSE_TOO_LARGE', `${url} answered more than ${maxBytes} bytes`);
  }
}

/**
 * Largest answer read by default. Every answer this project reads is a small JSON document; the
 * timeout alone does not bound memory (a fast server can stream gigabytes within it).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface TextRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Whole-call limit (connect, send, answer). */
  readonly timeoutMs: number;
  /** @default DEFAULT_MAX_RESPONSE_BYTES */
  readonly maxResponseBytes?: number;
  /**
   * True only when the receiver deduplicates this request, so sending it twice has the effect of
   * sending it once: an idempotency key it honours (prepare's businessKey, the wallet purchase's
   * txId, a channel provider's idempotency key). GET, HEAD, OPTIONS, PUT and DELETE are idempotent
   * by HTTP's definition; any other request without this flag is never sent twice.
   * @default false
   */
  readonly idempotent?: boolean;
}

/** Methods HTTP defines as idempotent (RFC 9110 §9.2.2): repeating one changes nothing more. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export interface TextAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function once(call: TextRequest): Promise<{ answer?: TextAnswer; error?: Error; reusedSocket: boolean }> {
  const url = new URL(call.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = call.body ? Buffer.from(call.body, 'utf8') : undefined;
  return new Promise((resolve) => {
    const request = send(url, {
      method: call.method,
      agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
      headers: { ...call.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
    });
    const timer = setTimeout(() => request.destroy(new RequestTimeoutError(call.url, call.timeoutMs)), call.timeoutMs);
    const finish = (result: { answer?: TextAnswer; error?: Error }) => {
      clearTimeout(timer);
      resolve({ ...result, reusedSocket: request.reusedSocket });
    };
    request.on('error', (error) => finish({ error }));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      const limit = call.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) request.destroy(new ResponseTooLargeError(call.url, limit));
        else chunks.push(chunk);
      });
      response.on('error', (error) => finish({ error }));
      response.on('end', () =>
        finish({ answer: { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') } }),
      );
    });
    request.end(body);
  });
}

/**
 * One HTTP call with a text answer over the keep-alive pool. A pooled socket the server closed while
 * idle fails with ECONNRESET; Node's documentation advises sending the request once more on a fresh
 * socket (`request.reusedSocket`). But a reset looks the same when the server read the request and
 * then died mid-way (a process crash), so only an idempotent request is sent again: a POST that
 * bought a fund before the reset would buy it twice. Anything else fails, and the caller treats the
 * outcome as unknown (the transaction center's check-back and the databases settle it).
 *
 * @throws RequestTimeoutError after `timeoutMs`; ResponseTooLargeError past `maxResponseBytes`; the
 *   socket error when the server is unreachable
 */
export async function requestText(call: TextRequest): Promise<TextAnswer> {
  let result = await once(call);
  const repeatable = call.idempotent === true || IDEMPOTENT_METHODS.has(call.method.toUpperCase());
  if (result.error && result.reusedSocket && repeatable && (result.error as NodeJS.ErrnoException).code === 'ECONNRESET')
    result = await once(call);
  if (result.error) throw result.error;
  return result.answer!;
}

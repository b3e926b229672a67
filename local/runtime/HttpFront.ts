import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_HTTP_BODY_BYTES } from './httpEvent';

/**
 * How long a request that arrives while the function's process is (re)starting waits for it, as FC
 * holds a request during an instance's cold start, before it is answered 503.
 */
export const FRONT_WAIT_FOR_INSTANCE_MS = 30_000;
/** Seconds a 503 from the front tells the caller to wait (a restart takes about a second). */
const RETRY_AFTER_SECONDS = 1;
/**
 * Idle front → process sockets are closed after this long: before the process's own server closes
 * them (65 s), so the front never sends a request on a socket the process is closing at that moment
 * (a reset the front could not tell from a crash).
 */
const UPSTREAM_IDLE_MS = 30_000;
/** Headers of one hop only (RFC 9110 §7.6.1): never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/** The front's own answers, in the project's error shape `{ error: { code, message } }`. */
export const FRONT_ERRORS = {
  /** The process died while it held the request: the request may or may not have taken effect. */
  crashed: 'FUNCTION_CRASHED',
  /** No process came up in time (or the stack is stopping): the request was never handed to the function. */
  unavailable: 'FUNCTION_UNAVAILABLE',
  tooLarge: 'REQUEST_TOO_LARGE',
} as const;

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HTTP_BODY_BYTES) {
        reject(new BodyTooLargeError());
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function forwardedHeaders(headers: IncomingHttpHeaders, bodyLength: number): Record<string, string | string[]> {
  const forwarded: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) forwarded[name] = value;
  if (bodyLength > 0 || headers['content-length'] !== undefined) forwarded['content-length'] = String(bodyLength);
  return forwarded;
}

/**
 * The public HTTP endpoint of one HTTP-triggered function, in the supervising process: it holds the
 * function's port for as long as the stack runs and forwards each request to the function's current
 * process (on a private port). This is what FC's front does, and why a crash is not a connection
 * reset there: when the process dies while it holds a request, the front answers the caller
 * `502 FUNCTION_CRASHED` (the caller cannot know whether the request took effect, as with any 5xx,
 * and the transaction center's check-back settles it); a request that arrives while the process is
 * restarting waits for the new one (a cold start), or gets `503 FUNCTION_UNAVAILABLE` with
 * `retry-after` after {@link FRONT_WAIT_FOR_INSTANCE_MS} or while the stack stops.
 */
export class HttpFront {
  private readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true, timeout: UPSTREAM_IDLE_MS });
  private target: string | undefined;
  private waiting: { resolve: () => void; promise: Promise<void> } | undefined;
  private closing = false;

  private constructor(
    readonly functionName: string,
    private readonly host: string,
  ) {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = 65_000;
  }

  /** Listens on `port` (0 = any free port) in front of a process not started yet. */
  static async listen(functionName: string, host: string, port: number): Promise<HttpFront> {
    const front = new HttpFront(functionName, host);
    await new Promise<void>((resolve, reject) => {
      front.server.once('error', reject);
      front.server.listen(port, host, () => {
        front.server.off('error', reject);
        resolve();
      });
    });
    return front;
  }

  get url(): string {
    return `http://${this.host}:${(this.server.address() as AddressInfo).port}`;
  }

  /** The function's process is ready at `url`: requests go there from now on (and those waiting go now). */
  serveFrom(url: string): void {
    this.target = url;
    this.waiting?.resolve();
    this.waiting = undefined;
  }

  /** The process is gone: new requests wait for the next one (in-flight ones fail on their own sockets). */
  processGone(): void {
    this.target = undefined;
  }

  private nextProcess(): Promise<void> {
    if (!this.waiting) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((done) => (resolve = done));
      this.waiting = { resolve, promise };
    }
    return this.waiting.promise;
  }

  /** The current process's URL, waiting for one to be ready if none is; undefined when none came in time. */
  private async currentTarget(): Promise<string | undefined> {
    if (this.target || this.closing) return this.target;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.nextProcess(), new Promise<void>((resolve) => (timer = setTimeout(resolve, FRONT_WAIT_FOR_INSTANCE_MS)))]);
    clearTimeout(timer);
    return this.closing ? undefined : this.target;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.closing) response.setHeader('connection', 'close');
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        this.answerError(response, 413, FRONT_ERRORS.tooLarge, `request body exceeds ${MAX_HTTP_BODY_BYTES} bytes`);
      return; // else the caller went away mid-request: nobody to answer
    }
    // Refused means the request never reached a process (it died and its port is closed), so it is
    // safe to hand it to the next one; after two refusals the function counts as unavailable.
    for (let attempt = 0; attempt < 2; attempt++) {
      const target = await this.currentTarget();
      if (!target) break;
      const outcome = await this.forward(target, request, body, response);
      if (outcome !== 'refused') return;
      if (this.target === target) this.target = undefined; // dead before its exit was seen
    }
    response.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    this.answerError(
      response,
      503,
      FRONT_ERRORS.unavailable,
      this.closing ? `function '${this.functionName}' is stopping` : `function '${this.functionName}' has no running instance; retry later`,
    );
  }

  /** Sends one request to the process and pipes its answer back; 502 when the process dies holding it. */
  private forward(target: string, request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<'done' | 'refused'> {
    const url = new URL(request.url ?? '/', target);
    return new Promise((resolve) => {
      const upstream = httpRequest(url, {
        method: request.method,
        headers: forwardedHeaders(request.headers, body.length),
        agent: this.agent,
      });
      upstream.on('response', (answer) => {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
        if (this.closing) headers.connection = 'close'; // stopping: the caller's connection ends with this answer
        response.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(response);
        // The process died mid-answer: the status line is out, so the caller can only see the cut.
        answer.on('aborted', () => response.destroy());
        answer.on('error', () => response.destroy());
        answer.on('end', () => resolve('done'));
        response.on('close', () => resolve('done'));
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') return resolve('refused');
        if (!response.headersSent)
          this.answerError(
            response,
            502,
            FRONT_ERRORS.crashed,
            `function '${this.functionName}' crashed while handling the request; it may or may not have taken effect`,
          );
        else response.destroy();
        resolve('done');
      });
      // The caller went away: stop waiting for the answer (the process still finishes the request).
      response.on('close', () => {
        if (!response.writableFinished) upstream.destroy();
      });
      upstream.end(body);
    });
  }

  private answerError(response: ServerResponse, status: number, code: string, message: string): void {
    if (response.headersSent || response.destroyed) return;
    const requestId = randomUUID();
    response.writeHead(status, {
      'content-type': 'application/json',
      'x-fc-request-id': requestId,
      'x-fc-error-type': code,
      ...(this.closing ? { connection: 'close' } : {}),
    });
    response.end(JSON.stringify({ error: { code, message, requestId } }));
  }

  /**
   * Stops accepting connections. `graceful`: requests being forwarded finish (the process is stopped
   * after, and finishes them too); requests waiting for a process get 503. Otherwise (a simulated
   * machine crash) every connection is cut at once.
   */
  async close(graceful: boolean): Promise<void> {
    this.closing = true;
    this.waiting?.resolve();
    this.waiting = undefined;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (graceful) this.server.closeIdleConnections();
    else this.server.closeAllConnections();
    await closed;
    this.agent.destroy();
  }
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionDef } from '../../shared/engines/catalog';
import type { Logger } from '../../shared/logger';
import type { Clock } from '../broker/core/clock';
import { FunctionTimeoutError, type InvocationError } from './errors';
import { MAX_HTTP_BODY_BYTES, toFcHttpEvent, writeFcError, writeFcHttpResult } from './httpEvent';
import { invokeFunction } from './invoke';
import type { FcHandler, RuntimeEvent } from './types';

/** Status codes FC answers with when the function itself fails (502) or overruns (504 here, for clarity). */
const STATUS_FUNCTION_FAILED = 502;
const STATUS_FUNCTION_TIMEOUT = 504;

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

export interface HttpTriggerOptions {
  readonly fn: FunctionDef;
  readonly trigger: string;
  readonly methods: readonly string[];
  readonly handler: FcHandler;
  readonly port: number;
  readonly host: string;
  readonly logger: Logger;
  readonly onEvent: (event: RuntimeEvent) => void;
  readonly timeoutMs?: number;
  readonly clock: Clock;
}

/** One HTTP server per HTTP-triggered function: each request → the FC 3.0 HTTP event → the handler. */
export class HttpTrigger {
  private readonly server: Server;
  private closing = false;

  private constructor(private readonly options: HttpTriggerOptions) {
    this.server = createServer((request, response) => {
      const requestId = randomUUID();
      const method = request.method ?? 'GET';
      if (!options.methods.includes(method)) {
        writeFcError(response, 405, 'MethodNotAllowed', `the ${options.trigger} trigger accepts ${options.methods.join(', ')}`, requestId);
        request.resume();
        return;
      }
      void this.handle(request, requestId).then(
        (result) => {
          this.endConnectionIfClosing(response);
          writeFcHttpResult(response, result, requestId);
        },
        (error: unknown) => {
          this.endConnectionIfClosing(response);
          if (error instanceof BodyTooLargeError)
            writeFcError(response, 413, 'RequestEntityTooLarge', `request body exceeds ${MAX_HTTP_BODY_BYTES} bytes`, requestId);
          else {
            const failure = error as InvocationError;
            const status = failure instanceof FunctionTimeoutError ? STATUS_FUNCTION_TIMEOUT : STATUS_FUNCTION_FAILED;
            writeFcError(response, status, failure.code, failure.message, requestId);
          }
        },
      );
    });
    this.server.keepAliveTimeout = 65_000;
  }

  /** Once closing, each connection ends with its current answer instead of idling on (see close). */
  private endConnectionIfClosing(response: ServerResponse): void {
    if (this.closing) response.setHeader('connection', 'close');
  }

  private async handle(request: IncomingMessage, requestId: string): Promise<unknown> {
    const body = await readBody(request);
    const event = Buffer.from(JSON.stringify(toFcHttpEvent(request, body, requestId)));
    const { fn, handler, logger, onEvent, trigger, timeoutMs, clock } = this.options;
    const started = performance.now();
    try {
      const { result } = await invokeFunction({ fn, handler, event, requestId, timeoutMs, clock }, logger);
      onEvent({ type: 'invoked', functionName: fn.name, trigger, requestId, ok: true, durationMs: performance.now() - started });
      return result;
    } catch (error) {
      onEvent({
        type: 'invoked',
        functionName: fn.name,
        trigger,
        requestId,
        ok: false,
        durationMs: performance.now() - started,
        error: (error as Error).message,
      });
      throw error;
    }
  }

  static async start(options: HttpTriggerOptions): Promise<HttpTrigger> {
    const trigger = new HttpTrigger(options);
    await new Promise<void>((resolve, reject) => {
      trigger.server.once('error', reject);
      trigger.server.listen(options.port, options.host, () => resolve());
    });
    return trigger;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://${this.options.host}:${address.port}`;
  }

  /**
   * Stops accepting connections and waits for in-flight requests. A keep-alive connection that is busy
   * now is ended after its answer: callers keep pooled connections open, and waiting for them to go
   * idle-and-closed would hold the stop for the keep-alive timeout (a process that then got SIGKILLed).
   */
  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
  }
}

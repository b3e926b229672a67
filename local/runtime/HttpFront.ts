import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';

/**
 * How long a connection that arrives while the function's process is (re)starting waits for it, as FC
 * holds a request during an instance's cold start, before its request is answered 503.
 */
export const FRONT_WAIT_FOR_INSTANCE_MS = 30_000;
/** Seconds a 503 from the front tells the caller to wait (a restart takes about a second). */
const RETRY_AFTER_SECONDS = 1;
/**
 * An idle caller connection is closed after this long: before the process's own server closes its
 * side (65 s), so the front never sees the process close a connection a new request is just
 * arriving on (which it could not tell from a crash).
 */
const IDLE_CONNECTION_MS = 30_000;

/** How long a graceful close lets callers end their connections (the process's stop grace is 4 s). */
const CLOSE_GRACE_MS = 5_000;

/** The front's own answers, in the project's error shape `{ error: { code, message } }`. */
export const FRONT_ERRORS = {
  /** The process died while it held the request: the request may or may not have taken effect. */
  crashed: 'FUNCTION_CRASHED',
  /** No process came up in time (or the stack is stopping): the request was never handed to the function. */
  unavailable: 'FUNCTION_UNAVAILABLE',
} as const;

function rawAnswer(status: 502 | 503, code: string, message: string): string {
  const body = JSON.stringify({ error: { code, message, requestId: randomUUID() } });
  const reason = status === 502 ? 'Bad Gateway' : 'Service Unavailable';
  const retry = status === 503 ? `retry-after: ${RETRY_AFTER_SECONDS}\r\n` : '';
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-fc-error-type: ${code}\r\n${retry}connection: close\r\n\r\n${body}`;
}

/**
 * The public HTTP endpoint of one HTTP-triggered function, in the supervising process: it holds the
 * function's port for as long as the stack runs and relays each caller connection to the function's
 * current process (on a private port). This is what FC's front does, and why a crash is not a
 * connection reset there: when the process dies while it holds a request, the front answers the
 * caller `502 FUNCTION_CRASHED` (the caller cannot know whether the request took effect, as with any
 * 5xx, and the transaction center's check-back settles it). A connection that arrives while the
 * process is restarting waits for the new one (a cold start), or gets `503 FUNCTION_UNAVAILABLE` with
 * `retry-after` after {@link FRONT_WAIT_FOR_INSTANCE_MS} or while the stack stops.
 *
 * It relays bytes, not parsed HTTP (an HTTP proxy cost ≈ 0.4 ms of CPU per request here, in the
 * process that also runs the broker and the trading system). Whether a request is outstanding is known
 * without parsing, since callers send one request at a time per connection: the caller sent bytes
 * after the process last answered.
 */
export class HttpFront {
  private readonly server: Server;
  private target: { host: string; port: number } | undefined;
  private waiting: { resolve: () => void; promise: Promise<void> } | undefined;
  private closing = false;
  private readonly connections = new Set<Socket>();

  private constructor(
    readonly functionName: string,
    private readonly host: string,
  ) {
    this.server = createServer({ pauseOnConnect: true, noDelay: true }, (caller) => void this.relay(caller));
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
    const address = this.server.address() as { port: number };
    return `http://${this.host}:${address.port}`;
  }

  /** The function's process is ready at `url`: new connections go there (and those waiting go now). */
  serveFrom(url: string): void {
    const parsed = new URL(url);
    this.target = { host: parsed.hostname, port: Number(parsed.port) };
    this.waiting?.resolve();
    this.waiting = undefined;
  }

  /** The process is gone: new connections wait for the next one (open ones end with it). */
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

  /** The current process, waiting for one to be ready if none is; undefined when none came in time. */
  private async currentTarget(): Promise<{ host: string; port: number } | undefined> {
    if (this.target || this.closing) return this.target;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.nextProcess(), new Promise<void>((resolve) => (timer = setTimeout(resolve, FRONT_WAIT_FOR_INSTANCE_MS)))]);
    clearTimeout(timer);
    return this.closing ? undefined : this.target;
  }

  private async relay(caller: Socket): Promise<void> {
    this.connections.add(caller);
    caller.on('close', () => this.connections.delete(caller));
    caller.on('error', () => undefined); // the caller went away: its close ends the relay
    // Refused means nothing reached a process (it died and its port is closed), so the connection may
    // go to the next one; after two refusals the function counts as unavailable.
    for (let attempt = 0; attempt < 2 && !caller.destroyed; attempt++) {
      const target = await this.currentTarget();
      if (!target || caller.destroyed) break;
      const upstream = await new Promise<Socket | undefined>((resolve) => {
        const socket = connect({ ...target, noDelay: true });
        socket.once('connect', () => resolve(socket));
        socket.once('error', () => resolve(undefined));
      });
      if (upstream) return this.pipe(caller, upstream);
      if (this.target === target) this.target = undefined; // dead before its exit was seen
    }
    this.refuse(caller);
  }

  /** No process to hand the connection to: the caller's request is answered 503 once it arrives. */
  private refuse(caller: Socket): void {
    if (caller.destroyed) return;
    const message = this.closing
      ? `function '${this.functionName}' is stopping`
      : `function '${this.functionName}' has no running instance; retry later`;
    caller.once('data', () => caller.end(rawAnswer(503, FRONT_ERRORS.unavailable, message)));
    caller.resume();
  }

  private pipe(caller: Socket, upstream: Socket): void {
    // A request is outstanding from the caller's first byte after an answer until the process answers.
    let outstanding = false;
    upstream.on('error', () => undefined); // its close decides
    caller.on('data', (chunk: Buffer) => {
      outstanding = true;
      if (!upstream.write(chunk)) caller.pause();
    });
    upstream.on('drain', () => caller.resume());
    upstream.on('data', (chunk: Buffer) => {
      outstanding = false;
      if (!caller.write(chunk)) upstream.pause();
    });
    caller.on('drain', () => upstream.resume());
    caller.on('end', () => upstream.end());
    caller.on('close', () => upstream.destroy());
    caller.setTimeout(IDLE_CONNECTION_MS, () => {
      if (!outstanding) caller.destroy(); // idle: close it before the process does (see IDLE_CONNECTION_MS)
    });
    upstream.on('close', () => {
      if (caller.destroyed) return;
      // The process ended the connection while holding a request: it died (a clean stop answers first).
      if (outstanding)
        caller.end(
          rawAnswer(
            502,
            FRONT_ERRORS.crashed,
            `function '${this.functionName}' crashed while handling the request; it may or may not have taken effect`,
          ),
        );
      else caller.end();
    });
    caller.resume();
  }

  /**
   * Stops accepting connections. `graceful`: open connections end as the process ends them (a stopping
   * process answers the requests it holds, each with `connection: close`), connections waiting for a
   * process get 503. Otherwise (a simulated machine crash) every connection is cut at once.
   */
  async close(graceful: boolean): Promise<void> {
    this.closing = true;
    this.waiting?.resolve();
    this.waiting = undefined;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const cut = () => {
      for (const connection of this.connections) connection.destroy();
    };
    // Graceful, a caller that keeps its half of a connection open is cut once the process had its grace.
    const grace = graceful ? setTimeout(cut, CLOSE_GRACE_MS) : undefined;
    if (!graceful) cut();
    await closed;
    clearTimeout(grace);
  }
}

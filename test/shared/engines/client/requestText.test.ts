import type { Socket } from 'node:net';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestTimeoutError, requestText, ResponseTooLargeError } from '../../../../shared/engines/client/requestText';

describe('Function: requestText', () => {
  const sockets = new Set<string>();
  let url = '';
  const server = createServer((request, response) => {
    sockets.add(`${request.socket.remotePort}`);
    if (request.url === '/hang') return; // never answers
    if (request.url === '/endless') {
      // Streams until the client goes away.
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', pump);
      };
      response.on('error', () => {});
      return pump();
    }
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response.writeHead(request.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'retry-after': '3' });
      response.end(JSON.stringify({ method: request.method, body, header: request.headers['x-test'] ?? null }));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends method, headers and body and returns status, headers and text; sequential calls reuse one socket', async () => {
    sockets.clear();
    for (let i = 0; i < 3; i += 1) {
      const answer = await requestText({
        method: 'POST',
        url: `${url}/echo`,
        headers: { 'x-test': 'yes' },
        body: `买入 ${i}`,
        timeoutMs: 2_000,
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ method: 'POST', body: `买入 ${i}`, header: 'yes' });
    }
    expect(sockets.size).toBe(1);
    const missing = await requestText({ method: 'GET', url: `${url}/missing`, timeoutMs: 2_000 });
    expect([missing.status, missing.headers['retry-after']]).toEqual([404, '3']);
  });

  it('cuts an answer off past maxResponseBytes instead of buffering it (default 1 MiB)', async () => {
    const started = Date.now();
    await expect(requestText({ method: 'GET', url: `${url}/endless`, timeoutMs: 20_000 })).rejects.toThrow(ResponseTooLargeError);
    await expect(requestText({ method: 'GET', url: `${url}/endless`, timeoutMs: 20_000, maxResponseBytes: 1_000 })).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await requestText({ method: 'GET', url: `${url}/missing`, timeoutMs: 2_000 })).status).toBe(404);
  });

  it('rejects with RequestTimeoutError when the server does not answer in time', async () => {
    await expect(requestText({ method: 'GET', url: `${url}/hang`, timeoutMs: 200 })).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('rejects with the socket error when nothing listens', async () => {
    await expect(requestText({ method: 'GET', url: 'http://127.0.0.1:1/', timeoutMs: 2_000 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  describe('a keep-alive socket reset after the server read the request (the server crashed mid-request)', () => {
    // A socket's first request and /warm are answered (the socket goes back to the pool); any other
    // request on a used socket is read, counted as done (a purchase that ran), then the socket is cut.
    const received: string[] = [];
    const requestsOnSocket = new WeakMap<Socket, number>();
    let crashUrl = '';
    const crashing = createServer((request, response) => {
      const seen = (requestsOnSocket.get(request.socket) ?? 0) + 1;
      requestsOnSocket.set(request.socket, seen);
      request.resume();
      request.on('end', () => {
        received.push(`${request.method} ${request.url}`);
        if (seen === 1 || request.url === '/warm') response.end('{"ok":true}');
        else request.socket.destroy();
      });
    });
    beforeAll(async () => {
      await new Promise<void>((resolve) => crashing.listen(0, '127.0.0.1', resolve));
      crashUrl = `http://127.0.0.1:${(crashing.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      crashing.closeAllConnections();
      await new Promise<void>((resolve) => crashing.close(() => resolve()));
    });
    /** One answered call that leaves a pooled socket, then the call under test, which reuses it. */
    async function onReusedSocket(call: { method: string; path: string; idempotent?: boolean }): Promise<unknown> {
      received.length = 0;
      await requestText({ method: 'GET', url: `${crashUrl}/warm`, timeoutMs: 2_000 });
      return requestText({
        method: call.method,
        url: `${crashUrl}${call.path}`,
        body: '{}',
        timeoutMs: 2_000,
        idempotent: call.idempotent,
      }).then(
        () => 'answered',
        (error: NodeJS.ErrnoException) => error.code,
      );
    }

    it('does not send a POST again: the purchase runs once and the caller sees the reset', async () => {
      expect(await onReusedSocket({ method: 'POST', path: '/purchase' })).toBe('ECONNRESET');
      expect(received).toEqual(['GET /warm', 'POST /purchase']);
    });

    it('sends it once more when the request is idempotent (a GET, or a POST whose key the receiver honours)', async () => {
      expect(await onReusedSocket({ method: 'GET', path: '/status' })).toBe('answered');
      expect(received).toEqual(['GET /warm', 'GET /status', 'GET /status']);
      expect(await onReusedSocket({ method: 'POST', path: '/wallet-purchase', idempotent: true })).toBe('answered');
      expect(received).toEqual(['GET /warm', 'POST /wallet-purchase', 'POST /wallet-purchase']);
    });
  });
});

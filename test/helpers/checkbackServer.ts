import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingSignedRequest } from '../../shared/engines/auth';

/** A business system's check-back endpoint over real HTTP; records every call. Test-only. */
export async function serveCheckback(handle: (request: IncomingSignedRequest) => Promise<{ status: number; body: string }>) {
  const calls: IncomingSignedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? 'POST',
        path: new URL(req.url ?? '/', 'http://x').pathname,
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      calls.push(request);
      handle(request)
        .then(({ status, body }) => res.writeHead(status, { 'content-type': 'application/json' }).end(body))
        .catch((error: Error) => res.writeHead(500).end(error.message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/txc/checkback`, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

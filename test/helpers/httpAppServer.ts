import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpApp, HttpRequest } from '../../shared/engines/invocation/InvocationContext';
import { contextWithDeadline } from '../../shared/engines/invocation/InvocationContext';

/** Per-request budget the test server gives the app (like an FC function timeout). */
const REQUEST_BUDGET_MS = 30_000;

/**
 * Serves a neutral {@link HttpApp} over real HTTP on a random loopback port, translating node's
 * request into the APIGatewayProxyEventV2 shape the FC adapters produce. Test-only.
 */
export async function serveHttpApp(app: HttpApp): Promise<{ url: string; close(): Promise<void> }> {
  let counter = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      const requestId = `req-${++counter}`;
      const event = {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        // As the FC adapters do (neutralRequest): repeated parameters comma-joined.
        queryStringParameters: Object.fromEntries(
          [...new Set(url.searchParams.keys())].map((name) => [name, url.searchParams.getAll(name).join(',')]),
        ),
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        isBase64Encoded: false,
        requestContext: {
          http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' },
          requestId,
          timeEpoch: Date.now(),
        },
      } as unknown as HttpRequest;
      app(event, contextWithDeadline(requestId, 'test', Date.now() + REQUEST_BUDGET_MS))
        .then((response) => {
          res.writeHead(response.statusCode, response.headers as Record<string, string>);
          res.end(response.body);
        })
        .catch((error: Error) => {
          res.writeHead(500);
          res.end(error.message);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

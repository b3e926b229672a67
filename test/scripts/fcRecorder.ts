import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the fake FC API received, with the outcome of checking its signature. */
export interface RecordedCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  signatureValid: boolean;
  contentMd5Valid: boolean;
}

/**
 * The FC 2016-08-15 signature, written from the docs (fc-platform.md) rather than taken from fc2:
 * `FC <AK>:base64(HMAC-SHA256(secret, METHOD\ncontent-md5\ncontent-type\ndate\n<sorted x-fc-* headers>/2016-08-15<path>))`.
 */
export function expectedAuthorization(accessKeyId: string, secret: string, method: string, path: string, headers: IncomingHttpHeaders): string {
  const fcHeaders = Object.keys(headers)
    .filter((name) => name.startsWith('x-fc-'))
    .sort()
    .map((name) => `${name}:${String(headers[name])}\n`)
    .join('');
  const stringToSign = `${method}\n${headers['content-md5'] ?? ''}\n${headers['content-type'] ?? ''}\n${headers.date ?? ''}\n${fcHeaders}${path}`;
  return `FC ${accessKeyId}:${createHmac('sha256', secret).update(stringToSign).digest('base64')}`;
}

/**
 * A local stand-in for the FC control API that records every call, verifies signatures and
 * content-md5, and keeps services, functions and triggers so create/update/get behave like FC.
 */
export async function startFcRecorder(accessKeyId: string, secret: string) {
  const calls: RecordedCall[] = [];
  const resources = new Map<string, Record<string, unknown>>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = (request.url ?? '').split('?')[0]!;
      const method = request.method ?? '';
      const body = raw.length > 0 ? (JSON.parse(raw.toString()) as Record<string, unknown>) : undefined;
      const md5 = Buffer.from(createHash('md5').update(raw).digest('hex')).toString('base64');
      calls.push({
        method,
        path,
        body,
        signatureValid: request.headers.authorization === expectedAuthorization(accessKeyId, secret, method, path, request.headers),
        contentMd5Valid: raw.length === 0 || request.headers['content-md5'] === md5,
      });
      const reply = (status: number, data: object) => {
        response.writeHead(status, { 'content-type': 'application/json', 'x-fc-request-id': `req-${calls.length}` });
        response.end(JSON.stringify(data));
      };
      if (calls.at(-1)!.signatureValid === false) return reply(403, { ErrorCode: 'InvalidSignature', ErrorMessage: 'signature mismatch' });
      // /2016-08-15/services[/s[/functions[/f[/triggers[/t]]]]]
      const segments = path.split('/').slice(2);
      const kinds = ['Service', 'Function', 'Trigger'];
      const nameKeys = ['serviceName', 'functionName', 'triggerName'];
      if (method === 'POST') {
        const depth = segments.length / 2; // POST /services, /services/s/functions, …
        const key = [...segments, String(body?.[nameKeys[Math.floor(depth)]!])].join('/');
        if (resources.has(key)) return reply(409, { ErrorCode: `${kinds[Math.floor(depth)]}AlreadyExists`, ErrorMessage: key });
        resources.set(key, body ?? {});
        return reply(200, body ?? {});
      }
      const key = segments.join('/');
      const kind = kinds[segments.length / 2 - 1] ?? 'Resource';
      const current = resources.get(key);
      if (!current) return reply(404, { ErrorCode: `${kind}NotFound`, ErrorMessage: `${key} does not exist` });
      if (method === 'PUT') resources.set(key, { ...current, ...body });
      return reply(200, resources.get(key)!);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    resources,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

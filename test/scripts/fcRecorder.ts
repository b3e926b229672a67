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
export function expectedAuthorization(
  accessKeyId: string,
  secret: string,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
): string {
  const fcHeaders = Object.keys(headers)
    .filter((name) => name.startsWith('x-fc-'))
    .sort()
    .map((name) => `${name}:${String(headers[name])}\n`)
    .join('');
  const stringToSign = `${method}\n${headers['content-md5'] ?? ''}\n${headers['content-type'] ?? ''}\n${headers.date ?? ''}\n${fcHeaders}${path}`;
  return `FC ${accessKeyId}:${createHmac('sha256', secret).update(stringToSign).digest('base64')}`;
}

type Body = Record<string, unknown>;
class Refusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

/** What FC refuses on a service body (from its docs): a partial VPC config, VPC or SLS logs without a role. */
function checkService(body: Body): void {
  const vpc = body.vpcConfig as { vpcId?: string; vSwitchIds?: string[]; securityGroupId?: string } | undefined;
  if (vpc && (vpc.vpcId || vpc.vSwitchIds?.length || vpc.securityGroupId)) {
    if (!vpc.vpcId || !vpc.vSwitchIds?.length || !vpc.securityGroupId)
      throw new Refusal(400, 'InvalidArgument', 'vpcConfig needs vpcId, vSwitchIds and securityGroupId');
    if (!body.role) throw new Refusal(400, 'InvalidArgument', 'a service with vpcConfig needs a role allowed to create ENIs');
  }
  const log = body.logConfig as { project?: string; logstore?: string } | undefined;
  if (log && (log.project || log.logstore)) {
    if (!log.project || !log.logstore) throw new Refusal(400, 'InvalidArgument', 'logConfig needs project and logstore');
    if (!body.role) throw new Refusal(400, 'InvalidArgument', 'a service with logConfig needs a role allowed to write logs');
  }
}

/**
 * A local stand-in for the FC control API that records every call, verifies signatures and
 * content-md5, keeps services, functions, triggers, versions and aliases so create/update/get/list/
 * delete behave like FC, and refuses what FC refuses: an HTTP trigger beside triggers of another type
 * on one function, a second HTTP trigger on one function and qualifier, a partial VPC config or a VPC
 * or log config without a role, an alias on a version that does not exist.
 */
export async function startFcRecorder(accessKeyId: string, secret: string) {
  const calls: RecordedCall[] = [];
  /** `services/s`, `services/s/functions/f`, `services/s/functions/f/triggers/t`, `services/s/versions/1`, `services/s/aliases/a`. */
  const resources = new Map<string, Body>();
  const children = (prefix: string) =>
    [...resources].filter(([key]) => key.startsWith(`${prefix}/`) && !key.slice(prefix.length + 1).includes('/'));
  const versionCounters = new Map<string, number>();

  function handle(method: string, segments: string[], body: Body | undefined): Body {
    const path = segments.join('/');
    const nameKey = { services: 'serviceName', functions: 'functionName', triggers: 'triggerName', aliases: 'aliasName' } as const;
    const collection = segments.at(-1) as keyof typeof nameKey | 'versions';
    const isCollection = segments.length % 2 === 1;
    if (isCollection && method === 'GET') return { [collection]: children(path).map(([, value]) => value) };
    if (isCollection && method === 'POST') {
      if (segments.length > 1 && !resources.has(segments.slice(0, -1).join('/')))
        throw new Refusal(404, 'ServiceNotFound', `${segments.slice(0, -1).join('/')} does not exist`);
      if (collection === 'versions') {
        const service = segments[1]!;
        const versionId = String((versionCounters.get(service) ?? 0) + 1);
        versionCounters.set(service, Number(versionId));
        const version = { versionId, description: body?.description ?? '' };
        resources.set(`${path}/${versionId}`, version);
        return version;
      }
      const name = String(body?.[nameKey[collection]]);
      const key = `${path}/${name}`;
      if (resources.has(key)) throw new Refusal(409, `${collection.slice(0, -1)}AlreadyExists`, key);
      if (collection === 'services') checkService(body ?? {});
      if (collection === 'triggers') checkTrigger(path, body ?? {});
      if (collection === 'aliases' && !resources.has(`services/${segments[1]}/versions/${String(body?.versionId)}`))
        throw new Refusal(404, 'VersionNotFound', String(body?.versionId));
      resources.set(key, body ?? {});
      return body ?? {};
    }
    const current = resources.get(path);
    const kind =
      { services: 'Service', functions: 'Function', triggers: 'Trigger', versions: 'Version', aliases: 'Alias' }[segments.at(-2) ?? ''] ??
      'Resource';
    if (!current) throw new Refusal(404, `${kind}NotFound`, `${path} does not exist`);
    if (method === 'DELETE') {
      if (children(`${path}/functions`).length > 0 || children(`${path}/triggers`).length > 0)
        throw new Refusal(412, `${kind}NotEmpty`, `${path} still has children`);
      resources.delete(path);
      return {};
    }
    if (method === 'PUT') {
      const next = { ...current, ...body };
      if (kind === 'Service') checkService(next);
      if (kind === 'Trigger') checkTrigger(segments.slice(0, -1).join('/'), next, segments.at(-1));
      if (kind === 'Alias' && !resources.has(`services/${segments[1]}/versions/${String(next.versionId)}`))
        throw new Refusal(404, 'VersionNotFound', String(next.versionId));
      resources.set(path, next);
    }
    return resources.get(path)!;
  }

  /** FC 2.0: a function with an HTTP trigger has no trigger of another type, and one HTTP trigger per qualifier. */
  function checkTrigger(triggersPath: string, trigger: Body, replacing?: string): void {
    const others = children(triggersPath)
      .filter(([key]) => key.split('/').at(-1) !== (replacing ?? trigger.triggerName))
      .map(([, value]) => value);
    const isHttp = trigger.triggerType === 'http';
    if (isHttp && others.some((other) => other.triggerType !== 'http'))
      throw new Refusal(400, 'InvalidArgument', 'a function with an HTTP trigger cannot have triggers of other types');
    if (!isHttp && others.some((other) => other.triggerType === 'http'))
      throw new Refusal(400, 'InvalidArgument', 'a function with an HTTP trigger cannot have triggers of other types');
    const qualifier = (body: Body) => String(body.qualifier ?? 'LATEST');
    if (isHttp && others.some((other) => other.triggerType === 'http' && qualifier(other) === qualifier(trigger)))
      throw new Refusal(400, 'InvalidArgument', 'at most one HTTP trigger per function version or alias');
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = (request.url ?? '').split('?')[0]!;
      const method = request.method ?? '';
      const body = raw.length > 0 ? (JSON.parse(raw.toString()) as Body) : undefined;
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
      try {
        // /2016-08-15/services[/s[/functions[/f[/triggers[/t]]]]], /2016-08-15/services/s/{versions,aliases}[/x]
        reply(200, handle(method, path.split('/').slice(2), body));
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        reply(error.status, { ErrorCode: error.code, ErrorMessage: error.message });
      }
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

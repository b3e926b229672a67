import type { HttpRequest } from '../../../engines/invocation/InvocationContext';

/** What every FC HTTP event shape boils down to before it becomes a neutral {@link HttpRequest}. */
export interface RequestParts {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[] | undefined>;
  /** The raw body bytes. */
  body: Buffer;
  requestId: string;
  sourceIp: string;
  protocol?: string;
  accountId?: string;
  domainName?: string;
  domainPrefix?: string;
  time?: string;
  timeEpoch?: number;
}

/** Content types whose bodies reach the app as text; anything else stays base64 (`isBase64Encoded`). */
const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|xml|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/i;

/** Repeated values are joined with commas, as HTTP and API Gateway v2 do. */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function lowercaseHeaders(headers: RequestParts['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const joined = single(value);
    if (joined !== undefined) result[name.toLowerCase()] = joined;
  }
  return result;
}

function queryOf(query: RequestParts['query']): { parameters: Record<string, string>; raw: string } {
  const parameters: Record<string, string> = {};
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    const joined = single(value);
    if (joined === undefined) continue;
    parameters[name] = joined;
    for (const item of Array.isArray(value) ? value : [joined]) search.append(name, item);
  }
  return { parameters, raw: search.toString() };
}

/**
 * Builds the neutral request: header names lowercase, repeated values comma-joined, the body as text
 * when its content type is textual (or absent), else base64 with `isBase64Encoded: true`.
 */
export function neutralRequest(parts: RequestParts): HttpRequest {
  const headers = lowercaseHeaders(parts.headers);
  const { parameters, raw } = queryOf(parts.query);
  const contentType = headers['content-type'];
  const asText = contentType === undefined || TEXT_CONTENT_TYPE.test(contentType);
  const method = parts.method.toUpperCase();
  const timeEpoch = parts.timeEpoch ?? Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: parts.path,
    rawQueryString: raw,
    headers,
    queryStringParameters: parameters,
    body: asText ? parts.body.toString('utf8') : parts.body.toString('base64'),
    isBase64Encoded: !asText,
    requestContext: {
      accountId: parts.accountId ?? '',
      apiId: '',
      domainName: parts.domainName ?? headers.host ?? '',
      domainPrefix: parts.domainPrefix ?? '',
      http: {
        method,
        path: parts.path,
        protocol: parts.protocol ?? 'HTTP/1.1',
        sourceIp: parts.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: parts.requestId,
      routeKey: '$default',
      stage: '$default',
      time: parts.time ?? new Date(timeEpoch).toISOString(),
      timeEpoch,
    },
  };
}

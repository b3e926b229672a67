import * as z from '../../../zod';

/**
 * FC trigger shapes for HTTP functions, from the Function Compute docs (see fc-platform.md,
 * "Handler signatures"). Captured FC 3.0 HTTP trigger event, abridged:
 *
 * ```json
 * {"version":"v1","rawPath":"/tx/prepare","body":"eyJh...","isBase64Encoded":true,
 *  "headers":{"Content-Type":"application/json","X-Forwarded-Proto":"https"},
 *  "queryParameters":{"limit":"10"},
 *  "requestContext":{"accountId":"1234567890","domainName":"<id>.cn-hangzhou.fcapp.run",
 *    "domainPrefix":"<id>","requestId":"1-6570…","time":"2023-12-26T07:49:00Z","timeEpoch":"1703576940000",
 *    "http":{"method":"POST","path":"/tx/prepare","protocol":"HTTP/1.1","sourceIp":"10.0.0.1","userAgent":"curl/8"}}}
 * ```
 * @see https://help.aliyun.com/zh/functioncompute/fc-3-0/user-guide/http-trigger-invoking-a-function
 */

/** A header or query value: FC sends strings; tolerate repeated values as arrays. */
const multiValue = z.union([z.string(), z.array(z.string())]);

/** The FC 3.0 HTTP trigger event (the JSON inside the handler's `event: Buffer`). */
export const fc3HttpEventSchema = z.object({
  version: z.optional(z.string()),
  rawPath: z.string().check(z.startsWith('/')),
  body: z._default(z.string(), ''),
  isBase64Encoded: z._default(z.boolean(), false),
  headers: z._default(z.record(z.string(), multiValue), {}),
  queryParameters: z._default(z.record(z.string(), multiValue), {}),
  requestContext: z.object({
    accountId: z._default(z.string(), ''),
    domainName: z._default(z.string(), ''),
    domainPrefix: z._default(z.string(), ''),
    requestId: z._default(z.string(), ''),
    time: z._default(z.string(), ''),
    // FC sends a string (AWS sends a number): accept both.
    timeEpoch: z._default(z.union([z.string(), z.number()]), '0'),
    http: z.object({
      method: z.string().check(z.minLength(1)),
      path: z._default(z.string(), ''),
      protocol: z._default(z.string(), 'HTTP/1.1'),
      sourceIp: z._default(z.string(), ''),
      userAgent: z._default(z.string(), ''),
    }),
  }),
});
export type Fc3HttpEvent = z.input<typeof fc3HttpEventSchema>;

/** The FC 3.0 HTTP response an async handler resolves to. */
export interface Fc3HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  isBase64Encoded: boolean;
  body: string;
}

/**
 * The FC 2.0 HTTP function request: a readable stream of the body with these fields
 * (`handler(request, response, context)`).
 */
export interface Fc2HttpRequest extends AsyncIterable<Buffer | string> {
  readonly method: string;
  readonly path: string;
  readonly url?: string;
  readonly clientIP?: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly queries?: Record<string, string | string[] | undefined>;
}

/** The FC 2.0 HTTP function response object. */
export interface Fc2HttpResponse {
  setStatusCode(statusCode: number): void;
  setHeader(name: string, value: string): void;
  deleteHeader(name: string): void;
  send(body: Buffer | string): void;
}

/**
 * The FC context (2.0 and 3.0 share these fields): requestId, credentials (STS), function
 * {name, handler, memory, timeout (seconds)}, service, region, accountId. Only what we use is checked.
 */
export const fcContextSchema = z.object({
  requestId: z.string().check(z.minLength(1)),
  function: z.optional(z.looseObject({ name: z.string().check(z.minLength(1)), timeout: z.optional(z.number().check(z.positive())) })),
});
export type FcContext = z.input<typeof fcContextSchema>;

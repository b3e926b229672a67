import { Readable } from 'node:stream';

/**
 * Function Compute trigger events and contexts in the shapes the FC docs give (fc-platform.md):
 * builders for tests, the package check and the cold-start benchmark. Overrides are shallow.
 */

/** An FC 3.0 context (2.0 has the same fields): what FC passes as the handler's `context`. */
export function fcContext(overrides: { requestId?: string; name?: string; timeout?: number } = {}) {
  return {
    requestId: overrides.requestId ?? '1-65701a2b-0c3f8e1d2a4b5c6d7e8f9a0b',
    credentials: { accessKeyId: 'STS.fixture', accessKeySecret: 'fixture-secret', securityToken: 'fixture-token' },
    function: { name: overrides.name ?? 'tx-gateway', handler: 'dist/tx-gateway.handler', memory: 256, timeout: overrides.timeout ?? 30 },
    service: { name: 'txcenter', logProject: 'txcenter-logs', logStore: 'function-logs', qualifier: 'LATEST', versionId: '' },
    region: 'cn-hangzhou',
    accountId: '1234567890123456',
    retryCount: 0,
  };
}

export interface HttpEventInput {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** A text body; sent base64-encoded like FC does for most content types. */
  body?: string;
  base64?: boolean;
}

/** The FC 3.0 HTTP trigger event object (the JSON inside the handler's Buffer). */
export function fc3HttpEvent(input: HttpEventInput = {}) {
  const method = input.method ?? 'GET';
  const path = input.path ?? '/health';
  const body = input.body ?? '';
  const base64 = input.base64 ?? body !== '';
  return {
    version: 'v1',
    rawPath: path,
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
    headers: { Host: 'abc123.cn-hangzhou.fcapp.run', 'User-Agent': 'curl/8.5.0', 'X-Forwarded-Proto': 'https', ...input.headers },
    queryParameters: input.query ?? {},
    requestContext: {
      accountId: '1234567890123456',
      domainName: 'abc123.cn-hangzhou.fcapp.run',
      domainPrefix: 'abc123',
      requestId: '1-65701a2b-0c3f8e1d2a4b5c6d7e8f9a0b',
      time: '2023-12-26T07:49:00Z',
      timeEpoch: '1703576940000',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
    },
  };
}

/** What FC hands an FC 3.0 handler: the event as bytes. */
export function asEventBuffer(event: unknown): Buffer {
  return Buffer.from(JSON.stringify(event));
}

/** An FC 2.0 HTTP request: a readable body stream carrying the request fields. */
export function fc2HttpRequest(input: HttpEventInput = {}) {
  const stream = Readable.from(input.body === undefined || input.body === '' ? [] : [Buffer.from(input.body)]);
  return Object.assign(stream, {
    method: input.method ?? 'GET',
    path: input.path ?? '/health',
    url: `${input.path ?? '/health'}${input.query ? `?${new URLSearchParams(input.query)}` : ''}`,
    clientIP: '203.0.113.7',
    headers: { host: 'abc123.cn-hangzhou.fcapp.run', 'user-agent': 'curl/8.5.0', ...input.headers },
    queries: input.query ?? {},
  });
}

/** An FC 2.0 HTTP response that records what the handler wrote. */
export function fc2HttpResponse() {
  const recorded = { statusCode: 200, headers: {} as Record<string, string>, body: undefined as Buffer | string | undefined, sends: 0 };
  return {
    recorded,
    setStatusCode: (statusCode: number) => void (recorded.statusCode = statusCode),
    setHeader: (name: string, value: string) => void (recorded.headers[name] = value),
    deleteHeader: (name: string) => void delete recorded.headers[name],
    send: (body: Buffer | string) => {
      recorded.body = body;
      recorded.sends += 1;
    },
  };
}

/** The FC timer trigger event. */
export function timerEvent(overrides: { triggerName?: string; payload?: string; triggerTime?: string } = {}) {
  return {
    triggerTime: overrides.triggerTime ?? '2023-12-26T07:49:00Z',
    triggerName: overrides.triggerName ?? 'every-minute',
    payload: overrides.payload ?? '',
  };
}

export interface MqMessageInput {
  topic: string;
  tag: string;
  body: string;
  keys?: string;
  messageId?: string;
  userProperties?: Record<string, string>;
}

/**
 * The RocketMQ (EventBridge) trigger event on a 4.x instance: a JSON array of CloudEvents, one per message.
 * No reconsume count is delivered; `UNIQ_KEY` is the message id.
 */
export function rocketmqCloudEvents(messages: readonly MqMessageInput[], instanceId = 'MQ_INST_1234567890123456_BXfixture') {
  return messages.map((message, index) => {
    const messageId = message.messageId ?? `7F0000010001${String(index).padStart(20, '0')}`;
    return {
      id: `${messageId}-event`,
      source: 'acs:mq',
      specversion: '1.0',
      type: 'mq:Topic:SendMessage',
      subject: `acs:mq:cn-hangzhou:1234567890123456:${instanceId}%${message.topic}`,
      time: '2023-12-26T07:49:00.000Z',
      datacontenttype: 'application/json; charset=utf-8',
      aliyunaccountid: '1234567890123456',
      aliyunpublishtime: '2023-12-26T07:49:00.123Z',
      aliyuneventbusname: 'txcenter-bus',
      aliyunregionid: 'cn-hangzhou',
      data: {
        topic: message.topic,
        systemProperties: {
          MIN_OFFSET: '0',
          MAX_OFFSET: String(index + 1),
          TRACE_ON: 'true',
          MSG_REGION: 'cn-hangzhou',
          KEYS: message.keys ?? '',
          TAGS: message.tag,
          UNIQ_KEY: messageId,
          CONSUME_START_TIME: '1703576940123',
          INSTANCE_ID: instanceId,
        },
        userProperties: message.userProperties ?? {},
        body: message.body,
      },
    };
  });
}

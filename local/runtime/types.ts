/**
 * The FC 3.0 context object as the platform passes it to `handler(event, context)` (fc-platform.md).
 * The runtime fills the fields a local run can know; credentials are empty (no STS locally).
 */
export interface FcContext {
  readonly requestId: string;
  readonly credentials: { readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken: string };
  readonly function: { readonly name: string; readonly handler: string; readonly memory: number; readonly timeout: number };
  readonly service: { readonly name: string; readonly logProject: string; readonly logStore: string; readonly qualifier: string };
  readonly region: string;
  readonly accountId: string;
  /** Platform retries of this event so far (MQ trigger batch retries); 0 on the first invocation. */
  readonly retryCount: number;
}

/** An FC 3.0 function: `async handler(event: Buffer, context)`. */
export type FcHandler = (event: Buffer, context: FcContext) => Promise<unknown>;

/** Finds the handler of a catalog function (production: `functions/<name>/handler.ts`). */
export type HandlerLoader = (functionName: string) => Promise<FcHandler>;

/** FC 3.0 HTTP trigger event (fc-platform.md "Handler signatures"). */
export interface FcHttpEvent {
  readonly version: 'v1';
  readonly rawPath: string;
  readonly body: string;
  readonly isBase64Encoded: boolean;
  readonly headers: Record<string, string>;
  readonly queryParameters: Record<string, string>;
  readonly requestContext: {
    readonly accountId: string;
    readonly domainName: string;
    readonly domainPrefix: string;
    readonly requestId: string;
    readonly time: string;
    readonly timeEpoch: string;
    readonly http: {
      readonly method: string;
      readonly path: string;
      readonly protocol: string;
      readonly sourceIp: string;
      readonly userAgent: string;
    };
  };
}

/** What an FC 3.0 HTTP function returns. */
export interface FcHttpResult {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly isBase64Encoded?: boolean;
  readonly body?: string;
}

/** FC timer trigger event. */
export interface FcTimerEvent {
  readonly triggerTime: string;
  readonly triggerName: string;
  readonly payload: string;
}

/** One message of an FC RocketMQ-trigger batch (a CloudEvent, EventBridge event-stream mode, 4.x instance). */
export interface FcMqCloudEvent {
  readonly id: string;
  readonly source: string;
  readonly specversion: '1.0';
  readonly type: 'mq:Topic:SendMessage';
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: string;
  readonly aliyunaccountid: string;
  readonly aliyunpublishtime: string;
  readonly aliyuneventbusname: string;
  readonly aliyunregionid: string;
  readonly data: {
    readonly topic: string;
    readonly systemProperties: Record<string, string>;
    readonly userProperties: Record<string, string>;
    readonly body: string;
  };
}

/** Lifecycle and invocation events the runtime reports (tests and the demo's progress read them). */
export type RuntimeEvent =
  | {
      readonly type: 'invoked';
      readonly functionName: string;
      readonly trigger: string;
      readonly requestId: string;
      readonly ok: boolean;
      readonly durationMs: number;
      readonly error?: string;
    }
  | { readonly type: 'mq-batch-abandoned'; readonly functionName: string; readonly trigger: string; readonly messageIds: readonly string[] }
  | { readonly type: 'closed' };

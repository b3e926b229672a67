import type {
  MessageProperties,
  MQAckError,
  MQClient,
  MQConsumer,
  MQRawMessage,
  MQResponse,
  MQServerError,
  MQTransProducer,
} from '@aliyunmq/mq-http-sdk';
import { HANDLE_INVALID_CODES, MqEncodingError, MqError, MqUnavailableError } from './errors';
import type {
  AckFailure,
  ConsumeOptions,
  MqConnection,
  OutgoingMessage,
  PublishedHalfMessage,
  PublishedMessage,
  ReceivedMessage,
} from './types';
import { NOT_XML_CHAR } from './xmlChars';

type Sdk = typeof import('@aliyunmq/mq-http-sdk');
let sdkLoading: Promise<Sdk> | undefined;

/**
 * The SDK (with xml2js, httpx and https) is loaded on first use, not at import: a function instance
 * that never talks to MQ on its cold start (a consumer whose batch needs no dead letter) skips about
 * 5 ms of module evaluation. It is CommonJS without named-export hints, so its exports are the default.
 */
function loadSdk(): Promise<Sdk> {
  return (sdkLoading ??= import('@aliyunmq/mq-http-sdk').then((module) => (module as { default?: Sdk }).default ?? module));
}

/** Protocol limits (mq-http-protocol.md §6). */
export const MAX_MESSAGES_PER_CONSUME = 16;
export const MAX_WAIT_SECONDS = 30;
export const MIN_CHECK_IMMUNITY_SECONDS = 10;
export const MAX_CHECK_IMMUNITY_SECONDS = 300;

/** Characters the SDK's `putProperty` refuses; `messageKey` does not check them but they corrupt the encoding. */
const PROPERTY_FORBIDDEN = /['"&<>|:]/;

function assertEncodable(message: OutgoingMessage): void {
  if (message.body.includes(']]>')) throw new MqEncodingError('message body must not contain "]]>" (the SDK sends bodies as CDATA)');
  if (NOT_XML_CHAR.test(message.body))
    throw new MqEncodingError(
      'message body must not contain characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE, U+FFFF)',
    );
  if (message.key !== undefined && (message.key === '' || PROPERTY_FORBIDDEN.test(message.key) || NOT_XML_CHAR.test(message.key))) {
    throw new MqEncodingError(`message key '${message.key}' must be non-empty and avoid ' " & < > | :`);
  }
  for (const [name, value] of Object.entries(message.properties ?? {})) {
    if (
      name === '' ||
      value === '' ||
      PROPERTY_FORBIDDEN.test(name) ||
      PROPERTY_FORBIDDEN.test(value) ||
      NOT_XML_CHAR.test(name) ||
      NOT_XML_CHAR.test(value)
    ) {
      throw new MqEncodingError(`property '${name}' must have a non-empty key and value without ' " & < > | :`);
    }
  }
}

function toSdkProperties(sdk: Sdk, message: OutgoingMessage, checkImmunitySeconds?: number): MessageProperties {
  const props = new sdk.MessageProperties();
  for (const [name, value] of Object.entries(message.properties ?? {})) props.putProperty(name, value);
  if (message.key !== undefined) props.messageKey(message.key);
  if (message.startDeliverTime !== undefined) props.startDeliverTime(message.startDeliverTime);
  if (checkImmunitySeconds !== undefined) props.transCheckImmunityTime(checkImmunitySeconds);
  return props;
}

function toReceived(raw: MQRawMessage, half: boolean): ReceivedMessage {
  return {
    messageId: raw.MessageId,
    receiptHandle: raw.ReceiptHandle,
    body: raw.MessageBody,
    bodyMd5: raw.MessageBodyMD5,
    tag: raw.MessageTag || undefined,
    key: raw.MessageKey,
    properties: raw.Properties ?? {},
    publishTime: Number(raw.PublishTime),
    firstConsumeTime: Number(raw.FirstConsumeTime),
    nextConsumeTime: Number(raw.NextConsumeTime),
    consumedTimes: Number(raw.ConsumedTimes),
    // The SDK parses a half message's `__TransCheckT` (relative seconds) into StartDeliverTime: drop it.
    startDeliverTime: half ? undefined : raw.StartDeliverTime,
  };
}

/** Wire codes of an endpoint that is overloaded or failing: transient, like no answer at all. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['InternalError', 'InternalServerError', 'QpsLimitExceeded', 'ServiceUnavailable']);
/** The SDK's error message is `{METHOD} {url} failed with {status}. RequestId: …`; the status is only there. */
const SDK_ERROR_STATUS = / failed with (\d{3})\./;

/**
 * Turns whatever the SDK threw into a typed error: server `<Error>` documents carry `Code`. A 5xx or
 * throttling answer is {@link MqUnavailableError} (retry later); any other answer is a permanent
 * {@link MqError}. Messages keep the SDK's text (URL, request id) for logs: never show them to callers.
 */
function translate(operation: string, error: unknown): MqError | MqUnavailableError {
  if (error instanceof MqError || error instanceof MqUnavailableError) return error;
  const sdkError = error as MQServerError;
  if (typeof sdkError?.Code === 'string') {
    const status = Number(SDK_ERROR_STATUS.exec(String(sdkError.message))?.[1] ?? 0);
    if (status >= 500 || TRANSIENT_CODES.has(sdkError.Code))
      return new MqUnavailableError(`${operation}: ${sdkError.message}`, { cause: error });
    return new MqError(sdkError.Code, `${operation}: ${sdkError.message}`, sdkError.RequestId, { cause: error });
  }
  return new MqUnavailableError(`${operation}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

/** The SDK never checks status codes (a 5xx without XML resolves): every success status is asserted here. */
function expectStatus<B>(operation: string, response: MQResponse<B>, status: number): MQResponse<B> {
  if (response.code !== status) {
    throw response.code >= 500 || response.code === 429
      ? new MqUnavailableError(`${operation}: endpoint answered ${response.code}`)
      : new MqError('UnexpectedStatus', `${operation}: endpoint answered ${response.code}, expected ${status}`, response.requestId);
  }
  return response;
}

function toAckFailures(errors: MQAckError[] | undefined): AckFailure[] {
  return (errors ?? []).map((e) => ({ receiptHandle: e.ReceiptHandle, code: e.ErrorCode, message: e.ErrorMessage }));
}

function checkConsumeOptions(options: ConsumeOptions): { max: number; wait: number } {
  const max = options.maxMessages ?? MAX_MESSAGES_PER_CONSUME;
  const wait = options.waitSeconds ?? 0;
  if (!Number.isInteger(max) || max < 1 || max > MAX_MESSAGES_PER_CONSUME)
    throw new MqEncodingError(`maxMessages must be 1..16, got ${max}`);
  if (!Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_SECONDS) throw new MqEncodingError(`waitSeconds must be 0..30, got ${wait}`);
  return { max, wait };
}

/** Options of {@link MqClient}. */
export interface MqClientOptions {
  /**
   * Lowest check-immunity `publishHalf` accepts. The cloud's is 10 s; lower it only against the local
   * broker started with a matching `minCheckImmunitySeconds` (fast tests and demos).
   * @default 10
   */
  readonly minCheckImmunitySeconds?: number;
}

/**
 * Typed wrapper over `@aliyunmq/mq-http-sdk` that hides its quirks: numbers arrive as strings, an
 * empty poll is a thrown `MessageNotExist`, ack failures are returned rather than thrown, status codes
 * are never checked, `__TransCheckT` is mis-read as StartDeliverTime, and unsafe keys corrupt the
 * property encoding. Producers and consumers are cached per resource (module-scope reuse on warm
 * FC instances).
 */
export class MqClient {
  private loading: Promise<{ sdk: Sdk; client: MQClient }> | undefined;
  private readonly minCheckImmunitySeconds: number;
  private readonly consumers = new Map<string, MQConsumer>();
  private readonly transProducers = new Map<string, MQTransProducer>();

  constructor(
    readonly connection: MqConnection,
    options: MqClientOptions = {},
  ) {
    this.minCheckImmunitySeconds = options.minCheckImmunitySeconds ?? MIN_CHECK_IMMUNITY_SECONDS;
  }

  private sdkClient(): Promise<{ sdk: Sdk; client: MQClient }> {
    const { endpoint, accessKeyId, accessKeySecret, securityToken } = this.connection;
    return (this.loading ??= loadSdk().then((sdk) => ({
      sdk,
      client: new sdk.MQClient(endpoint, accessKeyId, accessKeySecret, securityToken),
    })));
  }

  private get instanceId(): string | undefined {
    return this.connection.instanceId || undefined;
  }

  private async consumer(topic: string, group: string, tagExpression: string | undefined): Promise<MQConsumer> {
    const cacheKey = `${topic}\n${group}\n${tagExpression ?? ''}`;
    let consumer = this.consumers.get(cacheKey);
    if (!consumer) {
      consumer = (await this.sdkClient()).client.getConsumer(this.instanceId, topic, group, tagExpression);
      this.consumers.set(cacheKey, consumer);
    }
    return consumer;
  }

  private async transProducer(topic: string, group: string): Promise<MQTransProducer> {
    const cacheKey = `${topic}\n${group}`;
    let producer = this.transProducers.get(cacheKey);
    if (!producer) {
      producer = (await this.sdkClient()).client.getTransProducer(this.instanceId, topic, group);
      this.transProducers.set(cacheKey, producer);
    }
    return producer;
  }

  /** Publishes a normal (or scheduled) message. */
  async publish(topic: string, message: OutgoingMessage): Promise<PublishedMessage> {
    assertEncodable(message);
    const operation = `publish to ${topic}`;
    try {
      const { sdk, client } = await this.sdkClient();
      const response = expectStatus(
        operation,
        await client.getProducer(this.instanceId, topic).publishMessage(message.body, message.tag, toSdkProperties(sdk, message)),
        201,
      );
      return { messageId: response.body.MessageId, bodyMd5: response.body.MessageBodyMD5 };
    } catch (error) {
      throw translate(operation, error);
    }
  }

  /** Publishes a half (transactional) message, invisible to consumers until committed. */
  async publishHalf(topic: string, group: string, message: OutgoingMessage, checkImmunitySeconds: number): Promise<PublishedHalfMessage> {
    assertEncodable(message);
    if (
      !Number.isInteger(checkImmunitySeconds) ||
      checkImmunitySeconds < this.minCheckImmunitySeconds ||
      checkImmunitySeconds > MAX_CHECK_IMMUNITY_SECONDS
    ) {
      throw new MqEncodingError(`checkImmunitySeconds must be ${this.minCheckImmunitySeconds}..300, got ${checkImmunitySeconds}`);
    }
    const operation = `publish half message to ${topic}`;
    try {
      const producer = await this.transProducer(topic, group);
      const { sdk } = await this.sdkClient();
      const response = expectStatus(
        operation,
        await producer.publishMessage(message.body, message.tag, toSdkProperties(sdk, message, checkImmunitySeconds)),
        201,
      );
      if (!response.body.ReceiptHandle)
        throw new MqError('MissingReceiptHandle', `${operation}: no receipt handle in the answer`, response.requestId);
      return { messageId: response.body.MessageId, bodyMd5: response.body.MessageBodyMD5, receiptHandle: response.body.ReceiptHandle };
    } catch (error) {
      throw translate(operation, error);
    }
  }

  /** Pulls up to `maxMessages`; an empty poll is an empty array, not an error. */
  async consume(topic: string, group: string, options: ConsumeOptions = {}): Promise<ReceivedMessage[]> {
    const { max, wait } = checkConsumeOptions(options);
    return this.pull(`consume ${topic} as ${group}`, false, async () =>
      (await this.consumer(topic, group, options.tagExpression)).consumeMessage(max, wait),
    );
  }

  /** Pulls half messages due for a transaction check. */
  async consumeHalf(topic: string, group: string, options: Omit<ConsumeOptions, 'tagExpression'> = {}): Promise<ReceivedMessage[]> {
    const { max, wait } = checkConsumeOptions(options);
    return this.pull(`consume half messages of ${topic} as ${group}`, true, async () =>
      (await this.transProducer(topic, group)).consumeHalfMessage(max, wait),
    );
  }

  private async pull(operation: string, half: boolean, call: () => Promise<MQResponse<MQRawMessage[]>>): Promise<ReceivedMessage[]> {
    try {
      const response = expectStatus(operation, await call(), 200);
      return (response.body ?? []).map((raw) => toReceived(raw, half));
    } catch (error) {
      const typed = translate(operation, error);
      if (typed.code === 'MessageNotExist') return [];
      throw typed;
    }
  }

  /** Acknowledges handles; returns the ones the broker refused (expired or invalid) instead of throwing. */
  async ack(topic: string, group: string, receiptHandles: readonly string[]): Promise<AckFailure[]> {
    if (receiptHandles.length === 0) return [];
    const operation = `ack on ${topic} as ${group}`;
    try {
      const response = await (await this.consumer(topic, group, undefined)).ackMessage([...receiptHandles]);
      if (response.code === 404) return toAckFailures(response.body);
      expectStatus(operation, response, 204);
      return [];
    } catch (error) {
      throw translate(operation, error);
    }
  }

  /** Commits a half message. @throws MqError with code MessageNotExist/ReceiptHandleError when the handle is no longer valid. */
  commit(topic: string, group: string, receiptHandle: string): Promise<void> {
    return this.decide('commit', topic, group, receiptHandle);
  }

  /** Rolls back a half message. @throws MqError like {@link commit}. */
  rollback(topic: string, group: string, receiptHandle: string): Promise<void> {
    return this.decide('rollback', topic, group, receiptHandle);
  }

  private async decide(decision: 'commit' | 'rollback', topic: string, group: string, receiptHandle: string): Promise<void> {
    const operation = `${decision} on ${topic} as ${group}`;
    let response: MQResponse<MQAckError[] | undefined>;
    try {
      const producer = await this.transProducer(topic, group);
      response = decision === 'commit' ? await producer.commit(receiptHandle) : await producer.rollback(receiptHandle);
    } catch (error) {
      throw translate(operation, error);
    }
    if (response.code === 404) {
      const [failure] = toAckFailures(response.body);
      throw new MqError(failure?.code ?? 'MessageNotExist', `${operation}: ${failure?.message ?? 'handle refused'}`, response.requestId);
    }
    expectStatus(operation, response, 204);
  }
}

/** True when an error means the receipt handle expired or was never valid (not a transport failure). */
export function isHandleInvalid(error: unknown): boolean {
  return error instanceof MqError && HANDLE_INVALID_CODES.has(error.code);
}

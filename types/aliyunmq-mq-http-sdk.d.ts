// Types for @aliyunmq/mq-http-sdk 1.0.4, which ships none. Written from lib/client.js; only what
// shared/adapters/mq uses. Numbers on consumed messages arrive as strings (the SDK does not convert them).
declare module '@aliyunmq/mq-http-sdk' {
  export interface MQResponse<B> {
    code: number;
    requestId: string | undefined;
    body: B;
  }
  export interface MQPublishBody {
    MessageId: string;
    MessageBodyMD5: string;
    ReceiptHandle?: string;
  }
  export interface MQRawMessage {
    MessageId: string;
    ReceiptHandle: string;
    MessageBodyMD5: string;
    MessageBody: string;
    PublishTime: string;
    FirstConsumeTime: string;
    NextConsumeTime: string;
    ConsumedTimes: string;
    MessageTag?: string;
    /** Parsed by the SDK with reserved keys removed. */
    Properties: Record<string, string>;
    MessageKey?: string;
    /** Also (wrongly) set from `__TransCheckT` on half messages. */
    StartDeliverTime?: number;
    ShardingKey?: string;
  }
  export interface MQAckError {
    ErrorCode: string;
    ErrorMessage: string;
    ReceiptHandle: string;
  }
  /** Thrown for an `<Error>` document; network failures throw plain errors without `Code`. */
  export interface MQServerError extends Error {
    Code?: string;
    RequestId?: string;
  }
  export class MessageProperties {
    putProperty(key: string, value: string | number): this;
    messageKey(key: string): this;
    startDeliverTime(timeMillis: number): this;
    transCheckImmunityTime(timeSeconds: number): this;
    shardingKey(key: string): this;
    getProperties(): Record<string, string>;
  }
  export class MQProducer {
    publishMessage(body: string, tag?: string, props?: MessageProperties): Promise<MQResponse<MQPublishBody>>;
  }
  export class MQTransProducer {
    publishMessage(body: string, tag?: string, props?: MessageProperties): Promise<MQResponse<MQPublishBody>>;
    consumeHalfMessage(numOfMessages: number, waitSeconds?: number): Promise<MQResponse<MQRawMessage[]>>;
    commit(receiptHandle: string): Promise<MQResponse<MQAckError[] | undefined>>;
    rollback(receiptHandle: string): Promise<MQResponse<MQAckError[] | undefined>>;
  }
  export class MQConsumer {
    consumeMessage(numOfMessages: number, waitSeconds?: number): Promise<MQResponse<MQRawMessage[]>>;
    consumeMessageOrderly(numOfMessages: number, waitSeconds?: number): Promise<MQResponse<MQRawMessage[]>>;
    ackMessage(receiptHandles: string[]): Promise<MQResponse<MQAckError[] | undefined>>;
  }
  export class MQClient {
    constructor(endpoint: string, accessKeyId: string, accessKeySecret: string, securityToken?: string);
    getProducer(instanceId: string | undefined, topic: string): MQProducer;
    getTransProducer(instanceId: string | undefined, topic: string, groupId: string): MQTransProducer;
    getConsumer(instanceId: string | undefined, topic: string, consumer: string, messageTag?: string): MQConsumer;
  }
}

// The SDK's index.js picks its implementation at run time, so Node's ESM loader cannot see its named
// exports; load it through require and keep the declared types (types/aliyunmq-mq-http-sdk.d.ts).
import { createRequire } from 'node:module';
import type * as Sdk from '@aliyunmq/mq-http-sdk';

const sdk = createRequire(import.meta.url)('@aliyunmq/mq-http-sdk') as typeof Sdk;

export const MQClient = sdk.MQClient;
export const MessageProperties = sdk.MessageProperties;
export type { MQConsumer, MQProducer, MQRawMessage, MQServerError, MQTransProducer } from '@aliyunmq/mq-http-sdk';

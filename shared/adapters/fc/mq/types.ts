import * as z from '../../../zod';

/**
 * The FC RocketMQ trigger event (EventBridge event stream → function): a JSON array of CloudEvents,
 * from the Function Compute / EventBridge docs (fc-platform.md, "Trigger events"). One element, abridged:
 *
 * ```json
 * {"id":"7adc8c1a-…","source":"acs:mq","specversion":"1.0","type":"mq:Topic:SendMessage",
 *  "subject":"acs:mq:cn-hangzhou:1234567890:MQ_INST_123_BXhFHryi%TXC_COMPANION",
 *  "time":"2024-03-01T08:00:00.000Z","datacontenttype":"application/json; charset=utf-8",
 *  "aliyunaccountid":"1234567890","aliyunpublishtime":"2024-03-01T08:00:00.123Z",
 *  "aliyuneventbusname":"default","aliyunregionid":"cn-hangzhou",
 *  "data":{"topic":"TXC_COMPANION","systemProperties":{"UNIQ_KEY":"AC1…","KEYS":"tx-1","TAGS":"OPERATIONS",…},
 *          "userProperties":{},"body":"{\"v\":1,…}"}}
 * ```
 * Full captured shapes for 4.x and 5.x instances are the fixtures under `test/shared/adapters/fc/mq/fixtures/`.
 * @see https://help.aliyun.com/zh/functioncompute/fc-3-0/user-guide/rocketmq-triggers
 */

/** systemProperties on a RocketMQ 4.x instance (all values strings). */
export const rocketMq4SystemPropertiesSchema = z.looseObject({
  UNIQ_KEY: z.string().check(z.minLength(1)),
  KEYS: z.optional(z.string()),
  TAGS: z.optional(z.string()),
  MIN_OFFSET: z.optional(z.string()),
  MAX_OFFSET: z.optional(z.string()),
  TRACE_ON: z.optional(z.string()),
  MSG_REGION: z.optional(z.string()),
  CONSUME_START_TIME: z.optional(z.string()),
  INSTANCE_ID: z.optional(z.string()),
});

/** systemProperties on a RocketMQ 5.x instance: adds `msgId` and `BORN_TIMESTAMP`. */
export const rocketMq5SystemPropertiesSchema = z.extend(z.partial(rocketMq4SystemPropertiesSchema, { UNIQ_KEY: true }), {
  msgId: z.string().check(z.minLength(1)),
  BORN_TIMESTAMP: z.optional(z.union([z.string(), z.number()])),
});

export type RocketMq4SystemProperties = z.output<typeof rocketMq4SystemPropertiesSchema>;
export type RocketMq5SystemProperties = z.output<typeof rocketMq5SystemPropertiesSchema>;

export const mqCloudEventSchema = z.object({
  id: z.string().check(z.minLength(1)),
  source: z.optional(z.string()),
  specversion: z.optional(z.string()),
  type: z.optional(z.string()),
  subject: z.optional(z.string()),
  time: z.optional(z.string()),
  aliyunpublishtime: z.optional(z.string()),
  data: z.object({
    topic: z.string().check(z.minLength(1)),
    systemProperties: z.record(z.string(), z.unknown()),
    userProperties: z._default(z.record(z.string(), z.unknown()), {}),
    // EventBridge may hand over a JSON body already parsed: it is re-serialised.
    body: z.unknown(),
  }),
});

export type MqCloudEvent = z.output<typeof mqCloudEventSchema>;

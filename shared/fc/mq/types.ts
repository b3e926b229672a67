import { z } from 'zod';

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
 * Full captured shapes for 4.x and 5.x instances are the fixtures under `test/shared/fc/mq/fixtures/`.
 * @see https://help.aliyun.com/zh/functioncompute/fc-3-0/user-guide/rocketmq-triggers
 */

/** systemProperties on a RocketMQ 4.x instance (all values strings). */
export const rocketMq4SystemPropertiesSchema = z
  .object({
    UNIQ_KEY: z.string().min(1),
    KEYS: z.string().optional(),
    TAGS: z.string().optional(),
    MIN_OFFSET: z.string().optional(),
    MAX_OFFSET: z.string().optional(),
    TRACE_ON: z.string().optional(),
    MSG_REGION: z.string().optional(),
    CONSUME_START_TIME: z.string().optional(),
    INSTANCE_ID: z.string().optional(),
  })
  .passthrough();

/** systemProperties on a RocketMQ 5.x instance: adds `msgId` and `BORN_TIMESTAMP`. */
export const rocketMq5SystemPropertiesSchema = rocketMq4SystemPropertiesSchema.partial({ UNIQ_KEY: true }).extend({
  msgId: z.string().min(1),
  BORN_TIMESTAMP: z.union([z.string(), z.number()]).optional(),
});

export type RocketMq4SystemProperties = z.output<typeof rocketMq4SystemPropertiesSchema>;
export type RocketMq5SystemProperties = z.output<typeof rocketMq5SystemPropertiesSchema>;

export const mqCloudEventSchema = z.object({
  id: z.string().min(1),
  source: z.string().optional(),
  specversion: z.string().optional(),
  type: z.string().optional(),
  subject: z.string().optional(),
  time: z.string().optional(),
  aliyunpublishtime: z.string().optional(),
  data: z.object({
    topic: z.string().min(1),
    systemProperties: z.record(z.string(), z.unknown()),
    userProperties: z.record(z.string(), z.unknown()).default({}),
    // EventBridge may hand over a JSON body already parsed: it is re-serialised.
    body: z.unknown(),
  }),
});

export type MqCloudEvent = z.output<typeof mqCloudEventSchema>;

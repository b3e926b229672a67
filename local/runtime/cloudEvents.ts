import type { ReceivedMessage } from '../../shared/adapters/mq';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './invoke';
import type { FcMqCloudEvent } from './types';

/** The instance id the local trigger reports when the broker has no namespace. */
export const LOCAL_INSTANCE_ID = 'MQ_INST_local';
const EVENT_BUS_NAME = 'txcenter-local';

/**
 * Maps one pulled message to the CloudEvent the FC RocketMQ trigger delivers (event-stream mode,
 * 4.x instance). System properties carry what consumers de-duplicate on: `UNIQ_KEY` (the message id),
 * `KEYS` (the business key) and `TAGS`. There is no reconsume count, as on FC.
 */
export function toCloudEvent(message: ReceivedMessage, topic: string, instanceId: string): FcMqCloudEvent {
  const instance = instanceId || LOCAL_INSTANCE_ID;
  const systemProperties: Record<string, string> = {
    MIN_OFFSET: '0',
    MAX_OFFSET: '0',
    TRACE_ON: 'true',
    MSG_REGION: LOCAL_REGION,
    UNIQ_KEY: message.messageId,
    CONSUME_START_TIME: String(Date.now()),
    INSTANCE_ID: instance,
  };
  if (message.key) systemProperties.KEYS = message.key;
  if (message.tag) systemProperties.TAGS = message.tag;
  const publishTime = new Date(message.publishTime).toISOString();
  return {
    id: message.messageId,
    source: 'acs:mq',
    specversion: '1.0',
    type: 'mq:Topic:SendMessage',
    subject: `acs:mq:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${instance}%${topic}`,
    time: publishTime,
    datacontenttype: 'application/json; charset=utf-8',
    aliyunaccountid: LOCAL_ACCOUNT_ID,
    aliyunpublishtime: publishTime,
    aliyuneventbusname: EVENT_BUS_NAME,
    aliyunregionid: LOCAL_REGION,
    data: { topic, systemProperties, userProperties: { ...message.properties }, body: message.body },
  };
}

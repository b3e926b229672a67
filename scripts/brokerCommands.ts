import type { Catalog } from '../shared/engines/catalog';

/** RocketMQ 4.x (ONS) `MessageType` codes of OnsTopicCreate. */
const ONS_MESSAGE_TYPE = { normal: 0, transactional: 4 } as const;

/**
 * The `aliyun ons` commands that create the catalog's topics and groups in a RocketMQ 4.x instance,
 * for `npm run deploy -- --broker-commands`. Groups a RocketMQ trigger consumes are of the default
 * `tcp` type (EventBridge pulls them itself); the rest (tx-checkback's half-message group) are consumed
 * through the HTTP SDK, so `http`: RocketMQ 4.x groups serve one protocol only.
 */
export function brokerCommands(catalog: Catalog, instanceId: string): string[] {
  const instance = instanceId || '$TXC_MQ_INSTANCE_ID';
  const triggered = new Set(catalog.mqTriggers().map((trigger) => trigger.subscription.id));
  return [
    ...catalog.topics.map(
      (topic) =>
        `aliyun ons OnsTopicCreate --InstanceId ${instance} --Topic ${topic.name} --MessageType ${ONS_MESSAGE_TYPE[topic.messageType]} --Remark '${topic.description.replaceAll("'", '')}'`,
    ),
    ...catalog
      .brokerResources()
      .groups.map(
        (group) =>
          `aliyun ons OnsGroupCreate --InstanceId ${instance} --GroupId ${group} --GroupType ${triggered.has(group) ? 'tcp' : 'http'}`,
      ),
  ];
}

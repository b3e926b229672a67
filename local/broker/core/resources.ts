import { MqNotFoundError } from '../errors';

/** Topics and groups declared for one instance; `ns` omitted means every instance. */
export interface DeclaredResources {
  readonly ns?: string;
  readonly topics: readonly string[];
  readonly groups: readonly string[];
}

/**
 * Which topics and groups exist. With `autoCreate` everything exists; otherwise only declared names,
 * and unknown ones get the protocol's `TopicNotExist` / `SubscriptionNotExist`.
 */
export class Resources {
  private readonly topics = new Set<string>();
  private readonly groups = new Set<string>();

  constructor(
    readonly autoCreate: boolean,
    readonly declared: readonly DeclaredResources[],
  ) {
    for (const entry of declared) {
      for (const topic of entry.topics) this.topics.add(key(entry.ns, topic));
      for (const group of entry.groups) this.groups.add(key(entry.ns, group));
    }
  }

  assertTopic(ns: string, topic: string): void {
    if (this.autoCreate || this.topics.has(key(undefined, topic)) || this.topics.has(key(ns, topic))) return;
    throw new MqNotFoundError('TopicNotExist', `The topic '${topic}' does not exist${ns ? ` in instance '${ns}'` : ''}.`);
  }

  assertGroup(ns: string, group: string): void {
    if (this.autoCreate || this.groups.has(key(undefined, group)) || this.groups.has(key(ns, group))) return;
    throw new MqNotFoundError('SubscriptionNotExist', `The consumer group '${group}' does not exist${ns ? ` in instance '${ns}'` : ''}.`);
  }
}

function key(ns: string | undefined, name: string): string {
  return `${ns ?? '*'}\u0000${name}`;
}

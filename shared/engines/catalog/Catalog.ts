import * as z from '../../zod';
import { CatalogError } from '../../errors';
import { CATALOG_DATA } from './catalogData';
import type { CatalogData, CatalogInput, FunctionDef, GroupDef, TagDef, TopicDef, TriggerDef } from './schema';
import { catalogSchema } from './schema';
import type { TagExpression } from './tagExpression';
import { matchesTag, parseTagExpression } from './tagExpression';

/** A subscriber group with its tag expression parsed. */
export interface Subscription extends GroupDef {
  readonly filter: TagExpression;
}

/** An MQ trigger resolved to its group, topic and tag filter. */
export interface ResolvedMqTrigger {
  readonly function: string;
  readonly trigger: Extract<TriggerDef, { type: 'mq' }>;
  readonly subscription: Subscription;
}

/**
 * The validated catalog with the lookups everyone needs. Build it with {@link loadCatalog}; every
 * cross-reference (tag expressions, groups, triggers) is checked once, at load time.
 */
export class Catalog {
  private readonly topicsByName: Map<string, TopicDef>;
  private readonly groupsById: Map<string, Subscription>;

  constructor(readonly data: CatalogData) {
    this.topicsByName = new Map(data.topics.map((topic) => [topic.name, topic]));
    this.groupsById = new Map(data.groups.map((group) => [group.id, { ...group, filter: parseTagExpression(group.tagExpression) }]));
  }

  get topics(): readonly TopicDef[] {
    return this.data.topics;
  }
  get groups(): readonly Subscription[] {
    return [...this.groupsById.values()];
  }
  get functions(): readonly FunctionDef[] {
    return this.data.functions;
  }
  get deadLetter(): CatalogData['deadLetter'] {
    return this.data.deadLetter;
  }
  get checkGroup(): string {
    return this.data.checkGroup;
  }

  topic(name: string): TopicDef | undefined {
    return this.topicsByName.get(name);
  }

  /** The tag (scenario) definition, or undefined when the topic or tag is not in the catalog. */
  tag(topic: string, tag: string): TagDef | undefined {
    return this.topicsByName.get(topic)?.tags.find((candidate) => candidate.name === tag);
  }

  group(id: string): Subscription | undefined {
    return this.groupsById.get(id);
  }

  /** The groups that must receive a message of (topic, tag): the reconciler's "expected subscribers". */
  subscribersOf(topic: string, tag: string): Subscription[] {
    return this.groups.filter((group) => group.topic === topic && matchesTag(group.filter, tag));
  }

  function(name: string): FunctionDef | undefined {
    return this.data.functions.find((fn) => fn.name === name);
  }

  /** Every MQ trigger of every function, resolved to its subscription. */
  mqTriggers(): ResolvedMqTrigger[] {
    return this.data.functions.flatMap((fn) =>
      fn.triggers.flatMap((trigger) =>
        trigger.type === 'mq' ? [{ function: fn.name, trigger, subscription: this.groupsById.get(trigger.group)! }] : [],
      ),
    );
  }

  /** Topics and groups the broker must know when it does not auto-create them. */
  brokerResources(): { topics: string[]; groups: string[] } {
    return {
      topics: this.data.topics.map((topic) => topic.name),
      groups: [...this.data.groups.map((group) => group.id), this.data.checkGroup],
    };
  }
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

function crossReferenceProblems(data: CatalogData): string[] {
  const problems: string[] = [];
  const topics = new Map(data.topics.map((topic) => [topic.name, topic]));
  for (const name of duplicates(data.topics.map((topic) => topic.name))) problems.push(`duplicate topic '${name}'`);
  for (const topic of data.topics) {
    for (const tag of duplicates(topic.tags.map((t) => t.name))) problems.push(`duplicate tag '${tag}' in topic '${topic.name}'`);
  }
  const groupIds = [...data.groups.map((group) => group.id), data.checkGroup];
  for (const id of duplicates(groupIds)) problems.push(`duplicate group '${id}'`);
  for (const group of data.groups) {
    const topic = topics.get(group.topic);
    if (!topic) {
      problems.push(`group '${group.id}' subscribes to unknown topic '${group.topic}'`);
      continue;
    }
    const filter = parseTagExpression(group.tagExpression);
    if (!filter.all) {
      for (const tag of filter.tags) {
        if (!topic.tags.some((t) => t.name === tag))
          problems.push(`group '${group.id}' expression names unknown tag '${tag}' of topic '${topic.name}'`);
      }
    }
  }
  const deadLetterTopic = topics.get(data.deadLetter.topic);
  if (!deadLetterTopic) problems.push(`dead-letter topic '${data.deadLetter.topic}' is not declared`);
  else if (!deadLetterTopic.tags.some((t) => t.name === data.deadLetter.tag))
    problems.push(`dead-letter tag '${data.deadLetter.tag}' is not a tag of '${deadLetterTopic.name}'`);
  for (const name of duplicates(data.functions.map((fn) => fn.name))) problems.push(`duplicate function '${name}'`);
  const triggeredGroups: string[] = [];
  for (const fn of data.functions) {
    for (const name of duplicates(fn.triggers.map((t) => t.name))) problems.push(`duplicate trigger '${name}' in function '${fn.name}'`);
    for (const trigger of fn.triggers) {
      if (trigger.type !== 'mq') continue;
      triggeredGroups.push(trigger.group);
      if (!data.groups.some((group) => group.id === trigger.group))
        problems.push(`function '${fn.name}' trigger '${trigger.name}' uses unknown group '${trigger.group}'`);
    }
  }
  for (const fn of data.functions) {
    // FC 2.0: "a function with an HTTP trigger cannot have triggers of other types", and one HTTP trigger at most.
    const http = fn.triggers.filter((trigger) => trigger.type === 'http').length;
    if (http > 1 || (http === 1 && fn.triggers.length > 1))
      problems.push(`function '${fn.name}' mixes an HTTP trigger with other triggers (Function Compute allows one HTTP trigger alone)`);
  }
  for (const id of duplicates(triggeredGroups)) problems.push(`group '${id}' is consumed by more than one trigger`);
  for (const group of data.groups) {
    if (!triggeredGroups.includes(group.id)) problems.push(`group '${group.id}' has no consuming function`);
  }
  return problems;
}

/**
 * Validates catalog data (shape, then cross-references) and returns the {@link Catalog}.
 * @throws CatalogError naming every problem found.
 */
export function loadCatalog(input: CatalogInput = CATALOG_DATA): Catalog {
  const parsed = catalogSchema.safeParse(input);
  if (!parsed.success) throw new CatalogError(`catalog is invalid: ${z.prettifyError(parsed.error)}`);
  const problems = crossReferenceProblems(parsed.data);
  if (problems.length > 0) throw new CatalogError(`catalog is invalid: ${problems.join('; ')}`);
  return new Catalog(parsed.data);
}

let defaultCatalog: Catalog | undefined;

/** The built-in catalog, validated once per process. */
export function catalog(): Catalog {
  defaultCatalog ??= loadCatalog();
  return defaultCatalog;
}

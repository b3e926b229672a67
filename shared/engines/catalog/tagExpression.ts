/**
 * RocketMQ tag expressions (Apache `FilterAPI` semantics): absent, empty or `*` matches every message;
 * otherwise `A||B` is split on `||`, items trimmed, empties dropped, and a message matches when its tag
 * is one of the items. A message without a tag matches only "all".
 */
export type TagExpression = { readonly all: true } | { readonly all: false; readonly tags: ReadonlySet<string> };

export const MATCH_ALL: TagExpression = { all: true };

export function parseTagExpression(expression: string | undefined | null): TagExpression {
  const trimmed = expression?.trim() ?? '';
  if (trimmed === '' || trimmed === '*') return MATCH_ALL;
  const tags = trimmed
    .split('||')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
  return tags.length === 0 ? MATCH_ALL : { all: false, tags: new Set(tags) };
}

export function matchesTag(expression: TagExpression, tag: string | undefined | null): boolean {
  if (expression.all) return true;
  return tag != null && tag !== '' && expression.tags.has(tag);
}

/**
 * The tag filter a cloud RocketMQ trigger of a group with this expression carries: Aliyun documents
 * the trigger's `Tag` with a single tag only, so `*` and `A||B` get none (undefined) and the consumer
 * runtime applies the expression itself (docs/deploying.md, "Triggers").
 */
export function triggerTagFilter(expression: string): string | undefined {
  const parsed = parseTagExpression(expression);
  return !parsed.all && parsed.tags.size === 1 ? [...parsed.tags][0] : undefined;
}

/**
 * Nesting depth of a parsed JSON value, counted without recursion (a scalar is depth 0, `[]` and
 * `{}` are 1). `JSON.parse` builds 10 000-deep values from a 20 KB body, but `JSON.stringify` and
 * every recursive walker then overflow the stack: bound the depth at the boundary with this.
 * Stops walking as soon as `limit` is exceeded and returns `limit + 1`.
 */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    const inner = depth + 1;
    if (inner > limit) return limit + 1;
    if (inner > deepest) deepest = inner;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') pending.push([child, inner]);
    }
  }
  return deepest;
}

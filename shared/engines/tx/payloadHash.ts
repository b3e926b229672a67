import { createHash } from 'node:crypto';

/** Output text queued between values (brackets, commas, `"key":`), told apart from string values. */
class Token {
  constructor(readonly text: string) {}
}
const COMMA = new Token(',');
const CLOSE_ARRAY = new Token(']');
const CLOSE_OBJECT = new Token('}');

const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * JSON with object keys sorted, so equal requests hash equally whatever their key order. Walks with
 * an explicit stack, not recursion, so no input shape can overflow the call stack; the text is the
 * same as the recursive form's, so hashes stored before stay comparable.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (item instanceof Token) {
      parts.push(item.text);
    } else if (Array.isArray(item)) {
      parts.push('[');
      pending.push(CLOSE_ARRAY);
      for (let i = item.length - 1; i >= 0; i -= 1) {
        pending.push(item[i]);
        if (i > 0) pending.push(COMMA);
      }
    } else if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(byKey);
      parts.push('{');
      pending.push(CLOSE_OBJECT);
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, child] = entries[i]!;
        pending.push(child, new Token(`${JSON.stringify(key)}:`));
        if (i > 0) pending.push(COMMA);
      }
    } else {
      // undefined (only reachable inside arrays, which JSON never produces) renders as '' like before.
      parts.push(JSON.stringify(item) ?? '');
    }
  }
  return parts.join('');
}

/** Hex SHA-256 of the canonical JSON of a prepare request: detects a businessKey reused for a different request. */
export function payloadHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request), 'utf8').digest('hex');
}

import { describe, expect, it } from 'vitest';
import { jsonDepth } from '../../../../shared/engines/json/jsonDepth';
import { canonicalJson, payloadHash } from '../../../../shared/engines/tx/payloadHash';

/** The recursive form hashes were stored with: the iterative one must render the same text. */
function recursiveCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recursiveCanonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${recursiveCanonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('Function: canonicalJson', () => {
  const samples: unknown[] = [
    null,
    0,
    -1.5e-7,
    'x"\\\u0000\uFFFF\uD800',
    [],
    {},
    [1, [2, [3, {}]], 'a'],
    { b: 1, a: { d: [true, false, null], c: 'é' }, u: undefined, '': 0, 'k"': [[]] },
    {
      topic: 'TXC_FUND_TRADE',
      tag: 'DISCOUNT_PURCHASE',
      payload: { orderId: 'o-1', amount: '1000.00' },
      keys: undefined,
      checkback: undefined,
    },
  ];
  it.each(samples)('renders %j exactly like the recursive form', (value) => {
    expect(canonicalJson(value)).toBe(recursiveCanonicalJson(value));
  });

  it('keeps a stored hash stable, whatever the key order', () => {
    expect(payloadHash({ topic: 'T', tag: 'G', payload: { b: [1, 2], a: 'x' } })).toBe(
      'd92e256acd6d8288191b8611508c863c71b0c2f6c22f1901ab4b680450431ea6',
    );
    expect(payloadHash({ payload: { a: 'x', b: [1, 2] }, tag: 'G', topic: 'T' })).toBe(
      'd92e256acd6d8288191b8611508c863c71b0c2f6c22f1901ab4b680450431ea6',
    );
  });

  it('walks a value nested 100 000 deep without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) deep = i % 2 ? [deep] : { k: deep };
    expect(() => recursiveCanonicalJson(deep)).toThrow(RangeError);
    // 50 000 × `{"k":…}` (6 characters) + 50 000 × `[…]` (2) around the `1`.
    expect(canonicalJson(deep)).toHaveLength(400_001);
  });
});

describe('Function: jsonDepth', () => {
  it('counts nesting, stops past the limit, and never recurses', () => {
    expect(jsonDepth('x', 4)).toBe(0);
    expect(jsonDepth([], 4)).toBe(1);
    expect(jsonDepth({ a: [1, { b: [] }] }, 4)).toBe(4);
    expect(jsonDepth({ a: [1, { b: [[]] }] }, 4)).toBe(5);
    expect(jsonDepth(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 32)).toBe(33);
  });
});

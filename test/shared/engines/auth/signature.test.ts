import { describe, expect, it } from 'vitest';
import { type AuthError, businessSystemsSchema, SIGNATURE_WINDOW_MS, signRequest, verifyRequest } from '../../../../shared/engines/auth';

const secret = 'fund-trading-secret-0123456789abcdef';
const secretOf = (id: string) => (id === 'fund-trading' ? secret : undefined);
const parts = { method: 'POST', path: '/v1/transactions', timestamp: 1_700_000_000_000, body: '{"a":1}' };
const signed = (overrides: Partial<typeof parts> = {}) => ({
  ...parts,
  ...overrides,
  headers: signRequest('fund-trading', secret, { ...parts, ...overrides }),
});
const reasonOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as AuthError).reason;
  }
  return 'accepted';
};

describe('Function: verifyRequest', () => {
  it('accepts a request signed with the system secret, within the window either side', () => {
    expect(verifyRequest(signed(), secretOf, parts.timestamp)).toBe('fund-trading');
    expect(verifyRequest(signed(), secretOf, parts.timestamp + SIGNATURE_WINDOW_MS)).toBe('fund-trading');
    expect(verifyRequest(signed(), secretOf, parts.timestamp - SIGNATURE_WINDOW_MS)).toBe('fund-trading');
  });
  it.each([
    ['stale-timestamp', () => verifyRequest(signed(), secretOf, parts.timestamp + SIGNATURE_WINDOW_MS + 1)],
    ['bad-signature', () => verifyRequest({ ...signed(), body: '{"a":2}' }, secretOf, parts.timestamp)],
    ['bad-signature', () => verifyRequest({ ...signed(), method: 'GET' }, secretOf, parts.timestamp)],
    ['bad-signature', () => verifyRequest({ ...signed(), path: '/v1/transactions/x/commit' }, secretOf, parts.timestamp)],
    [
      'bad-signature',
      () => verifyRequest({ ...signed(), headers: { ...signed().headers, 'x-txc-signature': 'ab' } }, secretOf, parts.timestamp),
    ],
    [
      'bad-timestamp',
      () => verifyRequest({ ...signed(), headers: { ...signed().headers, 'x-txc-timestamp': '12e3' } }, secretOf, parts.timestamp),
    ],
    [
      'unknown-system',
      () => verifyRequest({ ...signed(), headers: { ...signed().headers, 'x-txc-system': 'other' } }, secretOf, parts.timestamp),
    ],
    ['missing-headers', () => verifyRequest({ ...signed(), headers: {} }, secretOf, parts.timestamp)],
  ])('refuses with reason %s', (reason, run) => {
    expect(reasonOf(run)).toBe(reason);
    expect(run).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});

describe('Schema: businessSystemsSchema (TXC_SYSTEMS)', () => {
  it('parses a JSON array and refuses short secrets, duplicates and non-JSON without echoing secrets', () => {
    const ok = businessSystemsSchema.parse(JSON.stringify([{ id: 'fund-trading', secret, checkbackUrl: 'http://t/cb' }]));
    expect(ok[0]!.id).toBe('fund-trading');
    expect(businessSystemsSchema.safeParse('not json').success).toBe(false);
    const short = businessSystemsSchema.safeParse(JSON.stringify([{ id: 'a', secret: 'tiny-secret', checkbackUrl: 'http://t/cb' }]));
    expect(short.success).toBe(false);
    expect(JSON.stringify(short.error?.issues)).not.toContain('tiny-secret');
    const dup = JSON.stringify([1, 2].map(() => ({ id: 'a', secret, checkbackUrl: 'http://t/cb' })));
    expect(businessSystemsSchema.safeParse(dup).success).toBe(false);
  });
});

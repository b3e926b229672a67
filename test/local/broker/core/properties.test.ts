import { describe, expect, it } from 'vitest';
import { decodeProperties, encodeProperties, integerProperty } from '../../../../local/broker/core/properties';
import { decodeReceiptHandle, encodeReceiptHandle } from '../../../../local/broker/core/receiptHandle';

describe('properties', () => {
  it('decodes like every SDK: skips empty and malformed segments, accepts a trailing bar', () => {
    expect([...decodeProperties('a:1|KEYS:k|')]).toEqual([
      ['a', '1'],
      ['KEYS', 'k'],
    ]);
    expect([...decodeProperties('bad|x:y:z|:v|k:|ok:1||')]).toEqual([['ok', '1']]);
    expect(encodeProperties(decodeProperties('a:1|b:2|'))).toBe('a:1|b:2');
    expect(encodeProperties(new Map())).toBe('');
  });

  it('refuses more than 16 KB of properties and non-numeric reserved times', () => {
    expect(() => decodeProperties(`k:${'v'.repeat(16 * 1024)}`)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(integerProperty(new Map([['__STARTDELIVERTIME', '1735689600000']]), '__STARTDELIVERTIME')).toBe(1735689600000);
    expect(() => integerProperty(new Map([['__TransCheckT', '-5']]), '__TransCheckT')).toThrow(/__TransCheckT/);
  });
});

describe('receipt handles', () => {
  const handle = {
    kind: 'c' as const,
    messageId: '0123456789ABCDEF0123456789ABCDEF',
    seq: 42,
    count: 3,
    validUntil: 1735689900000,
    token: '0123456789abcdef',
  };

  it('round-trips and looks like the documented sample (message id, dash, base64)', () => {
    const text = encodeReceiptHandle(handle);
    expect(text).toMatch(/^0123456789ABCDEF0123456789ABCDEF-[A-Za-z0-9_-]+$/);
    expect(decodeReceiptHandle(text)).toEqual(handle);
  });

  it('rejects anything it could not have issued', () => {
    const text = encodeReceiptHandle(handle);
    for (const bad of [
      '',
      'adfadfadfadf',
      text.slice(0, -2),
      `${text}x`,
      text.replace('-', '+'),
      `${'0'.repeat(32)}-${Buffer.from('c.1.1.1.zz').toString('base64url')}`,
    ]) {
      expect(decodeReceiptHandle(bad)).toBeUndefined();
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMessageJson } from '../../shared/engines/events/envelope';
import { jsonDepth } from '../../shared/engines/json/jsonDepth';
import { hostileJson, nastyString, NOT_XML_TEXT, propertyParameters } from './properties';

describe('Hostile input: JSON message bodies (generated)', () => {
  it('are valid XML text without "]]>" and decode to exactly the value encoded', () => {
    const value = fc.oneof(
      hostileJson.filter((v) => jsonDepth(v, 64) <= 64),
      fc.dictionary(nastyString(10), nastyString(60)),
    );
    fc.assert(
      fc.property(value, (input) => {
        const body = encodeMessageJson(input);
        expect(body).not.toMatch(NOT_XML_TEXT);
        expect(body).not.toContain(']]>');
        expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(input)));
      }),
      propertyParameters('JSON message bodies', 500),
    );
  });
});

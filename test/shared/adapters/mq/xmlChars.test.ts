import { describe, expect, it } from 'vitest';
import { NOT_XML_CHAR, isXmlChar } from '../../../../shared/adapters/mq/xmlChars';
import { encodeMessageJson } from '../../../../shared/engines/events/envelope';

describe('XML 1.0 characters', () => {
  it('the pattern and the code-point test agree on every BMP code point and the astral edges', () => {
    const disagreements: number[] = [];
    for (let code = 0; code <= 0xffff; code += 1) {
      if (NOT_XML_CHAR.test(String.fromCharCode(code)) === isXmlChar(code)) disagreements.push(code);
    }
    expect(disagreements).toEqual([]);
    for (const code of [0x10000, 0x1f600, 0x10ffff]) expect(NOT_XML_CHAR.test(String.fromCodePoint(code))).toBe(false);
    expect([0x0, 0x8, 0xb, 0x1f, 0xd800, 0xdfff, 0xfffe, 0xffff].filter(isXmlChar)).toEqual([]);
  });

  it('a message body escapes exactly what XML forbids, plus ">", and stays the same JSON value', () => {
    const value = { text: 'a\uFFFE\uFFFFb>]]>😀\u0001\uD800' };
    const body = encodeMessageJson(value);
    expect(NOT_XML_CHAR.test(body)).toBe(false);
    expect(body).not.toContain('>');
    expect(JSON.parse(body)).toEqual(value);
  });
});

/**
 * XML 1.0 `Char` (https://www.w3.org/TR/xml/#charsets): tab, LF, CR and U+0020–U+10FFFF without the
 * surrogates, U+FFFE and U+FFFF. The MQ HTTP protocol is XML, so message bodies, keys and properties
 * may hold only these: the client refuses, the broker rejects, and the envelope escapes the rest.
 */
export const XML_CHAR_CLASS = '\\t\\n\\r\\x20-\\uD7FF\\uE000-\\uFFFD\\u{10000}-\\u{10FFFF}';

/** Matches one character XML 1.0 does not allow (including a lone surrogate). */
export const NOT_XML_CHAR = new RegExp(`[^${XML_CHAR_CLASS}]`, 'u');

/** True for a code point XML 1.0 allows (e.g. for `&#…;` character references). */
export function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

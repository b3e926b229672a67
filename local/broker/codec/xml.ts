import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { XML_ERROR_NAMESPACE, XML_NAMESPACE } from '../constants';
import type { HandleFailure, MqErrorCode } from '../errors';
import { MqInvalidRequestError, invalidArgument } from '../errors';
import { NOT_XML_CHAR, isXmlChar } from '../../../shared/adapters/mq/xmlChars';
import type { DeliveredMessage } from '../core/types';

/**
 * XML in and out (mq-http-protocol.md §3). Input is parsed with fast-xml-parser, namespaces and element
 * order ignored, CDATA and entity-escaped text both accepted. Output is hand-built for the few fixed
 * response shapes, entity-escaped (no CDATA: the PHP SDK reads only text nodes). Pure functions.
 */

/**
 * Shape bounds checked by one linear scan before the validator and parser, whose cost grows faster
 * than the input on deep or element-heavy documents (a 7 MB document nested a million deep takes the
 * validator ~10 s). Protocol documents are 2 levels deep with at most 17 elements.
 */
const MAX_DEPTH = 8;
const MAX_ELEMENTS = 64;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  // Also decodes character references (&#x4E2D;). HTML's named entities (&nbsp; …) are undeclared in
  // XML and never reach the parser: checkReferences refuses them first.
  htmlEntities: true,
  maxNestedTags: MAX_DEPTH,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: () => true,
});

/** CDATA, comments and processing instructions (the declaration too): where `<` and `&` are literal text. */
const LITERAL_SECTIONS = [
  ['<![CDATA[', ']]>'],
  ['<!--', '-->'],
  ['<?', '?>'],
] as const;
/** References XML defines without a DTD: the five named entities and character references. */
const DEFINED_REFERENCE = /&(?:lt|gt|amp|apos|quot|#[0-9]+|#x[0-9a-fA-F]+);/g;

function malformed(detail: string): MqInvalidRequestError {
  return new MqInvalidRequestError('MalformedXML', `The XML you provided was not well-formed: ${detail}.`);
}

type Element = Record<string, unknown[]>;

/**
 * The document without its literal sections, in linear time (a lazy regex would rescan the rest of
 * the document from every unterminated `<![CDATA[`). An unterminated section is malformed.
 */
function markupOf(xml: string): string {
  const next: number[] = LITERAL_SECTIONS.map(([open]) => xml.indexOf(open));
  let markup = '';
  let from = 0;
  for (;;) {
    let kind = -1;
    for (let k = 0; k < LITERAL_SECTIONS.length; k += 1) {
      if (next[k]! >= 0 && next[k]! < from) next[k] = xml.indexOf(LITERAL_SECTIONS[k]![0], from);
      if (next[k]! >= 0 && (kind < 0 || next[k]! < next[kind]!)) kind = k;
    }
    if (kind < 0) return markup + xml.slice(from);
    const [open, close] = LITERAL_SECTIONS[kind]!;
    const start = next[kind]!;
    const end = xml.indexOf(close, start + open.length);
    if (end < 0) throw malformed(`'${open}' is not closed by '${close}'`);
    markup += xml.slice(from, start);
    from = end + close.length;
  }
}

/**
 * Counts elements and nesting depth of markup (literal sections removed) in one pass, refusing
 * documents beyond {@link MAX_DEPTH} / {@link MAX_ELEMENTS}. A `>` inside an attribute value can
 * make the count approximate; the parser's own depth limit still holds then.
 */
function checkShape(markup: string): void {
  let depth = 0;
  let elements = 0;
  for (let i = markup.indexOf('<'); i >= 0; i = markup.indexOf('<', i + 1)) {
    const next = markup.charCodeAt(i + 1);
    if (next === 0x2f /* '/' */) {
      depth -= 1;
      continue;
    }
    if (next === 0x21 /* '!' */ || next === 0x3f /* '?' */) continue;
    elements += 1;
    if (elements > MAX_ELEMENTS) throw invalidArgument('the request', `has more than ${MAX_ELEMENTS} elements`);
    const end = markup.indexOf('>', i);
    if (end > 0 && markup.charCodeAt(end - 1) === 0x2f /* '/' */) continue;
    depth += 1;
    if (depth > MAX_DEPTH) throw malformed(`elements nest deeper than ${MAX_DEPTH} levels`);
  }
}

/** Every `&` must start a reference XML defines: there is no DTD, so any other entity is undeclared. */
function checkReferences(markup: string): void {
  if (markup.replace(DEFINED_REFERENCE, '').includes('&'))
    throw malformed("'&' must start &lt; &gt; &amp; &apos; &quot; or a character reference (entities are not declared)");
  if (markup.includes('&#')) checkCharacterReferences(markup);
}

/** Parses `xml` and returns the children of the expected root element, or throws MalformedXML/InvalidArgument. */
function parseRoot(xml: string, root: string): Element | '' {
  if (xml.includes('<!DOCTYPE') || xml.includes('<!ENTITY')) throw malformed('document type declarations are not accepted');
  const markup = markupOf(xml);
  checkShape(markup);
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) throw malformed(`${verdict.err.msg} (line ${verdict.err.line})`);
  // The validator lets a stray `]]>` outside CDATA through (e.g. a body containing `]]>` that the Node
  // SDK did not split); XML forbids it, and the real server refuses it.
  if (markup.includes(']]>')) throw malformed("']]>' outside a CDATA section");
  if (markup.includes('&')) checkReferences(markup);
  let document: Record<string, unknown[]>;
  try {
    document = parser.parse(xml) as Record<string, unknown[]>;
  } catch (error) {
    // Only limits remain once the validator has passed the document (e.g. nesting): still not acceptable XML.
    throw malformed((error as Error).message);
  }
  const names = Object.keys(document);
  if (names.length !== 1 || names[0] !== root)
    throw malformed(`expected the root element <${root}>, got ${names.length === 0 ? 'none' : names.map((n) => `<${n}>`).join(', ')}`);
  const elements = document[root] as unknown[];
  if (elements.length !== 1) throw malformed(`expected one <${root}> element`);
  const content = elements[0];
  if (content === '') return '';
  if (typeof content !== 'object' || content === null) throw invalidArgument(root, 'should contain elements, not text');
  return content as Element;
}

const CHARACTER_REFERENCE = /&#(x[0-9a-fA-F]{1,8}|[0-9]{1,10});/g;

function checkCharacterReferences(text: string): void {
  for (const match of text.matchAll(CHARACTER_REFERENCE)) {
    const digits = match[1] as string;
    const code = digits.startsWith('x') ? Number.parseInt(digits.slice(1), 16) : Number(digits);
    if (!isXmlChar(code)) throw malformed(`the character reference ${match[0]} is not an XML character`);
  }
}

function leaf(element: Element, name: string, parent: string): string | undefined {
  const values = element[name];
  if (values === undefined) return undefined;
  if (values.length !== 1) throw invalidArgument(name, `should appear once in <${parent}>, found ${values.length} times`);
  return text(values[0], name);
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalidArgument(name, 'should be text, not nested elements');
  if (NOT_XML_CHAR.test(value)) throw invalidArgument(name, 'contains characters XML 1.0 does not allow');
  return value;
}

function rejectUnknown(element: Element, allowed: readonly string[], parent: string): void {
  for (const name of Object.keys(element)) {
    if (!allowed.includes(name)) throw invalidArgument(`<${parent}>`, `contains the unknown element <${name.slice(0, 64)}>`);
  }
}

/** A publish request (§3.1). */
export interface PublishRequest {
  readonly body: string;
  readonly tag: string | undefined;
  readonly properties: string | undefined;
}

const MESSAGE_ELEMENTS = ['MessageBody', 'MessageTag', 'Properties'] as const;

/**
 * The exact shape the Node SDK sends (declaration, namespace, every leaf in CDATA, fixed order). Matching
 * it directly avoids a general parse on the hot path; anything else takes the full parser. A CDATA
 * section cannot contain `]]>`, so a capture holding one means the document is not this shape.
 */
const NODE_SDK_MESSAGE =
  /^<\?xml version="1\.0" encoding="UTF-8"\?><Message xmlns="[^"<>&]*"><MessageBody><!\[CDATA\[([\s\S]*)\]\]><\/MessageBody>(?:<MessageTag><!\[CDATA\[([^\]<>]*)\]\]><\/MessageTag>)?(?:<Properties><!\[CDATA\[([^\]<>]*)\]\]><\/Properties>)?<\/Message>$/;

function fastPublishRequest(xml: string): PublishRequest | undefined {
  const match = NODE_SDK_MESSAGE.exec(xml);
  if (!match) return undefined;
  const body = match[1] as string;
  if (body.includes(']]>')) return undefined;
  const tag = match[2];
  const properties = match[3];
  return {
    body: text(body, 'MessageBody'),
    tag: tag === undefined || tag === '' ? undefined : text(tag, 'MessageTag'),
    properties: properties === undefined || properties === '' ? undefined : text(properties, 'Properties'),
  };
}

export function parsePublishRequest(xml: string): PublishRequest {
  const fast = fastPublishRequest(xml);
  if (fast !== undefined) return fast;
  const message = parseRoot(xml, 'Message');
  if (message === '') throw invalidArgument('MessageBody', 'is required');
  rejectUnknown(message, MESSAGE_ELEMENTS, 'Message');
  const body = leaf(message, 'MessageBody', 'Message');
  if (body === undefined) throw invalidArgument('MessageBody', 'is required');
  const tag = leaf(message, 'MessageTag', 'Message');
  const properties = leaf(message, 'Properties', 'Message');
  return { body, tag: tag === '' ? undefined : tag, properties: properties === '' ? undefined : properties };
}

/** The Node SDK's exact `<ReceiptHandles>` shape (see NODE_SDK_MESSAGE). */
const NODE_SDK_HANDLES =
  /^<\?xml version="1\.0" encoding="UTF-8"\?><ReceiptHandles xmlns="[^"<>&]*">((?:<ReceiptHandle><!\[CDATA\[[^\]<>]*\]\]><\/ReceiptHandle>)*)<\/ReceiptHandles>$/;
const NODE_SDK_HANDLE = /<ReceiptHandle><!\[CDATA\[([^\]<>]*)\]\]><\/ReceiptHandle>/g;

/** An ack/commit/rollback request (§3.4): the list of handles, possibly empty. */
export function parseReceiptHandles(xml: string): string[] {
  const fast = NODE_SDK_HANDLES.exec(xml);
  if (fast) return Array.from((fast[1] as string).matchAll(NODE_SDK_HANDLE), (m) => text(m[1] as string, 'ReceiptHandle'));
  const root = parseRoot(xml, 'ReceiptHandles');
  if (root === '') return [];
  rejectUnknown(root, ['ReceiptHandle'], 'ReceiptHandles');
  return (root.ReceiptHandle ?? []).map((value) => text(value, 'ReceiptHandle'));
}

const ESCAPE_NEEDED = /[&<>"'\r]/;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/** Entity-escapes text; `\r` too, because XML parsers would otherwise normalise it away. */
export function escapeXml(value: string): string {
  return ESCAPE_NEEDED.test(value) ? value.replace(/[&<>"'\r]/g, (c) => ESCAPES[c] as string) : value;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export function renderPublishResult(messageId: string, bodyMd5: string, receiptHandle?: string): string {
  const handle = receiptHandle === undefined ? '' : `<ReceiptHandle>${escapeXml(receiptHandle)}</ReceiptHandle>`;
  return `${DECLARATION}<Message xmlns="${XML_NAMESPACE}"><MessageId>${messageId}</MessageId><MessageBodyMD5>${bodyMd5}</MessageBodyMD5>${handle}</Message>`;
}

/** One delivered message, in the field order of §3.3. */
export function renderMessages(messages: readonly DeliveredMessage[]): string {
  let xml = `${DECLARATION}<Messages xmlns="${XML_NAMESPACE}">`;
  for (const m of messages) {
    xml +=
      `<Message><MessageId>${m.messageId}</MessageId><ReceiptHandle>${escapeXml(m.receiptHandle)}</ReceiptHandle>` +
      `<MessageBodyMD5>${m.bodyMd5}</MessageBodyMD5><MessageBody>${escapeXml(m.body)}</MessageBody>` +
      `<PublishTime>${m.publishTime}</PublishTime><FirstConsumeTime>${m.firstConsumeTime}</FirstConsumeTime>` +
      `<NextConsumeTime>${m.nextConsumeTime}</NextConsumeTime><ConsumedTimes>${m.consumedTimes}</ConsumedTimes>` +
      (m.tag === undefined ? '' : `<MessageTag>${escapeXml(m.tag)}</MessageTag>`) +
      (m.properties === '' ? '' : `<Properties>${escapeXml(m.properties)}</Properties>`) +
      '</Message>';
  }
  return `${xml}</Messages>`;
}

/** The 404 body of an ack/commit/rollback with failed handles (§3.5); only the failed ones are listed. */
export function renderHandleErrors(failures: readonly HandleFailure[]): string {
  let xml = `${DECLARATION}<Errors xmlns="${XML_NAMESPACE}">`;
  for (const f of failures) {
    xml += `<Error><ErrorCode>${f.code}</ErrorCode><ErrorMessage>${escapeXml(f.message)}</ErrorMessage><ReceiptHandle>${escapeXml(f.handle)}</ReceiptHandle></Error>`;
  }
  return `${xml}</Errors>`;
}

/** The error document of §3.6: all four children are always present (the SDKs crash otherwise). */
export function renderError(code: MqErrorCode, message: string, requestId: string, hostId: string): string {
  return (
    `${DECLARATION}<Error xmlns="${XML_ERROR_NAMESPACE}"><Code>${code}</Code><Message>${escapeXml(message)}</Message>` +
    `<RequestId>${requestId}</RequestId><HostId>${escapeXml(hostId)}</HostId></Error>`
  );
}

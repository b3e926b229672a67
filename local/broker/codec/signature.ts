import { createHash, createHmac, hash, timingSafeEqual } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { MAX_DATE_SKEW_MS } from '../constants';
import { MqAuthError } from '../errors';

/**
 * The MQ HTTP request signature (mq-http-protocol.md §2): HMAC-SHA1 over a fixed string, plus the
 * SDK's non-standard Content-MD5 (base64 of the lowercase *hex* digest). Pure functions, no I/O.
 */

/** Header values as node:http gives them (lowercase names). */
export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/** The SDK's Content-MD5: base64 of the 32-char lowercase hex MD5 of the body. */
export function contentMd5(body: Buffer | string): string {
  return Buffer.from(hash('md5', body, 'hex'), 'latin1').toString('base64');
}

/** RFC 1864 form (base64 of the raw 16 bytes), accepted too because other clients may send it. */
function rfc1864Md5(body: Buffer | string): string {
  return createHash('md5').update(body).digest('base64');
}

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `x-mq-*` headers, names lowercased and sorted, each `name:value\n`. */
export function canonicalizedMqHeaders(headers: HeaderBag): string {
  // A plain loop: every request runs this, and the SDK sends exactly one such header (x-mq-version).
  let names: string[] | undefined;
  for (const name in headers) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-mq-')) (names ??= []).push(name);
  }
  if (names === undefined) return '';
  if (names.length === 1) {
    const name = names[0] as string;
    return `${name.toLowerCase()}:${header(headers, name) ?? ''}\n`;
  }
  return names
    .map((name) => [name.toLowerCase(), header(headers, name) ?? ''] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
}

export interface StringToSignInput {
  readonly method: string;
  readonly contentMd5: string;
  readonly contentType: string;
  readonly date: string;
  readonly canonicalizedHeaders: string;
  readonly resource: string;
}

export function stringToSign(input: StringToSignInput): string {
  return `${input.method}\n${input.contentMd5}\n${input.contentType}\n${input.date}\n${input.canonicalizedHeaders}${input.resource}`;
}

/** Base64 HMAC-SHA1 of `text` keyed by the secret: the value after `MQ <id>:`. */
export function signature(secret: string, text: string): string {
  return createHmac('sha1', secret).update(text, 'utf8').digest('base64');
}

const SHA1_BLOCK_BYTES = 64;
const keyedStates = new Map<string, { inner: Hash; outer: Hash }>();

/**
 * The raw HMAC-SHA1 digest, faster for a secret used again and again: HMAC's keyed inner and outer
 * SHA-1 states are computed once per secret (RFC 2104) and copied per request.
 */
function cachedDigest(secret: string, text: string): Buffer {
  let states = keyedStates.get(secret);
  if (states === undefined) {
    let key = Buffer.from(secret, 'utf8');
    if (key.length > SHA1_BLOCK_BYTES) key = createHash('sha1').update(key).digest();
    const block = Buffer.alloc(SHA1_BLOCK_BYTES);
    key.copy(block);
    const pad = (byte: number): Buffer => Buffer.from(block.map((b) => b ^ byte));
    states = { inner: createHash('sha1').update(pad(0x36)), outer: createHash('sha1').update(pad(0x5c)) };
    keyedStates.set(secret, states);
  }
  const innerDigest = states.inner.copy().update(text, 'utf8').digest();
  return states.outer.copy().update(innerDigest).digest();
}

const AUTHORIZATION = /^MQ ([^:\s]+):(\S+)$/;
const LEADING_SLASHES = /^\/{2,}/;

/** The SDK's Date has one-second resolution, so consecutive requests mostly repeat the last one. */
let lastDate = { text: '', ms: Number.NaN };

function parseDate(text: string): number {
  if (text !== lastDate.text) lastDate = { text, ms: Date.parse(text) };
  return lastDate.ms;
}

export interface SignedRequest {
  readonly method: string;
  /** The raw request-target (path + query) exactly as received. */
  readonly target: string;
  readonly headers: HeaderBag;
  readonly body: Buffer;
}

/** Looks up the secret of an access key id; undefined when the id is unknown. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

/** Base64 of a SHA-1 digest: 28 characters ending in one '='. */
const BASE64_SHA1 = /^[A-Za-z0-9+/]{27}=$/;

/** The signature's digest bytes, or undefined when it cannot be a base64 SHA-1 digest. */
function givenDigest(text: string): Buffer | undefined {
  return BASE64_SHA1.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/**
 * Verifies a request in the order of §2.3 and returns the caller's access key id, or throws a
 * `MqAuthError` naming the failed check. The resource is tried as sent and, for endpoints configured
 * with a trailing slash (`//topics/...`), with leading slashes collapsed (§1.1).
 */
export function verifyRequest(request: SignedRequest, secretOf: SecretLookup, nowMs: number): string {
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined) throw new MqAuthError('MissingAuthorizationHeader');
  const match = AUTHORIZATION.exec(authorization);
  if (!match)
    throw new MqAuthError(
      'InvalidAuthorizationHeader',
      `The Authorization header '${authorization.slice(0, 64)}' is not 'MQ <AccessKeyId>:<Signature>'.`,
    );
  const accessKeyId = match[1] as string;
  const given = match[2] as string;
  const secret = secretOf(accessKeyId);
  if (secret === undefined) throw new MqAuthError('InvalidAccessKeyId');

  const date = header(request.headers, 'date');
  if (date === undefined) throw new MqAuthError('MissingDateHeader');
  const dateMs = parseDate(date);
  if (Number.isNaN(dateMs)) throw new MqAuthError('InvalidDateHeader', `The Date header '${date.slice(0, 64)}' is not an RFC 1123 date.`);
  if (Math.abs(nowMs - dateMs) > MAX_DATE_SKEW_MS) throw new MqAuthError('TimeExpired');

  const md5 = header(request.headers, 'content-md5') ?? '';
  // One string per request: the resource is the last line, so only it differs between the candidates.
  const prefix = `${request.method}\n${md5}\n${header(request.headers, 'content-type') ?? ''}\n${date}\n${canonicalizedMqHeaders(request.headers)}`;
  const expected = givenDigest(given);
  const matches = (resource: string): boolean =>
    expected !== undefined && timingSafeEqual(cachedDigest(secret, prefix + resource), expected);
  const collapsed = request.target.replace(LEADING_SLASHES, '/');
  if (!matches(request.target) && (collapsed === request.target || !matches(collapsed))) {
    throw new MqAuthError('SignatureDoesNotMatch');
  }
  if (md5 !== '' && md5 !== contentMd5(request.body) && md5 !== rfc1864Md5(request.body)) {
    throw new MqAuthError('InvalidDigest');
  }
  return accessKeyId;
}

import { MAX_PROPERTIES_BYTES } from '../constants';
import { invalidArgument } from '../errors';

/**
 * Message properties on the wire: `key1:value1|key2:value2` (mq-http-protocol.md §4.4). Node joins with
 * `|`, Go/Java/Python add a trailing `|`. Decoding follows every SDK: skip empty segments, keep only
 * segments with exactly two non-empty parts.
 */

/** Reserved property keys with protocol meaning. */
export const RESERVED_PROPERTIES = {
  messageKey: 'KEYS',
  startDeliverTime: '__STARTDELIVERTIME',
  transCheckImmunity: '__TransCheckT',
  shardingKey: '__SHARDINGKEY',
} as const;

export type Properties = ReadonlyMap<string, string>;

export function decodeProperties(wire: string): Map<string, string> {
  if (Buffer.byteLength(wire, 'utf8') > MAX_PROPERTIES_BYTES) {
    throw invalidArgument('Properties', `is ${Buffer.byteLength(wire, 'utf8')} bytes, above the limit of ${MAX_PROPERTIES_BYTES}`);
  }
  const properties = new Map<string, string>();
  for (const segment of wire.split('|')) {
    if (segment === '') continue;
    const parts = segment.split(':');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') continue;
    properties.set(parts[0] as string, parts[1] as string);
  }
  return properties;
}

/** Canonical form echoed on consume: `k:v|k:v`, no trailing bar; '' when there are none. */
export function encodeProperties(properties: Properties): string {
  let out = '';
  for (const [key, value] of properties) out += out === '' ? `${key}:${value}` : `|${key}:${value}`;
  return out;
}

const DIGITS = /^\d{1,16}$/;

/** Parses a reserved numeric property; an unparseable value is refused rather than ignored. */
export function integerProperty(properties: Properties, key: string): number | undefined {
  const raw = properties.get(key);
  if (raw === undefined) return undefined;
  if (!DIGITS.test(raw)) throw invalidArgument(key, `'${raw.slice(0, 32)}' should be a non-negative integer`);
  return Number(raw);
}

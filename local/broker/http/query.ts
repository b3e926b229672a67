import {
  MAX_INSTANCE_ID_LENGTH,
  MAX_MESSAGES_PER_CONSUME,
  MAX_NAME_LENGTH,
  MAX_REQUEST_TARGET_LENGTH,
  MAX_WAIT_SECONDS,
} from '../constants';
import { MqInvalidRequestError, invalidArgument } from '../errors';

/**
 * The request target of the single MQ resource `/topics/{topic}/messages?...` (mq-http-protocol.md §1.4):
 * parameter order is not significant, values are decoded with form semantics, unknown or repeated
 * parameters are refused. Pure.
 */

export interface ParsedTarget {
  readonly topic: string;
  readonly params: ReadonlyMap<string, string>;
}

const RESOURCE = /^\/+topics\/([^/?]+)\/messages$/;
const NAME = /^[A-Za-z0-9_-]+$/;
const ENCODED = /[%+]/;

function decode(value: string, what: string): string {
  if (!ENCODED.test(value)) return value; // the common case: plain names and numbers
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new MqInvalidRequestError('InvalidQueryString', `The ${what} '${value.slice(0, 64)}' is not valid percent-encoding.`);
  }
}

export function parseTarget(target: string): ParsedTarget {
  if (target.length > MAX_REQUEST_TARGET_LENGTH) {
    throw new MqInvalidRequestError(
      'InvalidRequestURL',
      `The request URL is ${target.length} characters, above the limit of ${MAX_REQUEST_TARGET_LENGTH}.`,
    );
  }
  const question = target.indexOf('?');
  const path = question < 0 ? target : target.slice(0, question);
  const match = RESOURCE.exec(path);
  if (!match) throw new MqInvalidRequestError('InvalidRequestURL', `The path '${path.slice(0, 128)}' is not /topics/{topic}/messages.`);
  const topic = decode(match[1] as string, 'topic');
  checkName('topic', topic, MAX_NAME_LENGTH);
  const params = new Map<string, string>();
  if (question >= 0) {
    for (const pair of target.slice(question + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decode(eq < 0 ? pair : pair.slice(0, eq), 'parameter name');
      const value = eq < 0 ? '' : decode(pair.slice(eq + 1), `value of ${name}`);
      if (params.has(name))
        throw new MqInvalidRequestError('InvalidQueryString', `The parameter '${name.slice(0, 64)}' appears more than once.`);
      params.set(name, value);
    }
  }
  return { topic, params };
}

export function checkName(field: string, value: string, max: number): void {
  if (value.length === 0 || value.length > max || !NAME.test(value)) {
    throw invalidArgument(field, `'${value.slice(0, max)}' should be 1-${max} letters, digits, '-' or '_'`);
  }
}

/** Refuses parameters the operation does not take. */
export function allowOnly(params: ReadonlyMap<string, string>, allowed: readonly string[], operation: string): void {
  for (const name of params.keys()) {
    if (!allowed.includes(name))
      throw new MqInvalidRequestError('InvalidQueryString', `The parameter '${name.slice(0, 64)}' is not valid for ${operation}.`);
  }
}

/** The instance id ('' when absent). */
export function instanceId(params: ReadonlyMap<string, string>): string {
  const ns = params.get('ns');
  if (ns === undefined || ns === '') return '';
  checkName('ns', ns, MAX_INSTANCE_ID_LENGTH);
  return ns;
}

export function consumerGroup(params: ReadonlyMap<string, string>): string {
  const group = params.get('consumer');
  if (group === undefined) throw invalidArgument('consumer', 'is required');
  checkName('consumer', group, MAX_NAME_LENGTH);
  return group;
}

function integerIn(params: ReadonlyMap<string, string>, name: string, low: number, high: number, fallback?: number): number {
  const raw = params.get(name);
  if (raw === undefined && fallback !== undefined) return fallback;
  const value = raw !== undefined && /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= low && value <= high)) throw invalidArgument(name, `should between ${low} and ${high}, got '${(raw ?? '').slice(0, 16)}'`);
  return value;
}

export function batchSize(params: ReadonlyMap<string, string>): number {
  return integerIn(params, 'numOfMessages', 1, MAX_MESSAGES_PER_CONSUME);
}

export function waitSeconds(params: ReadonlyMap<string, string>): number {
  return integerIn(params, 'waitseconds', 0, MAX_WAIT_SECONDS, 0);
}

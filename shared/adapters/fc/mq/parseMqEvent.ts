import * as z from '../../../zod';
import type { IncomingMessage } from '../../../engines/consumer/types';
import { MqEventError } from './errors';
import type { MqCloudEvent, RocketMq4SystemProperties, RocketMq5SystemProperties } from './types';
import { mqCloudEventSchema, rocketMq4SystemPropertiesSchema, rocketMq5SystemPropertiesSchema } from './types';

/** Reads one CloudEvent of a given instance generation into the neutral message. */
interface SystemPropertiesParser {
  matches(systemProperties: Record<string, unknown>): boolean;
  parse(event: MqCloudEvent): IncomingMessage;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function common(
  event: MqCloudEvent,
  messageId: string,
  tags: string | undefined,
  keys: string | undefined,
  publishTime: number,
): IncomingMessage {
  const properties = Object.fromEntries(Object.entries(event.data.userProperties).map(([name, value]) => [name, String(value)]));
  return {
    messageId,
    topic: event.data.topic,
    // RocketMQ KEYS may hold several keys separated by spaces; the first is ours (the transaction id).
    key: keys?.split(' ').find((k) => k !== '') || undefined,
    tag: tags || undefined,
    body: event.data.body === undefined || event.data.body === null ? '' : text(event.data.body),
    properties,
    publishTime,
  };
}

const timeOf = (event: MqCloudEvent): number => Date.parse(event.aliyunpublishtime ?? event.time ?? '') || 0;

/** 5.x carries `msgId` (and BORN_TIMESTAMP); checked first because it may also carry UNIQ_KEY. */
const rocketMq5: SystemPropertiesParser = {
  matches: (sp) => typeof sp.msgId === 'string',
  parse(event) {
    const sp: RocketMq5SystemProperties = rocketMq5SystemPropertiesSchema.parse(event.data.systemProperties);
    const born = Number(sp.BORN_TIMESTAMP);
    return common(event, sp.msgId, sp.TAGS, sp.KEYS, Number.isFinite(born) && born > 0 ? born : timeOf(event));
  },
};

/** 4.x: the message id is `UNIQ_KEY` (the doc's advice: de-duplicate on it). */
const rocketMq4: SystemPropertiesParser = {
  matches: (sp) => typeof sp.UNIQ_KEY === 'string',
  parse(event) {
    const sp: RocketMq4SystemProperties = rocketMq4SystemPropertiesSchema.parse(event.data.systemProperties);
    return common(event, sp.UNIQ_KEY, sp.TAGS, sp.KEYS, timeOf(event));
  },
};

const PARSERS: readonly SystemPropertiesParser[] = [rocketMq5, rocketMq4];

/** A refused element of a batch (no usable message id: it cannot even be dead-lettered). */
export interface RefusedEvent {
  readonly index: number;
  readonly reason: string;
}

/**
 * Parses the trigger payload (Buffer/string of JSON, or already-parsed JSON from local callers).
 * @throws MqEventError when the payload is not a JSON array.
 */
export function parseMqEvent(event: unknown): { messages: IncomingMessage[]; refused: RefusedEvent[] } {
  let json: unknown = event;
  if (Buffer.isBuffer(event) || typeof event === 'string') {
    try {
      json = JSON.parse(event.toString());
    } catch (error) {
      throw new MqEventError('RocketMQ trigger event is not JSON', { cause: error });
    }
  }
  if (!Array.isArray(json)) throw new MqEventError('RocketMQ trigger event is not a JSON array of CloudEvents');
  const messages: IncomingMessage[] = [];
  const refused: RefusedEvent[] = [];
  json.forEach((element, index) => {
    const parsed = mqCloudEventSchema.safeParse(element);
    if (!parsed.success) return void refused.push({ index, reason: z.prettifyError(parsed.error) });
    const parser = PARSERS.find((p) => p.matches(parsed.data.data.systemProperties));
    if (!parser) return void refused.push({ index, reason: 'systemProperties carry neither msgId (5.x) nor UNIQ_KEY (4.x)' });
    try {
      messages.push(parser.parse(parsed.data));
    } catch (error) {
      refused.push({ index, reason: (error as Error).message });
    }
  });
  return { messages, refused };
}

/** True for a RocketMQ trigger payload (a JSON array), false for an HTTP trigger event (an object). */
export function isMqTriggerEvent(event: unknown): boolean {
  if (Array.isArray(event)) return true;
  if (!Buffer.isBuffer(event) && typeof event !== 'string') return false;
  return event.toString('utf8', 0, Math.min(event.length, 64)).trimStart().startsWith('[');
}

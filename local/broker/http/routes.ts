import type { BrokerCore } from '../core/BrokerCore';
import { CONSUME_MODES, DECISIONS } from '../core/types';
import { MAX_TAG_LENGTH } from '../constants';
import { MqError, invalidArgument } from '../errors';
import type { HeaderBag, SecretLookup } from '../codec/signature';
import { verifyRequest } from '../codec/signature';
import {
  parsePublishRequest,
  parseReceiptHandles,
  renderError,
  renderHandleErrors,
  renderMessages,
  renderPublishResult,
} from '../codec/xml';
import { allowOnly, batchSize, consumerGroup, instanceId, parseTarget, waitSeconds } from './query';

/** A request as the routes see it: no sockets, the body already read. */
export interface MqRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: HeaderBag;
  readonly body: Buffer;
  readonly signal: AbortSignal;
}

export interface MqResponse {
  readonly status: number;
  /** XML text, or undefined for 204. */
  readonly xml?: string;
}

export interface RouteContext {
  readonly core: BrokerCore;
  readonly secretOf: SecretLookup;
  readonly now: () => number;
}

/**
 * Maps one MQ HTTP request to a core operation and renders the answer (mq-http-protocol.md §1.4).
 * Operation = method + `trans`: POST publish; GET consume / `order` / `pop`; DELETE ack / `commit` / `rollback`.
 */
export async function handleMq(request: MqRequest, context: RouteContext): Promise<MqResponse> {
  verifyRequest(request, context.secretOf, context.now());
  const { topic, params } = parseTarget(request.target);
  const core = context.core;
  switch (request.method) {
    case 'POST': {
      allowOnly(params, ['ns'], 'publish');
      const message = parsePublishRequest(request.body.toString('utf8'));
      const result = await core.publish({
        ns: instanceId(params),
        topic,
        body: message.body,
        tag: message.tag,
        properties: message.properties,
      });
      return { status: 201, xml: renderPublishResult(result.messageId, result.bodyMd5, result.receiptHandle) };
    }
    case 'GET': {
      allowOnly(params, ['consumer', 'ns', 'tag', 'numOfMessages', 'waitseconds', 'trans'], 'consume');
      const trans = params.get('trans');
      if (trans !== undefined && trans !== 'order' && trans !== 'pop')
        throw invalidArgument('trans', `'${trans.slice(0, 16)}' should be 'order' or 'pop' when consuming`);
      const tag = params.get('tag');
      if (tag !== undefined && tag.length > MAX_TAG_LENGTH * 16) throw invalidArgument('tag', 'is too long');
      const mode = trans === 'order' ? CONSUME_MODES.order : trans === 'pop' ? CONSUME_MODES.half : CONSUME_MODES.normal;
      const messages = await core.consume({
        ns: instanceId(params),
        topic,
        group: consumerGroup(params),
        tag,
        max: batchSize(params),
        waitSeconds: waitSeconds(params),
        mode,
        signal: request.signal,
      });
      return { status: 200, xml: renderMessages(messages) };
    }
    case 'DELETE': {
      allowOnly(params, ['consumer', 'ns', 'trans'], 'ack');
      const trans = params.get('trans');
      if (trans !== undefined && trans !== 'commit' && trans !== 'rollback')
        throw invalidArgument('trans', `'${trans.slice(0, 16)}' should be 'commit' or 'rollback' when deleting`);
      const input = {
        ns: instanceId(params),
        topic,
        group: consumerGroup(params),
        handles: parseReceiptHandles(request.body.toString('utf8')),
      };
      const failures =
        trans === undefined ? await core.ack(input) : await core.decide(input, trans === 'commit' ? DECISIONS.commit : DECISIONS.rollback);
      return failures.length === 0 ? { status: 204 } : { status: 404, xml: renderHandleErrors(failures) };
    }
    default:
      throw new MqError('InvalidRequestURL', `The method ${request.method.slice(0, 16)} is not supported on /topics/{topic}/messages.`);
  }
}

/** The error document for any failure; non-protocol failures become a 500 `InternalError`. */
export function errorResponse(error: unknown, requestId: string, hostId: string): MqResponse {
  if (error instanceof MqError) return { status: error.status, xml: renderError(error.code, error.message, requestId, hostId) };
  return { status: 500, xml: renderError('InternalError', 'Interal error.', requestId, hostId) };
}

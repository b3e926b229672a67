import { TxcError } from '../../shared/errors';

/**
 * The MQ HTTP protocol's error codes (mq-http-protocol.md §5) with their HTTP status and the default
 * human message. This table is the single place where a wire `ErrorCode` meets a status and a class.
 */
export const MQ_ERROR_CODES = {
  MessageNotExist: { status: 404, message: 'Message not exist.' },
  ReceiptHandleError: { status: 400, message: 'The receipt handle you provide is not valid.' },
  MissingReceiptHandle: { status: 400, message: 'ReceiptHandle is required.' },
  TopicNotExist: { status: 404, message: 'The topic you provided does not exist.' },
  SubscriptionNotExist: { status: 404, message: 'The consumer group you provided does not exist.' },
  InvalidArgument: { status: 400, message: 'Invalid argument.' },
  MalformedXML: { status: 400, message: 'The XML you provided was not well-formed.' },
  InvalidDigest: { status: 400, message: 'The Content-MD5 you specified was invalid.' },
  InvalidRequestURL: { status: 400, message: 'The request URL is invalid.' },
  InvalidQueryString: { status: 400, message: 'The query string is invalid.' },
  MissingAuthorizationHeader: { status: 400, message: 'Authorization header is required.' },
  InvalidAuthorizationHeader: { status: 400, message: 'The Authorization header is invalid.' },
  MissingDateHeader: { status: 400, message: 'Date header is required.' },
  InvalidDateHeader: { status: 400, message: 'The Date header is invalid.' },
  InvalidAccessKeyId: { status: 403, message: 'The AccessKeyId you provided does not exist.' },
  SignatureDoesNotMatch: { status: 403, message: 'The request signature we calculated does not match the signature you provided.' },
  TimeExpired: { status: 408, message: 'The Date header is more than 15 minutes away from the server time.' },
  InternalError: { status: 500, message: 'Interal error.' },
} as const;

export type MqErrorCode = keyof typeof MQ_ERROR_CODES;

/** Codes that describe one receipt handle inside an ack/commit/rollback `Errors` list (always 404 there). */
export type HandleErrorCode = 'ReceiptHandleError' | 'MessageNotExist';

/** A protocol failure: carries the wire `code`, the HTTP `status` and a human message naming the field. */
export class MqError extends TxcError {
  override readonly name: string = 'MqError';
  readonly status: number;
  constructor(
    override readonly code: MqErrorCode,
    message?: string,
    options?: ErrorOptions,
  ) {
    super(code, message ?? MQ_ERROR_CODES[code].message, options);
    this.status = MQ_ERROR_CODES[code].status;
  }
}

/** The request was refused by authentication (credentials, date, signature, digest). */
export class MqAuthError extends MqError {
  override readonly name = 'MqAuthError';
}

/** The request was malformed or out of range (URL, query, XML, limits). */
export class MqInvalidRequestError extends MqError {
  override readonly name = 'MqInvalidRequestError';
}

/** The named topic, group or message does not exist (an empty poll is one of these). */
export class MqNotFoundError extends MqError {
  override readonly name = 'MqNotFoundError';
}

const AUTH_CODES: ReadonlySet<MqErrorCode> = new Set([
  'MissingAuthorizationHeader',
  'InvalidAuthorizationHeader',
  'MissingDateHeader',
  'InvalidDateHeader',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'TimeExpired',
  'InvalidDigest',
]);

function isMqErrorCode(code: string): code is MqErrorCode {
  return Object.hasOwn(MQ_ERROR_CODES, code);
}

/**
 * Builds the error class that matches a wire code. Used by the broker to raise errors and by clients
 * to turn an SDK exception's `Code` back into a typed error; unknown codes become `InternalError`.
 */
export function mqError(code: string, message?: string, options?: ErrorOptions): MqError {
  if (!isMqErrorCode(code)) return new MqError('InternalError', message ?? `unknown MQ error code '${code}'`, options);
  if (AUTH_CODES.has(code)) return new MqAuthError(code, message, options);
  if (MQ_ERROR_CODES[code].status === 404) return new MqNotFoundError(code, message, options);
  if (MQ_ERROR_CODES[code].status === 400) return new MqInvalidRequestError(code, message, options);
  return new MqError(code, message, options);
}

/** Shorthand for the most common refusal: `InvalidArgument` naming the field and the bad value. */
export function invalidArgument(field: string, problem: string): MqInvalidRequestError {
  return new MqInvalidRequestError('InvalidArgument', `The value of ${field} ${problem}.`);
}

/** One failed handle of an ack/commit/rollback, reported in the 404 `Errors` list. */
export interface HandleFailure {
  readonly handle: string;
  readonly code: HandleErrorCode;
  readonly message: string;
}

/** The broker's durable storage failed; requests waiting on it get a 500. */
export class BrokerStorageError extends TxcError {
  override readonly name = 'BrokerStorageError';
  constructor(message: string, options?: ErrorOptions) {
    super('BROKER_STORAGE_FAILED', message, options);
  }
}

/** Broker options or the declared-resources config file are invalid (raised at start). */
export class BrokerConfigError extends TxcError {
  override readonly name = 'BrokerConfigError';
  constructor(message: string, options?: ErrorOptions) {
    super('BROKER_CONFIG_INVALID', message, options);
  }
}

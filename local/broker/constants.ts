/**
 * The broker's defaults and limits: the cloud's values (mq-http-protocol.md §6, §9), with units.
 * Every default here can be overridden through `BrokerOptions` (tests use short timings).
 */

export const DEFAULT_PORT = 9876;
export const DEFAULT_HOST = '127.0.0.1';

/** A consumed, unacknowledged message becomes visible again after 5 minutes (cloud behaviour). */
export const DEFAULT_INVISIBILITY_SECONDS = 300;
/** Deliveries before a message moves to the group's dead letters. */
export const DEFAULT_MAX_RECONSUME = 288;
/** An undecided half message is offered to `consumeHalfMessage` again every 10 s. */
export const DEFAULT_HALF_RECHECK_SECONDS = 10;
/** Lowest `__TransCheckT` the cloud accepts; tests lower it. */
export const DEFAULT_MIN_CHECK_IMMUNITY_SECONDS = 10;
/** Highest `__TransCheckT` the cloud accepts. */
export const MAX_CHECK_IMMUNITY_SECONDS = 300;
/** Half messages still undecided after one day are discarded, as the cloud does. */
export const DEFAULT_HALF_GIVE_UP_SECONDS = 86_400;

export const MAX_BODY_BYTES = 4 * 1024 * 1024;
export const MAX_TRANSACTIONAL_BODY_BYTES = 64 * 1024;
export const MAX_PROPERTIES_BYTES = 16 * 1024;
/** Raw request body cap: a 4 MB body entity-escaped can grow; beyond this we refuse before parsing. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
export const MAX_MESSAGES_PER_CONSUME = 16;
export const MAX_HANDLES_PER_ACK = 16;
export const MAX_WAIT_SECONDS = 30;
export const MAX_NAME_LENGTH = 64;
export const MAX_INSTANCE_ID_LENGTH = 128;
export const MAX_TAG_LENGTH = 64;
/** The request line (method + target) cap from the cloud's limits page. */
export const MAX_REQUEST_TARGET_LENGTH = 1024;
/** Requests whose `Date` is further than this from the server clock are refused (`TimeExpired`). */
export const MAX_DATE_SKEW_MS = 15 * 60 * 1000;

/** Compact the journal once it exceeds this size (and twice the size of the last snapshot). */
export const DEFAULT_COMPACT_BYTES = 64 * 1024 * 1024;

/** Keep idle HTTP connections longer than the SDK's keep-alive agent would. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export const XML_NAMESPACE = 'http://mq.aliyuncs.com/doc/v1/';
/** Observed real error documents use the namespace without a trailing slash. */
export const XML_ERROR_NAMESPACE = 'http://mq.aliyuncs.com/doc/v1';
export const MQ_VERSION = '2015-06-06';

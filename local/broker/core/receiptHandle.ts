/**
 * Receipt handles (mq-http-protocol.md §4.5): `{messageId}-{base64url(kind.seq.count.nextConsumeTime.token)}`.
 * The random token makes a handle unforgeable enough; the broker keeps the current token per delivery, so a
 * handle is single-use and any earlier delivery's handle stops working. Pure encode/decode; currency is
 * checked by the core.
 */

export const HANDLE_KINDS = {
  /** A consumer-group delivery of a normal message. */
  delivery: 'c',
  /** A transactional half message: the publish handle (count 0) or a check delivery (count ≥ 1). */
  half: 'h',
} as const;

export type HandleKind = (typeof HANDLE_KINDS)[keyof typeof HANDLE_KINDS];

export interface ReceiptHandle {
  readonly kind: HandleKind;
  readonly messageId: string;
  /** Position of the message in its topic log (0 for half messages). */
  readonly seq: number;
  /** ConsumedTimes of the delivery the handle belongs to. */
  readonly count: number;
  /** ms epoch after which the handle is no longer valid. */
  readonly validUntil: number;
  readonly token: string;
}

const HANDLE = /^([0-9A-F]{32})-([A-Za-z0-9_-]{8,128})$/;
const PAYLOAD = /^([ch])\.(\d{1,15})\.(\d{1,9})\.(\d{1,15})\.([0-9a-f]{16})$/;

/** Scratch space for encoding and decoding payloads (at most 96 bytes), instead of a Buffer per handle. */
const scratch = Buffer.allocUnsafe(128);

export function encodeReceiptHandle(handle: ReceiptHandle): string {
  const payload = `${handle.kind}.${handle.seq}.${handle.count}.${handle.validUntil}.${handle.token}`;
  const length = scratch.write(payload, 0, 'latin1');
  return `${handle.messageId}-${scratch.toString('base64url', 0, length)}`;
}

/** Returns the decoded handle, or undefined when the text is not a handle this broker could have issued. */
export function decodeReceiptHandle(text: string): ReceiptHandle | undefined {
  const outer = HANDLE.exec(text);
  if (!outer) return undefined;
  const length = scratch.write(outer[2] as string, 0, 'base64url');
  const inner = PAYLOAD.exec(scratch.toString('latin1', 0, length));
  if (!inner) return undefined;
  return {
    messageId: outer[1] as string,
    kind: inner[1] as HandleKind,
    seq: Number(inner[2]),
    count: Number(inner[3]),
    validUntil: Number(inner[4]),
    token: inner[5] as string,
  };
}

import { randomBytes } from 'node:crypto';

/**
 * A new transaction id: `tx-<ms, base36>-<16 hex>`. Time first so ids sort roughly by creation;
 * only characters the message key allows. It is also the envelope's eventId and the message key.
 */
export function newTxId(now: number = Date.now()): string {
  return `tx-${now.toString(36)}-${randomBytes(8).toString('hex')}`;
}

/** A new plain event id: `ev-<ms, base36>-<16 hex>` (the envelope's eventId and the message key). */
export function newEventId(now: number = Date.now()): string {
  return `ev-${now.toString(36)}-${randomBytes(8).toString('hex')}`;
}

import { randomBytes, randomFillSync } from 'node:crypto';

/**
 * Identifiers: message ids (32 uppercase hex, like RocketMQ unique keys), request ids (24 uppercase hex,
 * the first 8 being Unix seconds, as seen in real error documents) and random tokens for receipt handles.
 */

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** `bytes` random bytes as lowercase hex, drawn from a refilled pool (one syscall per 4 KB). */
export function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** Mints unique ids for one broker process: a random prefix per start plus a counter. */
export class IdGenerator {
  private readonly prefix = randomBytes(8).toString('hex').toUpperCase();
  private counter = 0;
  private requestCounter = 0;
  /** Request ids of one second share their first 16 characters. */
  private requestSecond = Number.NaN;
  private requestPrefix = '';

  messageId(): string {
    this.counter += 1;
    return this.prefix + this.counter.toString(16).toUpperCase().padStart(16, '0');
  }

  requestId(nowMs: number): string {
    this.requestCounter = (this.requestCounter + 1) % 0x1_0000_0000;
    const second = Math.floor(nowMs / 1000);
    if (second !== this.requestSecond) {
      this.requestSecond = second;
      this.requestPrefix = second.toString(16).toUpperCase().padStart(8, '0') + this.prefix.slice(0, 8);
    }
    return this.requestPrefix + this.requestCounter.toString(16).toUpperCase().padStart(8, '0');
  }
}

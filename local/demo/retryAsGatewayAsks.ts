import { TxClientError } from '../../shared/engines/client';

/** How long {@link retryAsGatewayAsks} keeps calling. */
const RETRY_FOR_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls tx-gateway again while its failure is retryable (unreachable or timed out — a function process
 * starting on a loaded machine — a 5xx, or a 409 with Retry-After while an earlier call's publish is in
 * progress), waiting as long as the gateway asks (else 1 s), for up to a minute in all. Only for
 * idempotent calls: a plain event is one event per business key however often it is sent.
 */
export async function retryAsGatewayAsks<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof TxClientError) || !error.retryable || Date.now() > deadline) throw error;
      await sleep((error.retryAfterSeconds ?? 1) * 1_000);
    }
  }
}

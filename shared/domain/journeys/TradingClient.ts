import type { TextAnswer } from '../../engines/client/requestText';
import { requestText } from '../../engines/client/requestText';
import { PermanentFailureError, TransientFailureError } from '../../engines/consumer/errors';

/** Longest a wallet-purchase call may take, whatever the invocation has left. */
export const TRADING_TIMEOUT_MS = 10_000;
/** Time kept back from the invocation's remaining time to record the outcome after the call. */
export const TRADING_DEADLINE_MARGIN_MS = 2_000;

export interface WalletPurchase {
  readonly txId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly fundCode: string;
  /** Yuan with two decimals, as a string. */
  readonly amount: string;
}

/** What the trading system answered a wallet purchase: bought, or refused for good (a final state too). */
export type WalletPurchaseAnswer =
  | { readonly outcome: 'purchased'; readonly reference?: string }
  | { readonly outcome: 'refused'; readonly code: string; readonly reason: string };

/**
 * The trading system's wallet-purchase endpoint (the slave transaction of a discount purchase).
 * The transaction id is the idempotency key: repeating a call after a crash buys the fund once.
 * 2xx = purchased; a 4xx whose error says `refused: true` (fund closed, limit exceeded, insufficient
 * balance) = refused for good, an answer the caller records; any other 4xx (a malformed or mismatched
 * order: a bug, not the customer's situation) → {@link PermanentFailureError}; 5xx, timeouts and
 * network errors → {@link TransientFailureError}.
 */
export class TradingClient {
  private readonly walletPurchaseUrl: string;

  constructor(baseUrl: string) {
    this.walletPurchaseUrl = new URL('wallet-purchase', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  }

  async walletPurchase(purchase: WalletPurchase, budgetMs: number): Promise<WalletPurchaseAnswer> {
    const timeoutMs = Math.min(TRADING_TIMEOUT_MS, budgetMs - TRADING_DEADLINE_MARGIN_MS);
    if (timeoutMs <= 0)
      throw new TransientFailureError('TRADING_NO_TIME_LEFT', 'not enough invocation time left to call the trading system');
    let response: TextAnswer;
    try {
      response = await requestText({
        method: 'POST',
        url: this.walletPurchaseUrl,
        headers: { 'content-type': 'application/json', 'idempotency-key': purchase.txId },
        body: JSON.stringify(purchase),
        timeoutMs,
        idempotent: true, // the trading system buys once per txId (the idempotency key)
      });
    } catch (error) {
      throw new TransientFailureError('TRADING_UNREACHABLE', `trading system unreachable: ${(error as Error).message}`, { cause: error });
    }
    const answer = parseAnswer(response.body);
    if (response.status >= 200 && response.status < 300)
      return { outcome: 'purchased', reference: typeof answer?.reference === 'string' ? answer.reference : undefined };
    // The trading system nests its error ({ error: { code, message } }); older answers put it at the top.
    const error = answer?.error !== null && typeof answer?.error === 'object' ? (answer.error as Record<string, unknown>) : answer;
    const code = typeof error?.code === 'string' ? error.code.slice(0, 64) : undefined;
    const message = typeof error?.message === 'string' ? error.message.slice(0, 400) : undefined;
    const detail = `${code ?? response.status}${message ? `: ${message}` : ''}`;
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      if (error?.refused === true && code) return { outcome: 'refused', code, reason: message ?? code };
      throw new PermanentFailureError(
        code ?? `TRADING_REFUSED_${response.status}`,
        `trading system refused wallet purchase ${purchase.txId}: ${detail}`,
      );
    }
    throw new TransientFailureError('TRADING_UNAVAILABLE', `trading system answered ${response.status} for ${purchase.txId}: ${detail}`);
  }
}

function parseAnswer(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // error pages from proxies are not JSON; the status decides
  }
}

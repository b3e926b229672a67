import type { Kysely } from 'kysely';
import * as z from '../../shared/zod';
import type { TxClient } from '../../shared/engines/client';
import { runInTransaction, TxClientError } from '../../shared/engines/client';
import { fenToYuan, fundCode, positiveYuanAmount, yuanToFen } from '../../shared/engines/events/discountPurchase';
import type { DiscountPurchasePayload } from '../../shared/engines/events/discountPurchase';
import type { Logger } from '../../shared/logger';
import { InjectedFaultError, TransactionCenterError, TransactionCenterRefusedError } from './errors';
import type { FaultSwitches, PurchaseFaults } from './faults';
import type { TradingTables } from './tables';
import { PURCHASE_STATES } from './tables';
import type { TradingStore } from './TradingStore';
import { fundTermsOf } from './fundTerms';
import { subscriptionFee } from './subscriptionFee';

/** The discount-purchase scenario in the catalog. */
export const DISCOUNT_PURCHASE = { topic: 'TXC_FUND_TRADE', tag: 'DISCOUNT_PURCHASE' } as const;

export const discountPurchaseRequestSchema = z.object({
  customerId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -')),
  fundCode,
  amount: positiveYuanAmount,
});
export type DiscountPurchaseRequest = z.output<typeof discountPurchaseRequestSchema>;

/** How a discount purchase request ended, as the app (and the demo) sees it. */
export const PURCHASE_OUTCOMES = {
  committed: 'committed',
  /** Main tx done, commit not confirmed (lost): check-back will commit. */
  commitPending: 'commit-pending',
  rolledBack: 'rolled-back',
  /** The simulated crash: main tx done, no commit sent, no answer. */
  crashed: 'crashed',
} as const;
export type PurchaseOutcome = (typeof PURCHASE_OUTCOMES)[keyof typeof PURCHASE_OUTCOMES];

export interface PurchaseResult {
  readonly purchaseId: string;
  readonly txId: string | undefined;
  readonly outcome: PurchaseOutcome;
  readonly amount: string;
  readonly error?: string;
}

export interface DiscountPurchaseDeps {
  readonly db: Kysely<TradingTables>;
  readonly store: TradingStore;
  readonly client: TxClient;
  readonly faults: FaultSwitches;
  readonly logger: Logger;
  readonly newPurchaseId: () => string;
}

/**
 * Discount purchase (优惠购) through the transaction center: prepare the DISCOUNT_PURCHASE message →
 * main local transaction (wallet top-up = buy the money-market fund, with the barrier row) → commit.
 * The slave transaction (buy the target fund from the wallet) runs when the message is delivered.
 */
export async function discountPurchase(
  deps: DiscountPurchaseDeps,
  request: DiscountPurchaseRequest,
  injectedFaults: PurchaseFaults = {},
): Promise<PurchaseResult> {
  const { db, store, client, faults, logger } = deps;
  const purchaseId = deps.newPurchaseId();
  faults.setForPurchase(purchaseId, injectedFaults);
  const amountFen = yuanToFen(request.amount);
  // The fee is fixed when the customer asks (the terms then are the ones shown to them) and stored with the purchase.
  const fee = subscriptionFee(amountFen, fundTermsOf(request.fundCode));
  const purchase = { purchaseId, customerId: request.customerId, fundCode: request.fundCode, amountFen, fee };
  // Recorded before prepare, so even a purchase the center never saw is in the report.
  await store.insertPurchase(purchase);
  const payload: DiscountPurchasePayload = {
    orderId: purchaseId,
    customerId: request.customerId,
    fundCode: request.fundCode,
    amount: fenToYuan(amountFen),
    feeRate: fee.feeRate,
    fee: fenToYuan(fee.feeFen),
  };
  let txId: string | undefined;
  try {
    const { commit } = await runInTransaction(client, db, { ...DISCOUNT_PURCHASE, businessKey: purchaseId, payload }, async (trx, tx) => {
      txId = tx.txId;
      if (faults.failMainTx(purchaseId)) throw new InjectedFaultError('fail-main');
      await store.topUpWallet(trx, tx.txId, purchase);
      await store.setPurchaseState(trx, purchaseId, PURCHASE_STATES.mainDone, [PURCHASE_STATES.requested], { txId: tx.txId });
      faults.planCommitDrop(purchaseId, tx.txId);
    });
    if (faults.crashAfterMainTx(purchaseId)) return { purchaseId, txId, outcome: PURCHASE_OUTCOMES.crashed, amount: payload.amount };
    if (commit?.state === 'COMMITTED') {
      await store.setPurchaseState(db, purchaseId, PURCHASE_STATES.committed, [PURCHASE_STATES.mainDone]);
      return { purchaseId, txId, outcome: PURCHASE_OUTCOMES.committed, amount: payload.amount };
    }
    return { purchaseId, txId, outcome: PURCHASE_OUTCOMES.commitPending, amount: payload.amount };
  } catch (error) {
    const message = (error as Error).message;
    if (txId === undefined) {
      // Prepare failed: the center holds nothing, the wallet is untouched.
      await store.setPurchaseState(db, purchaseId, PURCHASE_STATES.prepareFailed, [PURCHASE_STATES.requested], { error: message });
      if (!(error instanceof TxClientError)) throw error;
      // Only what may succeed later is a 503; the center's permanent refusals stay permanent.
      // The low-level text of an unreachable center names its address: the answer carries the code only.
      throw error.retryable
        ? new TransactionCenterError(`the transaction center could not prepare (${error.code}); retry later`, { cause: error })
        : new TransactionCenterRefusedError(`prepare refused (${error.code}): ${message}`, { cause: error });
    }
    await store.setPurchaseState(db, purchaseId, PURCHASE_STATES.mainFailed, [PURCHASE_STATES.requested], { txId, error: message });
    logger.info({ purchaseId, txId, err: message }, 'main transaction failed; rolled back');
    return { purchaseId, txId, outcome: PURCHASE_OUTCOMES.rolledBack, amount: payload.amount, error: message };
  }
}

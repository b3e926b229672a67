import * as z from '../../shared/zod';
import { fundCode, positiveYuanAmount, yuanToFen } from '../../shared/engines/events/discountPurchase';
import { InjectedFaultError } from './errors';
import type { FaultSwitches } from './faults';
import type { AppliedSlaveOrder, TradingStore } from './TradingStore';

/** The slave transaction's request (consumer-orchestration → trading system). `txId` is the idempotency key. */
export const walletPurchaseRequestSchema = z.object({
  txId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  orderId: z.string().check(z.minLength(1), z.maxLength(64)),
  customerId: z.string().check(z.minLength(1), z.maxLength(64)),
  fundCode,
  amount: positiveYuanAmount,
});
export type WalletPurchaseRequest = z.output<typeof walletPurchaseRequestSchema>;

/**
 * Buys the target fund from the wallet, once per txId: a repeat answers the first result.
 * @throws FundPurchaseRefusedError (final, 4xx with `refused: true`) · SlaveOrderMismatchError (4xx) · InjectedFaultError (transient, 5xx)
 */
export async function walletPurchase(
  store: TradingStore,
  faults: FaultSwitches,
  request: WalletPurchaseRequest,
): Promise<AppliedSlaveOrder> {
  if (faults.enabled && faults.failSlaveCall(request.orderId)) throw new InjectedFaultError('slave-fail');
  return store.applySlaveOrder(
    {
      txId: request.txId,
      purchaseId: request.orderId,
      customerId: request.customerId,
      fundCode: request.fundCode,
      amountFen: yuanToFen(request.amount),
    },
    faults.enabled ? faults.slaveRefusal(request.orderId) : undefined,
  );
}

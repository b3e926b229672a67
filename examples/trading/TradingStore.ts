import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { RefusalCode } from './errors';
import { FundPurchaseRefusedError, REFUSAL_CODES, SlaveOrderMismatchError } from './errors';
import { fenToYuan } from '../../shared/engines/events/discountPurchase';
import { fundTermsOf } from './fundTerms';
import type { SubscriptionFee } from './subscriptionFee';
import { subscriptionFee } from './subscriptionFee';
import type { OrderKind, PurchaseState, TradingTables } from './tables';
import { ORDER_KINDS, PURCHASE_STATES, WALLET_FUND_CODE } from './tables';

type Db = Kysely<TradingTables> | Transaction<TradingTables>;

export interface NewPurchase {
  readonly purchaseId: string;
  readonly customerId: string;
  readonly fundCode: string;
  readonly amountFen: number;
  /** The fee terms and the fee computed from them (see subscriptionFee). */
  readonly fee: SubscriptionFee;
}

export interface SlaveOrder {
  readonly txId: string;
  readonly purchaseId: string;
  readonly customerId: string;
  readonly fundCode: string;
  readonly amountFen: number;
}

export interface AppliedSlaveOrder {
  readonly orderId: string;
  /** False when this transaction id had already been applied (an idempotent repeat). */
  readonly applied: boolean;
  readonly balanceFen: number;
}

/** A slave purchase refused for good, and why (the customer is told this text). */
interface Refusal {
  readonly refused: RefusalCode;
  readonly reason: string;
}

/** The fund's rules and the wallet, in the order a customer would want them explained. */
function refusalOf(order: SlaveOrder, noWallet: boolean, balanceFen: number, injected: RefusalCode | undefined): Refusal | undefined {
  const terms = fundTermsOf(order.fundCode);
  const yuan = (fen: number) => fenToYuan(fen);
  if (injected === REFUSAL_CODES.fundClosed || terms.subscriptions === 'closed')
    return { refused: REFUSAL_CODES.fundClosed, reason: `fund ${order.fundCode} is closed to subscriptions (暂停申购)` };
  if (injected === REFUSAL_CODES.limitExceeded || order.amountFen > terms.maxPurchaseFen)
    return {
      refused: REFUSAL_CODES.limitExceeded,
      reason: `¥${yuan(order.amountFen)} is above fund ${order.fundCode}'s single-purchase limit (大额申购限制)`,
    };
  if (injected === REFUSAL_CODES.walletNotFound || noWallet)
    return { refused: REFUSAL_CODES.walletNotFound, reason: `customer ${order.customerId} has no wallet` };
  if (injected === REFUSAL_CODES.insufficientBalance || balanceFen < order.amountFen)
    return {
      refused: REFUSAL_CODES.insufficientBalance,
      reason: `wallet holds ¥${yuan(balanceFen)}, ¥${yuan(order.amountFen)} needed (余额不足)`,
    };
  return undefined;
}

/** The trading system's SQL: wallets, purchases and orders. Callers pass a transaction where atomicity matters. */
export class TradingStore {
  constructor(private readonly db: Kysely<TradingTables>) {}

  /** Seeds a wallet (demo customers start with some balance); keeps an existing one. */
  async openWallet(customerId: string, openingFen: number, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('trading_wallet')
      .values({ customer_id: customerId, opening_fen: openingFen, balance_fen: openingFen, updated_at: now })
      .orIgnore() // insert-or-ignore on both dialects (MySQL has no ON CONFLICT)
      .execute();
  }

  async insertPurchase(purchase: NewPurchase, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('trading_purchase')
      .values({
        purchase_id: purchase.purchaseId,
        tx_id: null,
        customer_id: purchase.customerId,
        fund_code: purchase.fundCode,
        amount_fen: purchase.amountFen,
        fee_rate: purchase.fee.feeRate,
        standard_rate: purchase.fee.standardRate,
        discount: purchase.fee.discount,
        fee_fen: purchase.fee.feeFen,
        state: PURCHASE_STATES.requested,
        error: null,
        refusal_code: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  /** Moves a purchase to `state`, only from one of `from` (so a late writer never moves it backwards). */
  async setPurchaseState(
    db: Db,
    purchaseId: string,
    state: PurchaseState,
    from: readonly PurchaseState[],
    extra: { txId?: string; error?: string; refusalCode?: RefusalCode } = {},
  ): Promise<boolean> {
    const result = await db
      .updateTable('trading_purchase')
      .set({
        state,
        updated_at: Date.now(),
        ...(extra.txId ? { tx_id: extra.txId } : {}),
        ...(extra.error ? { error: extra.error.slice(0, 256) } : {}),
        ...(extra.refusalCode ? { refusal_code: extra.refusalCode } : {}),
      })
      .where('purchase_id', '=', purchaseId)
      .where('state', 'in', [...from])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The main transaction's effect: buy the money-market fund, i.e. credit the wallet. Run inside the barrier's transaction. */
  async topUpWallet(db: Db, txId: string, purchase: NewPurchase, now = Date.now()): Promise<void> {
    await db
      .insertInto('trading_wallet')
      .values({ customer_id: purchase.customerId, opening_fen: 0, balance_fen: 0, updated_at: now })
      .orIgnore() // insert-or-ignore on both dialects (MySQL has no ON CONFLICT)
      .execute();
    await db
      .updateTable('trading_wallet')
      .set({ balance_fen: sql`balance_fen + ${purchase.amountFen}`, updated_at: now })
      .where('customer_id', '=', purchase.customerId)
      .execute();
    await this.insertOrder(
      db,
      { txId, purchaseId: purchase.purchaseId, customerId: purchase.customerId, fundCode: WALLET_FUND_CODE, amountFen: purchase.amountFen },
      ORDER_KINDS.walletTopUp,
      0,
      now,
    );
  }

  private async insertOrder(db: Db, order: SlaveOrder, kind: OrderKind, feeFen: number, now: number): Promise<string> {
    const orderId = `${kind === ORDER_KINDS.walletTopUp ? 'T' : 'F'}${order.purchaseId}`;
    await db
      .insertInto('trading_order')
      .values({
        order_id: orderId,
        tx_id: order.txId,
        purchase_id: order.purchaseId,
        customer_id: order.customerId,
        kind,
        fund_code: order.fundCode,
        amount_fen: order.amountFen,
        fee_fen: feeFen,
        created_at: now,
      })
      .execute();
    return orderId;
  }

  /**
   * The slave transaction: buy the target fund from the wallet, once per transaction id. The order
   * row and the debit commit together, and the unique (tx_id, kind) index makes a concurrent repeat
   * fail instead of debiting twice. A refusal for good (fund closed, limit exceeded, insufficient
   * balance, no wallet) is itself a decision: the purchase is moved to FUND_PURCHASE_REFUSED with its
   * reason in the same transaction, nothing is debited, and every repeat answers the same refusal.
   * @param injectedRefusal demo fault injection: refuse with this code as the fund's rules would
   * @throws FundPurchaseRefusedError (after the refusal committed), SlaveOrderMismatchError
   */
  async applySlaveOrder(order: SlaveOrder, injectedRefusal?: RefusalCode, now = Date.now()): Promise<AppliedSlaveOrder> {
    const decision = await this.db.transaction().execute(async (trx): Promise<AppliedSlaveOrder | Refusal> => {
      const existing = await trx
        .selectFrom('trading_order')
        .selectAll()
        .where('tx_id', '=', order.txId)
        .where('kind', '=', ORDER_KINDS.fundPurchase)
        .executeTakeFirst();
      const wallet = await trx
        .selectFrom('trading_wallet')
        .select('balance_fen')
        .where('customer_id', '=', order.customerId)
        .executeTakeFirst();
      const balanceFen = Number(wallet?.balance_fen ?? 0);
      if (existing) {
        if (
          existing.customer_id !== order.customerId ||
          existing.fund_code !== order.fundCode ||
          Number(existing.amount_fen) !== order.amountFen
        ) {
          throw new SlaveOrderMismatchError(order.txId);
        }
        return { orderId: existing.order_id, applied: false, balanceFen };
      }
      const purchase = await trx
        .selectFrom('trading_purchase')
        .select(['state', 'refusal_code', 'error'])
        .where('purchase_id', '=', order.purchaseId)
        .executeTakeFirst();
      if (purchase?.state === PURCHASE_STATES.fundPurchaseRefused)
        return { refused: purchase.refusal_code as RefusalCode, reason: purchase.error ?? 'refused' };
      const refusal = refusalOf(order, wallet === undefined, balanceFen, injectedRefusal);
      if (refusal) {
        await this.setPurchaseState(
          trx,
          order.purchaseId,
          PURCHASE_STATES.fundPurchaseRefused,
          [PURCHASE_STATES.mainDone, PURCHASE_STATES.committed],
          { error: refusal.reason, refusalCode: refusal.refused },
        );
        return refusal;
      }
      await trx
        .updateTable('trading_wallet')
        .set({ balance_fen: sql`balance_fen - ${order.amountFen}`, updated_at: now })
        .where('customer_id', '=', order.customerId)
        .execute();
      const orderId = await this.insertOrder(trx, order, ORDER_KINDS.fundPurchase, await this.feeOf(trx, order), now);
      await this.setPurchaseState(trx, order.purchaseId, PURCHASE_STATES.fundPurchased, [
        PURCHASE_STATES.mainDone,
        PURCHASE_STATES.committed,
      ]);
      return { orderId, applied: true, balanceFen: balanceFen - order.amountFen };
    });
    if ('refused' in decision) throw new FundPurchaseRefusedError(decision.refused, decision.reason);
    return decision;
  }

  /**
   * The fee of a fund order: the one computed and stored when the purchase was requested (its terms
   * may have changed since), or — for an order without a purchase row — from the fund's current terms.
   */
  private async feeOf(db: Db, order: SlaveOrder): Promise<number> {
    const purchase = await db
      .selectFrom('trading_purchase')
      .select(['fee_fen', 'amount_fen'])
      .where('purchase_id', '=', order.purchaseId)
      .executeTakeFirst();
    if (purchase && Number(purchase.amount_fen) === order.amountFen) return Number(purchase.fee_fen);
    return subscriptionFee(order.amountFen, fundTermsOf(order.fundCode)).feeFen;
  }

  async purchase(purchaseId: string): Promise<TradingTables['trading_purchase'] | undefined> {
    return this.db.selectFrom('trading_purchase').selectAll().where('purchase_id', '=', purchaseId).executeTakeFirst();
  }

  async wallet(customerId: string): Promise<TradingTables['trading_wallet'] | undefined> {
    return this.db.selectFrom('trading_wallet').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
  }
}

import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { InsufficientBalanceError, SlaveOrderMismatchError, WalletNotFoundError } from './errors';
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

/** The trading system's SQL: wallets, purchases and orders. Callers pass a transaction where atomicity matters. */
export class TradingStore {
  constructor(private readonly db: Kysely<TradingTables>) {}

  /** Seeds a wallet (demo customers start with some balance); keeps an existing one. */
  async openWallet(customerId: string, openingFen: number, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('trading_wallet')
      .values({ customer_id: customerId, opening_fen: openingFen, balance_fen: openingFen, updated_at: now })
      .onConflict((oc) => oc.column('customer_id').doNothing())
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
    extra: { txId?: string; error?: string } = {},
  ): Promise<boolean> {
    const result = await db
      .updateTable('trading_purchase')
      .set({
        state,
        updated_at: Date.now(),
        ...(extra.txId ? { tx_id: extra.txId } : {}),
        ...(extra.error ? { error: extra.error.slice(0, 256) } : {}),
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
      .onConflict((oc) => oc.column('customer_id').doNothing())
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
   * fail instead of debiting twice.
   */
  async applySlaveOrder(order: SlaveOrder, now = Date.now()): Promise<AppliedSlaveOrder> {
    return this.db.transaction().execute(async (trx) => {
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
      if (!wallet) throw new WalletNotFoundError(order.customerId);
      if (balanceFen < order.amountFen) throw new InsufficientBalanceError(order.customerId, order.amountFen, balanceFen);
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

import type { Kysely } from 'kysely';
import type { Catalog } from '../../shared/engines/catalog';
import { fenToYuan } from '../../shared/engines/events/discountPurchase';

/** One consistency check: its name, whether it held, and the evidence when it did not. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Verdict {
  readonly consistent: boolean;
  readonly checks: readonly Check[];
}

/** A message as the customer's side (the channel providers) recorded it. */
export interface CustomerReceipt {
  readonly idempotencyKey: string;
  readonly providerId: string;
  readonly customerId: string;
}

/** The transactions of one demo run: discount purchases (trading txIds) and companion events. */
export interface RunScope {
  readonly purchaseIds: readonly string[];
  readonly companionTxIds: readonly string[];
  /** Touch-points created at or after this time (epoch ms) belong to the run; unset = no touch-point checks (chaos drills). */
  readonly touchpointsSince?: number;
  /** What customers received, from the providers' side (one entry per idempotency key). */
  readonly received?: readonly CustomerReceipt[];
  /**
   * Also require each purchase's follow-up (journey step after a purchase, customer notice after a
   * refusal) to have taken effect; unset where the run does not wait for them (chaos drills).
   */
  readonly followUps?: boolean;
}

const MAX_EVIDENCE = 5;

function check(name: string, problems: string[], okDetail: string): Check {
  return problems.length === 0
    ? { name, ok: true, detail: okDetail }
    : { name, ok: false, detail: `${problems.length} problem(s): ${problems.slice(0, MAX_EVIDENCE).join('; ')}` };
}

function countBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
  return counts;
}

/**
 * The independent consistency verdict: reads the trading system's database (wallets, purchases,
 * orders, barrier) and the transaction center's (transaction states, consumption records, subscriber
 * effects) directly — not what any component reported — and checks that money in = money out, every
 * committed purchase's slave effect happened exactly once, rolled-back ones had no effect, every
 * committed event reached each expected subscriber, and — from the customers' side, the channel
 * providers — no blocked content was received and every approved touch-point arrived exactly once.
 */
// Both databases are read with their own table names; typing every table here would add nothing.
export async function judge(trading: Kysely<any>, txcenter: Kysely<any>, catalog: Catalog, scope: RunScope): Promise<Verdict> {
  const purchases =
    scope.purchaseIds.length === 0
      ? []
      : await trading
          .selectFrom('trading_purchase')
          .selectAll()
          .where('purchase_id', 'in', [...scope.purchaseIds])
          .execute();
  const txIds = purchases.map((p) => p.tx_id).filter((id): id is string => id !== null);
  const allTxIds = [...txIds, ...scope.companionTxIds];
  const txs =
    allTxIds.length === 0
      ? []
      : await txcenter.selectFrom('txc_tx').select(['tx_id', 'state', 'topic', 'tag']).where('tx_id', 'in', allTxIds).execute();
  const txById = new Map(txs.map((tx) => [tx.tx_id as string, tx]));
  const orders = txIds.length === 0 ? [] : await trading.selectFrom('trading_order').selectAll().where('tx_id', 'in', txIds).execute();
  const barriers = txIds.length === 0 ? [] : await trading.selectFrom('txc_barrier').selectAll().where('tx_id', 'in', txIds).execute();
  const consumption =
    allTxIds.length === 0
      ? []
      : await txcenter
          .selectFrom('txc_consume_barrier')
          .select(['group_id', 'event_id', 'dedup_key', 'message_id', 'status'])
          .where((eb) => eb.or([eb('event_id', 'in', allTxIds), eb('dedup_key', 'in', allTxIds)]))
          .execute();
  const slaveEffects =
    txIds.length === 0 ? [] : await txcenter.selectFrom('txc_slave_purchase').selectAll().where('tx_id', 'in', txIds).execute();
  const archived =
    allTxIds.length === 0
      ? []
      : await txcenter.selectFrom('txc_archive_event').select(['event_id', 'group_id']).where('event_id', 'in', allTxIds).execute();
  const wallets = await trading.selectFrom('trading_wallet').selectAll().execute();
  const allOrders = await trading.selectFrom('trading_order').select(['customer_id', 'kind', 'amount_fen']).execute();

  const checks: Check[] = [];
  const ordersOf = (txId: string, kind: string) => orders.filter((o) => o.tx_id === txId && o.kind === kind);

  // 1. Money: every wallet balance = opening + top-ups − fund purchases, and in total money in = money out + what stays in wallets.
  const walletProblems: string[] = [];
  let moneyIn = 0;
  let moneyOut = 0;
  let held = 0;
  for (const wallet of wallets) {
    const mine = allOrders.filter((o) => o.customer_id === wallet.customer_id);
    const topUps = mine.filter((o) => o.kind === 'WALLET_TOPUP').reduce((sum, o) => sum + Number(o.amount_fen), 0);
    const spent = mine.filter((o) => o.kind === 'FUND_PURCHASE').reduce((sum, o) => sum + Number(o.amount_fen), 0);
    moneyIn += topUps;
    moneyOut += spent;
    held += Number(wallet.balance_fen) - Number(wallet.opening_fen);
    const expected = Number(wallet.opening_fen) + topUps - spent;
    if (expected !== Number(wallet.balance_fen))
      walletProblems.push(`${wallet.customer_id} balance ${fenToYuan(Number(wallet.balance_fen))} ≠ ${fenToYuan(expected)}`);
  }
  if (moneyIn !== moneyOut + held)
    walletProblems.push(`money in ${fenToYuan(moneyIn)} ≠ out ${fenToYuan(moneyOut)} + held ${fenToYuan(held)}`);
  checks.push(
    check(
      'money in = money out',
      walletProblems,
      `top-ups ${fenToYuan(moneyIn)} = fund purchases ${fenToYuan(moneyOut)} + change in wallets ${fenToYuan(held)}, across ${wallets.length} wallets`,
    ),
  );

  // 2. Every transaction decided; trading state agrees with the center.
  const undecided = purchases
    .filter((p) => p.tx_id && txById.get(p.tx_id)?.state === 'PREPARED')
    .map((p) => `${p.purchase_id} still PREPARED`);
  const missingTx = purchases
    .filter((p) => p.tx_id && !txById.has(p.tx_id))
    .map((p) => `${p.purchase_id} has no transaction at the center`);
  checks.push(check('every transaction decided', [...undecided, ...missingTx], `${txs.length} transactions, none left PREPARED`));

  // 3. Barrier ⇔ decision: COMMITTED exactly when the main transaction committed its barrier row.
  const barrierProblems: string[] = [];
  for (const purchase of purchases.filter((p) => p.tx_id)) {
    const state = txById.get(purchase.tx_id!)?.state;
    const barrier = barriers.find((b) => b.tx_id === purchase.tx_id)?.outcome;
    const topUps = ordersOf(purchase.tx_id!, 'WALLET_TOPUP').length;
    if (state === 'COMMITTED' && (barrier !== 'COMMIT' || topUps !== 1))
      barrierProblems.push(`${purchase.purchase_id} COMMITTED but barrier ${barrier ?? 'none'}, ${topUps} top-up(s)`);
    if (state === 'ROLLED_BACK' && (barrier === 'COMMIT' || topUps !== 0))
      barrierProblems.push(`${purchase.purchase_id} ROLLED_BACK but barrier ${barrier ?? 'none'}, ${topUps} top-up(s)`);
  }
  checks.push(
    check('main transaction ⇔ decision', barrierProblems, 'committed ⇔ wallet topped up (barrier COMMIT); rolled back ⇔ untouched'),
  );

  // 4. Slave effect exactly once for committed purchases, never for rolled-back ones.
  const slaveProblems: string[] = [];
  const effectsByTx = countBy(slaveEffects, (e) => e.tx_id as string);
  let committedPurchases = 0;
  for (const purchase of purchases.filter((p) => p.tx_id)) {
    const state = txById.get(purchase.tx_id!)?.state;
    const funds = ordersOf(purchase.tx_id!, 'FUND_PURCHASE');
    const effects = effectsByTx.get(purchase.tx_id!) ?? 0;
    if (state === 'COMMITTED') {
      committedPurchases += 1;
      // A purchase refused for good buys nothing: its money stays in the wallet (check 1 counts it there).
      const expectedFunds = purchase.state === 'FUND_PURCHASE_REFUSED' ? 0 : 1;
      if (funds.length !== expectedFunds || (expectedFunds === 1 && Number(funds[0]!.amount_fen) !== Number(purchase.amount_fen)))
        slaveProblems.push(`${purchase.purchase_id} (${purchase.state}): ${funds.length} fund order(s)`);
      if (effects !== 1) slaveProblems.push(`${purchase.purchase_id}: ${effects} slave record(s) at the orchestration consumer`);
    } else if (funds.length !== 0 || effects !== 0)
      slaveProblems.push(`${purchase.purchase_id} (${state ?? 'never prepared'}) has a slave effect`);
  }
  const neverPrepared = purchases.filter((p) => !p.tx_id);
  for (const purchase of neverPrepared)
    if (orders.some((o) => o.purchase_id === purchase.purchase_id))
      slaveProblems.push(`${purchase.purchase_id} never prepared but has orders`);
  checks.push(
    check(
      'slave effect exactly once',
      slaveProblems,
      `${committedPurchases} committed purchase(s) each bought their fund once (or, refused, nothing); rolled-back ones bought nothing`,
    ),
  );

  // 5. Every committed event reached each expected subscriber once; rolled-back ones reached none.
  const deliveryProblems: string[] = [];
  for (const tx of txs) {
    const expected = catalog.subscribersOf(tx.topic, tx.tag).map((g) => g.id);
    const done = consumption
      .filter((c) => (c.event_id ?? c.dedup_key) === tx.tx_id && c.status === 'COMPLETED')
      .map((c) => c.group_id as string);
    if (tx.state === 'COMMITTED') {
      const missing = expected.filter((group) => !done.includes(group));
      if (missing.length > 0) deliveryProblems.push(`${tx.tx_id} ${tx.tag} not consumed by ${missing.join(', ')}`);
      const dataCenter = archived.filter((a) => a.event_id === tx.tx_id).length;
      if (dataCenter === 0) deliveryProblems.push(`${tx.tx_id} not archived by the data center`);
    } else if (done.length > 0 || archived.some((a) => a.event_id === tx.tx_id))
      deliveryProblems.push(`${tx.tx_id} (${tx.state}) was delivered to ${done.join(', ') || 'the archive'}`);
  }
  // A group that deduplicates by message id (the data center's archive) keeps one record per delivered
  // message, by design: an event published again after a crash between the broker's answer and the
  // gateway's "published" mark is two messages (at-least-once), and archived as two deliveries.
  const perEvent = consumption.filter((c) => c.dedup_key !== c.message_id || c.dedup_key === c.event_id);
  const duplicated = [...countBy(perEvent, (c) => `${c.group_id}/${c.event_id ?? c.dedup_key}`)]
    .filter(([, n]) => n > 1)
    .map(([key]) => `${key} has more than one consumption record`);
  checks.push(
    check(
      'subscribers received what they should',
      [...deliveryProblems, ...duplicated],
      `${txs.filter((t) => t.state === 'COMMITTED').length} committed event(s) consumed by every expected group; rolled-back ones by none`,
    ),
  );

  checks.push(feeCheck(purchases, orders));
  checks.push(await finalStateCheck(txcenter, purchases, txById, slaveEffects, scope.followUps === true));

  if (scope.touchpointsSince !== undefined && scope.received !== undefined)
    checks.push(...(await touchpointChecks(txcenter, scope.touchpointsSince, scope.received)));
  return { consistent: checks.every((c) => c.ok), checks };
}

/** Where a discount purchase may end: bought, refused for good, or nothing happened (main failed / never prepared). */
const FINAL_STATES = new Set(['FUND_PURCHASED', 'FUND_PURCHASE_REFUSED', 'MAIN_FAILED', 'PREPARE_FAILED']);

/**
 * 7. Every purchase in a final state: a committed one FUND_PURCHASED or FUND_PURCHASE_REFUSED, the
 * same at the trading system and the orchestration consumer, and (when `followUps`) followed up — a
 * bought one by its journey step, a refused one by the notice touch-point that tells the customer; a
 * rolled-back or never-prepared one is final as it is (check 4 makes sure nothing was bought).
 */
async function finalStateCheck(
  txcenter: Kysely<any>,
  purchases: readonly any[],
  txById: ReadonlyMap<string, { state: string }>,
  slaveEffects: readonly any[],
  followUps: boolean,
): Promise<Check> {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  const followUpIds = slaveEffects.map((e) => e.follow_up_event_id as string | null).filter((id): id is string => id !== null);
  const steps =
    followUps && followUpIds.length > 0
      ? new Set(
          (await txcenter.selectFrom('txc_journey_step').select('event_id').where('event_id', 'in', followUpIds).execute()).map(
            (r) => r.event_id as string,
          ),
        )
      : new Set<string>();
  const notices =
    followUps && followUpIds.length > 0
      ? new Set(
          (
            await txcenter
              .selectFrom('txc_touchpoint')
              .select('event_id')
              .where('event_id', 'in', followUpIds)
              .where('kind', '=', 'TRANSACTION_NOTICE')
              .execute()
          ).map((r) => r.event_id as string),
        )
      : new Set<string>();
  for (const p of purchases) {
    const tx = p.tx_id ? txById.get(p.tx_id) : undefined;
    const state = p.state as string;
    counts.set(state, (counts.get(state) ?? 0) + 1);
    // Rolled back, or never linked to a transaction (prepare failed, or the trading system died before its
    // main transaction committed — check-back rolls that one back): nothing may have been bought (check 4).
    if (tx?.state === 'ROLLED_BACK' || !p.tx_id) continue;
    if (!FINAL_STATES.has(state) || (tx?.state === 'COMMITTED' && state !== 'FUND_PURCHASED' && state !== 'FUND_PURCHASE_REFUSED')) {
      problems.push(`${p.purchase_id} is ${state} (transaction ${tx?.state ?? 'none'})`);
      continue;
    }
    const effect = slaveEffects.find((e) => e.tx_id === p.tx_id);
    if (!effect || effect.outcome !== state) {
      problems.push(`${p.purchase_id} is ${state} at the trading system, ${effect?.outcome ?? 'unrecorded'} at the orchestration consumer`);
      continue;
    }
    if (!followUps) continue;
    const followUp = effect.follow_up_event_id as string | null;
    if (state === 'FUND_PURCHASED' && (!followUp || !steps.has(followUp)))
      problems.push(`${p.purchase_id} bought but its journey did not move on (event ${followUp ?? 'none'})`);
    if (state === 'FUND_PURCHASE_REFUSED' && (!followUp || !notices.has(followUp)))
      problems.push(`${p.purchase_id} refused (${effect.refusal_code}) but the customer was not told (event ${followUp ?? 'none'})`);
  }
  const summary = [...counts].map(([state, n]) => `${state} ${n}`).join(', ');
  return check(
    'every purchase in a final state',
    problems,
    `${purchases.length} purchase(s): ${summary || 'none'}${followUps ? '; bought ones moved their journey on, refused ones told the customer' : ''}`,
  );
}

/** `"0.0150"` → 150n / 10^4, or undefined when the text is not a plain decimal. */
function exactDecimal(text: string): { units: bigint; scale: number } | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  return match ? { units: BigInt(`${match[1]}${match[2] ?? ''}`), scale: (match[2] ?? '').length } : undefined;
}

/**
 * 6. Fees exact: recomputed here from the stored terms, on integers — the charged rate is exactly the
 * standard rate × the discount, the fee is amount × rate / (1 + rate) rounded half up to the fen
 * (外扣法), and the fund order carries the purchase's fee.
 */
function feeCheck(purchases: readonly any[], orders: readonly any[]): Check {
  const problems: string[] = [];
  let charged = 0;
  let withFee = 0;
  for (const p of purchases) {
    const standard = exactDecimal(String(p.standard_rate));
    const discount = exactDecimal(String(p.discount));
    const rate = exactDecimal(String(p.fee_rate));
    if (!standard || !discount || !rate) {
      problems.push(`${p.purchase_id}: terms ${p.standard_rate} × ${p.discount} = ${p.fee_rate} not decimal`);
      continue;
    }
    const one = 10n ** BigInt(rate.scale);
    if (rate.units * 10n ** BigInt(standard.scale + discount.scale) !== standard.units * discount.units * one)
      problems.push(`${p.purchase_id}: rate ${p.fee_rate} ≠ ${p.standard_rate} × ${p.discount}`);
    const amount = BigInt(Number(p.amount_fen));
    const fee = BigInt(Number(p.fee_fen));
    const den = one + rate.units;
    const twiceError = 2n * (fee * den - amount * rate.units);
    if (!(twiceError > -den && twiceError <= den))
      problems.push(
        `${p.purchase_id}: fee ${fenToYuan(Number(fee))} on ${fenToYuan(Number(amount))} at ${p.fee_rate} is not rounded exactly`,
      );
    for (const order of orders.filter((o) => o.purchase_id === p.purchase_id && o.kind === 'FUND_PURCHASE'))
      if (Number(order.fee_fen) !== Number(fee))
        problems.push(`${p.purchase_id}: fund order fee ${fenToYuan(Number(order.fee_fen))} ≠ ${fenToYuan(Number(fee))}`);
    charged += Number(fee);
    if (fee > 0n) withFee += 1;
  }
  return check(
    'fees exact',
    problems,
    `${purchases.length} purchase(s) recomputed from standard rate × discount: ${withFee} with a fee, ${fenToYuan(charged)} charged in total`,
  );
}

async function touchpointChecks(txcenter: Kysely<any>, since: number, received: readonly CustomerReceipt[]): Promise<Check[]> {
  const touchpoints = await txcenter
    .selectFrom('txc_touchpoint')
    .select(['event_id', 'customer_id', 'status', 'provider_id'])
    .where('created_at', '>=', since)
    .execute();
  const receiptsByKey = new Map<string, CustomerReceipt[]>();
  for (const receipt of received)
    receiptsByKey.set(receipt.idempotencyKey, [...(receiptsByKey.get(receipt.idempotencyKey) ?? []), receipt]);
  const known = new Set(touchpoints.map((t) => t.event_id as string));

  // 8. Blocked content never reached a customer; nothing reached one that was not a touch-point.
  const blocked = touchpoints.filter((t) => t.status === 'BLOCKED');
  const leaked = blocked.filter((t) => receiptsByKey.has(t.event_id)).map((t) => `${t.event_id} BLOCKED but received by ${t.customer_id}`);
  const unknown = received
    .filter((r) => !known.has(r.idempotencyKey))
    .map((r) => `${r.customerId} received ${r.idempotencyKey}, not a touch-point of this run`);
  const checks: Check[] = [
    check('no customer received blocked content', [...leaked, ...unknown], `${blocked.length} blocked touch-point(s), none received`),
  ];

  // 9. Every approved touch-point sent exactly once: SENT, one receipt, the provider id it was marked with.
  const sendProblems: string[] = [];
  for (const t of touchpoints.filter((t) => t.status !== 'BLOCKED')) {
    const receipts = receiptsByKey.get(t.event_id) ?? [];
    if (t.status !== 'SENT') sendProblems.push(`${t.event_id} is ${t.status}`);
    else if (receipts.length !== 1) sendProblems.push(`${t.event_id} received ${receipts.length} time(s)`);
    else if (receipts[0]!.providerId !== t.provider_id)
      sendProblems.push(`${t.event_id} marked with ${t.provider_id}, provider says ${receipts[0]!.providerId}`);
  }
  checks.push(
    check(
      'every approved touch-point sent exactly once',
      sendProblems,
      `${touchpoints.length - blocked.length} touch-point(s) each received once, marked SENT with the provider's id`,
    ),
  );
  return checks;
}

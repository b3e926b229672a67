import type { Kysely } from 'kysely';
import { FAULT_HEADER } from '../../examples/trading';
import { catalog } from '../../shared/engines/catalog';
import { TxClient } from '../../shared/engines/client';
import { fenToYuan, yuanToFen } from '../../shared/engines/events/discountPurchase';
import { createLogger } from '../../shared/logger';
import type { ReconcileReport } from '../../shared/engines/reconcile';
import { createReconciler, readReconcilerConfig } from '../../shared/engines/reconcile';
import { contextWithDeadline } from '../../shared/engines/invocation/InvocationContext';
import type { Database } from '../../shared/adapters/store/Database';
import { openDatabase } from '../../shared/adapters/store/openDatabase';
import type { ReceivedMessage } from './ChannelSink';
import { retryAsGatewayAsks } from './retryAsGatewayAsks';
import type { ReceivedAlert } from './DemoServer';
import type { CompanionEvent, PlannedPurchase } from './scenario';
import { DEMO_CUSTOMERS, planCompanionEvents, planPurchases, PURCHASE_FAULTS } from './scenario';
import type { Stack } from './stack';
import { API_ROUTES } from '../../shared/engines/console/api';
import { COMPANION_SYSTEM, LOCAL_CONSOLE_USERS } from './stack';
import type { Verdict } from './verdict';
import { judge } from './verdict';

export interface DemoOptions {
  readonly purchases: number;
  /** Concurrent purchase requests. */
  readonly concurrency?: number;
  /** Longest wait for the system to settle, per phase. */
  readonly settleTimeoutMs?: number;
  readonly progress?: (line: string) => void;
}

export interface PurchaseLine extends PlannedPurchase {
  readonly purchaseId: string | undefined;
  readonly httpStatus: number;
  /** What the trading system answered (committed, commit-pending, rolled-back; crashed = no answer). */
  readonly answer: string;
  readonly txId: string | undefined;
  readonly txState: string | undefined;
  /** Who decided: client, checkback, policy… */
  readonly decidedBy: string | undefined;
  readonly tradingState: string | undefined;
  readonly fundOrders: number;
  readonly deadLettered: boolean;
  readonly replayed: boolean;
  /** The subscription fee as the trading system stored it (standard rate × discount, exact). */
  readonly fee: { readonly standardRate: string; readonly discount: string; readonly feeRate: string; readonly fee: string } | undefined;
  /** One-line outcome for the report. */
  readonly outcome: string;
}

export interface CompanionLine {
  readonly tag: string;
  readonly title: string;
  readonly txId: string;
  readonly txState: string | undefined;
  readonly expectedGroups: readonly string[];
  readonly consumedBy: readonly string[];
}

/** A touch-point of the run and what became of it. */
export interface TouchpointLine {
  readonly eventId: string;
  readonly customerId: string;
  readonly channel: string;
  readonly kind: string;
  readonly title: string;
  readonly status: string;
  readonly detail: string;
}

export interface DemoReport {
  /** The independent verdict: true only when every consistency check held. */
  readonly consistent: boolean;
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly purchases: readonly PurchaseLine[];
  readonly companionEvents: readonly CompanionLine[];
  readonly touchpoints: readonly TouchpointLine[];
  /** What each customer received, as the channel providers recorded it. */
  readonly received: readonly ReceivedMessage[];
  /** Per subscriber group: what it consumed in this run, by tag. */
  readonly subscribers: Readonly<
    Record<string, { readonly completed: number; readonly deadLettered: number; readonly byTag: Readonly<Record<string, number>> }>
  >;
  readonly deadLetters: readonly {
    readonly id: string;
    readonly group: string;
    readonly key: string | null;
    readonly error: string;
    readonly attempts: number;
    readonly status: string;
  }[];
  readonly alerts: readonly ReceivedAlert[];
  readonly reconcile: ReconcileReport;
  readonly verdict: Verdict;
}

const POLL_MS = 500;
const DEFAULT_SETTLE_TIMEOUT_MS = 150_000;
const DEFAULT_CONCURRENCY = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sent {
  readonly plan: PlannedPurchase;
  readonly purchaseId: string | undefined;
  readonly txId: string | undefined;
  readonly httpStatus: number;
  readonly answer: string;
}

async function sendPurchase(stack: Stack, plan: PlannedPurchase): Promise<Sent> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (plan.fault !== PURCHASE_FAULTS.none) headers[FAULT_HEADER] = plan.fault;
  try {
    const response = await fetch(`${stack.urls.trading}/discount-purchase`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ customerId: plan.customerId, fundCode: plan.fundCode, amount: plan.amount }),
    });
    const body = (await response.json()) as { purchaseId?: string; txId?: string; outcome?: string; error?: { code: string } };
    return {
      plan,
      purchaseId: body.purchaseId,
      txId: body.txId,
      httpStatus: response.status,
      answer: body.outcome ?? body.error?.code ?? 'unknown',
    };
  } catch {
    // The simulated crash: no answer. The purchase is found in the trading DB by customer and amount below.
    return { plan, purchaseId: undefined, txId: undefined, httpStatus: 0, answer: 'no answer (crashed)' };
  }
}

/** Finds purchases the caller got no answer for (the crash fault), by what was requested. */
async function recoverCrashed(trading: Kysely<any>, sent: Sent[], since: number): Promise<Sent[]> {
  const known = new Set(sent.map((s) => s.purchaseId).filter(Boolean));
  const rows = await trading
    .selectFrom('trading_purchase')
    .select(['purchase_id', 'tx_id', 'customer_id', 'amount_fen', 'fund_code'])
    .where('created_at', '>=', since)
    .execute();
  return sent.map((s) => {
    if (s.purchaseId) return s;
    const row = rows.find(
      (r) =>
        !known.has(r.purchase_id) &&
        r.customer_id === s.plan.customerId &&
        r.fund_code === s.plan.fundCode &&
        Number(r.amount_fen) === yuanToFen(s.plan.amount),
    );
    if (!row) return s;
    known.add(row.purchase_id);
    return { ...s, purchaseId: row.purchase_id as string, txId: (row.tx_id as string | null) ?? undefined };
  });
}

async function mapLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index]!);
      }
    }),
  );
  return results;
}

/**
 * The discount-purchase demo against a running stack: seeds wallets, sends a realistic mix of
 * purchases and companion events, waits until the system settles (check-backs, retries, the dead
 * letter and its alert), replays the dead letter after "fixing" the trading system, runs the
 * reconciler, and builds the report with the independent consistency verdict.
 */
export async function runDemo(stack: Stack, options: DemoOptions): Promise<DemoReport> {
  const progress = options.progress ?? (() => undefined);
  const settleTimeoutMs = options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS;
  const started = Date.now();
  const runId = started.toString(36).toUpperCase();
  const cat = catalog();
  const txcenter: Database = await openDatabase(stack.txcenterDatabaseUrl);
  const trading = stack.trading.database.db;
  try {
    for (const customer of DEMO_CUSTOMERS) await stack.trading.store.openWallet(customer.customerId, customer.openingFen);
    const companion = new TxClient({ baseUrl: stack.urls.gateway, systemId: COMPANION_SYSTEM.id, secret: COMPANION_SYSTEM.secret });
    // A plain hand-off: no local transaction to make atomic with it, so no prepare, commit or check-back.
    const publishCompanion = async (event: CompanionEvent) => {
      const published = await retryAsGatewayAsks(() =>
        companion.publishEvent({ topic: 'TXC_COMPANION', tag: event.tag, businessKey: event.businessKey, payload: event.payload }),
      );
      return { event, txId: published.eventId };
    };
    const events = planCompanionEvents(runId);
    progress(`Publishing ${events.filter((e) => !e.late).length} companion events (operations, customer service, orchestration)…`);
    const published = await mapLimit(
      events.filter((e) => !e.late),
      4,
      publishCompanion,
    );

    const plans = planPurchases(options.purchases);
    progress(`Sending ${plans.length} discount purchases (${plans.filter((p) => p.fault !== 'none').length} with injected faults)…`);
    let done = 0;
    let sent = await mapLimit(plans, options.concurrency ?? DEFAULT_CONCURRENCY, async (plan) => {
      const result = await sendPurchase(stack, plan);
      done += 1;
      if (done % 10 === 0 || done === plans.length) progress(`  ${done}/${plans.length} purchases answered`);
      return result;
    });
    sent = await recoverCrashed(trading, sent, started);
    const purchaseIds = sent.map((s) => s.purchaseId).filter((id): id is string => id !== undefined);

    const settled = async (txIds: readonly string[]) => {
      const txs = await txcenter.db
        .selectFrom('txc_tx')
        .select(['tx_id', 'state', 'topic', 'tag'])
        .where('tx_id', 'in', [...txIds])
        .execute();
      const consumed = await txcenter.db
        .selectFrom('txc_consume_barrier')
        .select(['group_id', 'event_id', 'dedup_key', 'status'])
        .where((eb) => eb.or([eb('event_id', 'in', [...txIds]), eb('dedup_key', 'in', [...txIds])]))
        .execute();
      let pending = 0;
      for (const tx of txs) {
        if (tx.state === 'PREPARED') pending += 1;
        if (tx.state !== 'COMMITTED') continue;
        for (const group of cat.subscribersOf(tx.topic, tx.tag)) {
          if (
            !consumed.some(
              (c) =>
                (c.event_id ?? c.dedup_key) === tx.tx_id &&
                c.group_id === group.id &&
                (c.status === 'COMPLETED' || c.status === 'DEAD_LETTERED'),
            )
          )
            pending += 1;
        }
      }
      return { pending: pending + (txIds.length - txs.length) };
    };
    const waitSettled = async (label: string, txIds: () => Promise<string[]>) => {
      const until = Date.now() + settleTimeoutMs;
      let last = -1;
      for (;;) {
        const ids = await txIds();
        const { pending } = ids.length === 0 ? { pending: 0 } : await settled(ids);
        if (pending === 0) return;
        if (pending !== last) progress(`  ${label}: ${pending} decision(s)/deliveries outstanding…`);
        last = pending;
        if (Date.now() > until) {
          progress(`  ${label}: gave up waiting after ${Math.round(settleTimeoutMs / 1000)} s`);
          return;
        }
        await sleep(POLL_MS);
      }
    };
    const purchaseTxIds = async () => {
      const rows = await trading.selectFrom('trading_purchase').select('tx_id').where('purchase_id', 'in', purchaseIds).execute();
      return rows.map((r) => r.tx_id as string | null).filter((id): id is string => id !== null);
    };
    /** The orchestration consumer's follow-ups of the run's purchases (journey steps, refusal notices). */
    const followUpIds = async () => {
      const ids = await purchaseTxIds();
      if (ids.length === 0) return [];
      const rows = await txcenter.db.selectFrom('txc_slave_purchase').select('follow_up_event_id').where('tx_id', 'in', ids).execute();
      return rows.map((r) => r.follow_up_event_id as string | null).filter((id): id is string => id !== null);
    };
    const allTxIds = async () => [...(await purchaseTxIds()), ...published.map((p) => p.txId), ...(await followUpIds())];
    progress('Waiting for commits, check-backs, consumer retries and dead letters…');
    await waitSettled('settling', allTxIds);

    // The "always failing" purchase: wait for its dead letter and alert, fix the trading system, replay.
    const failing = sent.find((s) => s.plan.fault === PURCHASE_FAULTS.slaveFailAlways);
    const replayedIds: string[] = [];
    if (failing?.txId) {
      const until = Date.now() + settleTimeoutMs;
      let letter: { id: string } | undefined;
      while (!letter && Date.now() < until) {
        letter = await txcenter.db
          .selectFrom('txc_dead_letter')
          .select('id')
          .where('dedup_key', '=', failing.txId)
          .where('group_id', '=', 'GID_TXC_ORCH_TRADE')
          .executeTakeFirst();
        if (!letter) await sleep(POLL_MS);
      }
      while (stack.demoServer.alerts.length === 0 && Date.now() < until) await sleep(POLL_MS);
      if (letter) {
        progress(
          `Dead letter ${letter.id} for ${failing.purchaseId} received, ${stack.demoServer.alerts.length} alert(s) at the webhook. Fixing the trading system and replaying…`,
        );
        await fetch(`${stack.urls.trading}/admin/faults/clear-slave?purchaseId=${failing.purchaseId}`, { method: 'POST' });
        // Through tx-console as an operator would: preview first, then execute.
        const replay = (dryRun: boolean) =>
          fetch(`${stack.urls.console}${API_ROUTES.deadLetterReplay}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${LOCAL_CONSOLE_USERS.operator.token}` },
            body: JSON.stringify({ filter: { ids: [letter.id] }, dryRun }),
          });
        const preview = await replay(true);
        progress(`  replay preview answered ${preview.status}: ${(await preview.text()).slice(0, 200)}`);
        const executed = await replay(false);
        progress(`  replay answered ${executed.status}: ${(await executed.text()).slice(0, 200)}`);
        replayedIds.push(letter.id);
        const slaveUntil = Date.now() + settleTimeoutMs;
        while (Date.now() < slaveUntil) {
          const effect = await txcenter.db
            .selectFrom('txc_slave_purchase')
            .select('tx_id')
            .where('tx_id', '=', failing.txId)
            .executeTakeFirst();
          if (effect) break;
          await sleep(POLL_MS);
        }
      } else progress('  no dead letter arrived for the failing purchase');
    }

    const late = events.filter((e) => e.late);
    progress(`Publishing ${late.length} follow-up companion events…`);
    for (const event of late) published.push(await publishCompanion(event));
    await waitSettled('follow-ups', allTxIds);

    progress('Waiting for the touch-point sender (compliance-approved content only)…');
    const unsent = async () =>
      (
        await txcenter.db
          .selectFrom('txc_touchpoint')
          .select('event_id')
          .where('created_at', '>=', started)
          .where('status', 'in', ['PENDING_REVIEW', 'APPROVED', 'SENDING'])
          .execute()
      ).length;
    const sendUntil = Date.now() + settleTimeoutMs;
    while ((await unsent()) > 0 && Date.now() < sendUntil) await sleep(POLL_MS);

    progress('Running the reconciler…');
    const { reconciler, reports } = createReconciler(
      readReconcilerConfig(stack.environment),
      txcenter,
      createLogger('reconciler', 'warn', stack.logStream),
    );
    const reconcile = await reconciler.run(contextWithDeadline(`demo-${runId}`, 'reconciler', Date.now() + 60_000));
    await reports.save(reconcile);

    // The consumer's follow-ups are companion events of the run too: judged and reported with the others.
    const followUps = await followUpEventsOf(txcenter.db, await followUpIds());
    published.push(...followUps);
    const verdict = await judge(trading, txcenter.db, cat, {
      purchaseIds,
      companionTxIds: published.map((p) => p.txId),
      touchpointsSince: started,
      received: stack.channelSink.received,
      followUps: true,
    });
    return await buildReport({ runId, started, sent, published, replayedIds, stack, txcenter: txcenter.db, trading, reconcile, verdict });
  } finally {
    await txcenter.close();
  }
}

/** Follow-up plain events as companion lines of the report (the orchestration consumer published them). */
async function followUpEventsOf(txcenter: Kysely<any>, ids: readonly string[]): Promise<{ event: CompanionEvent; txId: string }[]> {
  if (ids.length === 0) return [];
  const rows = await txcenter
    .selectFrom('txc_tx')
    .select(['tx_id', 'tag', 'business_key'])
    .where('tx_id', 'in', [...ids])
    .execute();
  return rows.map((row) => ({
    txId: row.tx_id as string,
    event: {
      tag: row.tag as CompanionEvent['tag'],
      businessKey: row.business_key as string,
      title: row.tag === 'ORCHESTRATION' ? '投中→投后：优惠购完成 (by the consumer)' : '优惠购未成功通知 (by the consumer)',
      payload: {},
    },
  }));
}

async function buildReport(input: {
  runId: string;
  started: number;
  sent: readonly Sent[];
  published: readonly { event: CompanionEvent; txId: string }[];
  replayedIds: readonly string[];
  stack: Stack;
  txcenter: Kysely<any>;
  trading: Kysely<any>;
  reconcile: ReconcileReport;
  verdict: Verdict;
}): Promise<DemoReport> {
  const { sent, published, txcenter, trading } = input;
  const cat = catalog();
  const purchaseIds = sent.map((s) => s.purchaseId).filter((id): id is string => id !== undefined);
  const purchases = purchaseIds.length
    ? await trading.selectFrom('trading_purchase').selectAll().where('purchase_id', 'in', purchaseIds).execute()
    : [];
  const txIds = [...purchases.map((p) => p.tx_id).filter(Boolean), ...published.map((p) => p.txId)] as string[];
  const txs = txIds.length
    ? await txcenter.selectFrom('txc_tx').select(['tx_id', 'state', 'reason', 'topic', 'tag']).where('tx_id', 'in', txIds).execute()
    : [];
  const consumption = txIds.length
    ? await txcenter
        .selectFrom('txc_consume_barrier')
        .select(['group_id', 'event_id', 'dedup_key', 'status', 'tag'])
        .where((eb) => eb.or([eb('event_id', 'in', txIds), eb('dedup_key', 'in', txIds)]))
        .execute()
    : [];
  const orders = txIds.length
    ? await trading.selectFrom('trading_order').select(['tx_id', 'kind']).where('tx_id', 'in', txIds).execute()
    : [];
  const letters = txIds.length ? await txcenter.selectFrom('txc_dead_letter').selectAll().where('dedup_key', 'in', txIds).execute() : [];
  const lines: PurchaseLine[] = sent.map((s) => {
    const row = purchases.find((p) => p.purchase_id === s.purchaseId);
    const txId = (row?.tx_id as string | null) ?? s.txId;
    const tx = txs.find((t) => t.tx_id === txId);
    const fundOrders = orders.filter((o) => o.tx_id === txId && o.kind === 'FUND_PURCHASE').length;
    const deadLettered = letters.some((l) => l.dedup_key === txId);
    const replayed = letters.some((l) => l.dedup_key === txId && input.replayedIds.includes(l.id as string));
    let outcome = 'not prepared';
    if (tx?.state === 'ROLLED_BACK') outcome = 'rolled back — nothing delivered';
    else if (tx?.state === 'COMMITTED') {
      outcome = tx.reason === 'checkback' ? 'committed by check-back' : 'committed';
      if (deadLettered) outcome += replayed ? ' → dead letter → replayed' : ' → dead letter';
      if (row?.state === 'FUND_PURCHASE_REFUSED')
        outcome += `, refused for good (${row.refusal_code}): money stays in the wallet, customer told`;
      else outcome += fundOrders === 1 ? ', fund bought once' : `, ${fundOrders} fund orders`;
    } else if (tx) outcome = `still ${tx.state}`;
    return {
      ...s.plan,
      purchaseId: s.purchaseId,
      httpStatus: s.httpStatus,
      answer: s.answer,
      txId,
      txState: tx?.state,
      decidedBy: tx?.reason ?? undefined,
      tradingState: row?.state,
      fundOrders,
      deadLettered,
      replayed,
      fee: row && {
        standardRate: row.standard_rate as string,
        discount: row.discount as string,
        feeRate: row.fee_rate as string,
        fee: fenToYuan(Number(row.fee_fen)),
      },
      outcome,
    };
  });
  const companionEvents: CompanionLine[] = published.map(({ event, txId }) => {
    const tx = txs.find((t) => t.tx_id === txId);
    return {
      tag: event.tag,
      title: event.title,
      txId,
      txState: tx?.state,
      expectedGroups: cat.subscribersOf('TXC_COMPANION', event.tag).map((g) => g.id),
      consumedBy: consumption
        .filter((c) => (c.event_id ?? c.dedup_key) === txId && c.status === 'COMPLETED')
        .map((c) => c.group_id as string),
    };
  });
  const subscribers: Record<string, { completed: number; deadLettered: number; byTag: Record<string, number> }> = {};
  for (const group of cat.groups) subscribers[group.id] = { completed: 0, deadLettered: 0, byTag: {} };
  for (const c of consumption) {
    const entry = (subscribers[c.group_id as string] ??= { completed: 0, deadLettered: 0, byTag: {} });
    if (c.status === 'COMPLETED') {
      entry.completed += 1;
      const tag = (c.tag as string | null) ?? '?';
      entry.byTag[tag] = (entry.byTag[tag] ?? 0) + 1;
    } else if (c.status === 'DEAD_LETTERED') entry.deadLettered += 1;
  }
  const touchpointRows = await txcenter
    .selectFrom('txc_touchpoint')
    .selectAll()
    .where('created_at', '>=', input.started)
    .orderBy('created_at')
    .execute();
  const touchpoints: TouchpointLine[] = touchpointRows.map((t) => {
    const findings = t.review_findings ? (JSON.parse(t.review_findings as string) as { rule: string }[]).map((f) => f.rule) : [];
    const detail =
      t.status === 'SENT'
        ? `provider id ${t.provider_id}`
        : t.status === 'BLOCKED'
          ? `compliance: ${findings.join(', ')}`
          : ((t.failure_reason as string | null) ?? '');
    return {
      eventId: t.event_id as string,
      customerId: t.customer_id as string,
      channel: t.channel as string,
      kind: t.kind as string,
      title: t.title as string,
      status: t.status as string,
      detail,
    };
  });
  const finished = Date.now();
  return {
    consistent: input.verdict.consistent,
    runId: input.runId,
    startedAt: new Date(input.started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationSeconds: Math.round((finished - input.started) / 100) / 10,
    purchases: lines,
    companionEvents,
    touchpoints,
    received: [...input.stack.channelSink.received],
    subscribers,
    deadLetters: letters.map((l) => ({
      id: l.id as string,
      group: l.group_id as string,
      key: l.message_key as string | null,
      error: `${l.error_code}: ${l.error_message}`,
      attempts: Number(l.attempts),
      status: l.status as string,
    })),
    alerts: [...input.stack.demoServer.alerts],
    reconcile: input.reconcile,
    verdict: input.verdict,
  };
}

import type { AlertSink } from '../alert/AlertSink';
import type { BusinessSystems } from '../auth';
import type { Catalog, TagDef } from '../catalog';
import type { InvocationContext } from '../invocation/InvocationContext';
import type { Logger } from '../../logger';
import type { ReceivedMessage } from '../../adapters/mq';
import type { DeliveryOutcome, TxBroker, TxDecision, TxRecord, TxStore } from '../tx';
import { deliverDecision, TX_STATES } from '../tx';
import type { CheckResult } from './askBusinessSystem';
import { askBusinessSystem } from './askBusinessSystem';

/** Stop pulling when less than this is left of the invocation (a check-back call plus a broker call). */
export const DEFAULT_SAFETY_MARGIN_MS = 5_000;
/** Longest wait for a business system's check-back answer (half-message handles live ~10 s). */
export const DEFAULT_CHECKBACK_TIMEOUT_MS = 3_000;
/** Half messages per pull (the protocol's maximum). */
const PULL_BATCH = 16;

export interface CheckbackDeps {
  readonly store: TxStore;
  readonly broker: TxBroker;
  readonly catalog: Catalog;
  readonly systems: BusinessSystems;
  readonly alerts: AlertSink;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  /** @default 5000 */
  readonly safetyMarginMs?: number;
  /** @default 3000 */
  readonly checkbackTimeoutMs?: number;
}

/** What one run did, per half message outcome. */
export interface CheckbackReport {
  examined: number;
  /** Settled at the broker from an already stored decision (e.g. the client's commit was lost). */
  fromStore: number;
  /** Decided now by the business system's answer. */
  byBusinessSystem: number;
  /** Still PREPARED after an UNKNOWN answer: the broker offers it again later. */
  undecided: number;
  /** Decided by the scenario's undecided policy (with an alert). */
  byPolicy: number;
  /** Half messages with no stored transaction: rolled back (with an alert). */
  orphans: number;
  /** Decisions stored but not accepted by the broker this time (retried at the next offer). */
  deliveryPending: number;
  /** Messages whose handling failed unexpectedly (left for the next offer). */
  failed: number;
}

/**
 * tx-checkback's engine: drains `consumeHalf` of every transactional topic within the invocation's
 * time budget and resolves each half message — from the stored decision when there is one, else by
 * asking the business system, else (after maxChecks or maxAge) by the scenario's undecided policy
 * with an alert. Nothing is parked silently; every check is on the transaction's timeline.
 */
export class CheckbackRunner {
  private readonly now: () => number;
  private readonly safetyMarginMs: number;
  private readonly checkbackTimeoutMs: number;

  constructor(private readonly deps: CheckbackDeps) {
    this.now = deps.now ?? Date.now;
    this.safetyMarginMs = deps.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
    this.checkbackTimeoutMs = deps.checkbackTimeoutMs ?? DEFAULT_CHECKBACK_TIMEOUT_MS;
  }

  async run(context: InvocationContext): Promise<CheckbackReport> {
    const report: CheckbackReport = {
      examined: 0,
      fromStore: 0,
      byBusinessSystem: 0,
      undecided: 0,
      byPolicy: 0,
      orphans: 0,
      deliveryPending: 0,
      failed: 0,
    };
    for (const topic of this.deps.catalog.topics.filter((t) => t.messageType === 'transactional')) {
      while (context.remainingMs() > this.safetyMarginMs) {
        const messages = await this.deps.broker.consumeHalf(topic.name, this.deps.catalog.checkGroup, {
          maxMessages: PULL_BATCH,
          waitSeconds: 0,
        });
        if (messages.length === 0) break;
        report.examined += messages.length;
        await Promise.all(messages.map((message) => this.handleSafely(topic.name, message, context, report)));
      }
    }
    this.deps.logger.info({ ...report }, 'check-back run finished');
    return report;
  }

  private async handleSafely(topic: string, message: ReceivedMessage, context: InvocationContext, report: CheckbackReport): Promise<void> {
    try {
      await this.handle(topic, message, context, report);
    } catch (error) {
      // One bad message never blocks its batch: the broker offers it again at the next check.
      report.failed += 1;
      this.deps.logger.error({ err: error, topic, messageId: message.messageId }, 'half message check failed');
    }
  }

  private async handle(topic: string, message: ReceivedMessage, context: InvocationContext, report: CheckbackReport): Promise<void> {
    const txId = message.key;
    const tx = txId ? await this.deps.store.get(txId) : undefined;
    if (!tx) return this.rollbackOrphan(topic, message, report);
    if (tx.state !== TX_STATES.prepared) {
      report.fromStore += 1;
      return this.settle(tx, tx.state === TX_STATES.committed ? 'COMMIT' : 'ROLLBACK', message, report);
    }
    const scenario = this.deps.catalog.tag(tx.topic, tx.tag);
    if (!scenario || this.exhausted(tx, tx.checkCount, scenario)) return this.applyPolicy(tx, scenario, message, report);

    const result = await this.ask(tx, context);
    const checks = await this.deps.store.recordCheck(
      tx.txId,
      { answer: result.answer, detail: result.detail, messageId: message.messageId },
      this.now(),
    );
    if (result.answer === 'UNKNOWN') {
      if (scenario && this.exhausted(tx, checks, scenario)) return this.applyPolicy(tx, scenario, message, report);
      report.undecided += 1;
      return;
    }
    report.byBusinessSystem += 1;
    await this.deps.store.decide(
      tx.txId,
      result.answer,
      { actor: 'checkback', reason: 'checkback', detail: { check: checks } },
      this.now(),
    );
    await this.settleStored(tx.txId, message, report);
  }

  private exhausted(tx: TxRecord, checks: number, scenario: TagDef): boolean {
    return checks >= scenario.maxChecks || this.now() - tx.createdAt >= scenario.maxAgeSeconds * 1000;
  }

  private async ask(tx: TxRecord, context: InvocationContext): Promise<CheckResult> {
    const system = this.deps.systems.get(tx.systemId);
    if (!system) return { answer: 'UNKNOWN', detail: 'system not configured' };
    const timeoutMs = Math.max(1, Math.min(this.checkbackTimeoutMs, context.remainingMs() - this.safetyMarginMs / 2));
    return askBusinessSystem(
      system,
      { txId: tx.txId, businessKey: tx.businessKey, topic: tx.topic, tag: tx.tag, check: tx.checkCount + 1 },
      { path: tx.checkbackPath, timeoutMs, now: this.now, fetch: this.deps.fetch },
    );
  }

  /** maxChecks or maxAge reached: apply the scenario's policy (default roll back) and alert. */
  private async applyPolicy(tx: TxRecord, scenario: TagDef | undefined, message: ReceivedMessage, report: CheckbackReport): Promise<void> {
    const policy = scenario?.undecidedPolicy ?? 'rollback-and-alert';
    const decision: TxDecision = policy === 'commit-and-alert' ? 'COMMIT' : 'ROLLBACK';
    const ageSeconds = Math.round((this.now() - tx.createdAt) / 1000);
    const won = await this.deps.store.decide(
      tx.txId,
      decision,
      { actor: 'policy', reason: 'undecided-policy', detail: { policy, ageSeconds } },
      this.now(),
    );
    report.byPolicy += won ? 1 : 0;
    report.fromStore += won ? 0 : 1;
    if (won) {
      await this.deps.alerts.raise({
        kind: 'tx-undecided-policy',
        severity: 'critical',
        title: `Transaction ${tx.txId} ${decision === 'COMMIT' ? 'committed' : 'rolled back'} by policy`,
        text: `System ${tx.systemId} never decided ${tx.topic}/${tx.tag} transaction ${tx.txId} (businessKey ${tx.businessKey}) within ${scenario?.maxChecks ?? 0} checks or ${scenario?.maxAgeSeconds ?? 0} s; policy ${policy} applied after ${ageSeconds} s.`,
        incidentKey: `tx-undecided-policy:${tx.systemId}:${tx.topic}:${tx.tag}`,
        details: { txId: tx.txId, systemId: tx.systemId, topic: tx.topic, tag: tx.tag, policy, checks: tx.checkCount },
      });
    }
    await this.settleStored(tx.txId, message, report);
  }

  /** Delivers whatever decision is stored now (ours or a concurrent client's). */
  private async settleStored(txId: string, message: ReceivedMessage, report: CheckbackReport): Promise<void> {
    const current = (await this.deps.store.get(txId))!;
    await this.settle(current, current.state === TX_STATES.committed ? 'COMMIT' : 'ROLLBACK', message, report);
  }

  private async settle(tx: TxRecord, decision: TxDecision, message: ReceivedMessage, report: CheckbackReport): Promise<void> {
    const outcome: DeliveryOutcome = await deliverDecision(
      { store: this.deps.store, broker: this.deps.broker, checkGroup: this.deps.catalog.checkGroup, now: this.now },
      tx,
      decision,
      message.receiptHandle,
      'checkback',
    );
    if (outcome === 'pending-checkback') report.deliveryPending += 1;
  }

  /** A half message no stored transaction explains (foreign, or a publish whose row was lost): roll back. */
  private async rollbackOrphan(topic: string, message: ReceivedMessage, report: CheckbackReport): Promise<void> {
    await this.deps.broker.rollback(topic, this.deps.catalog.checkGroup, message.receiptHandle);
    report.orphans += 1;
    await this.deps.alerts.raise({
      kind: 'tx-orphan-half-message',
      severity: 'warning',
      title: `Half message without a transaction rolled back on ${topic}`,
      text: `Half message ${message.messageId} (key ${message.key ?? 'none'}, tag ${message.tag ?? 'none'}) on ${topic} has no stored transaction; it was rolled back.`,
      incidentKey: `tx-orphan-half-message:${topic}`,
      details: { topic, messageId: message.messageId, key: message.key, tag: message.tag },
    });
  }
}

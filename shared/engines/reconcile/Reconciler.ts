import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AlertOutbox } from '../alert/AlertSink';
import type { BusinessSystems } from '../auth';
import type { Catalog } from '../catalog';
import { askBusinessSystem } from '../checkback/askBusinessSystem';
import type { CheckResult } from '../checkback/askBusinessSystem';
import type { ConsumerTables } from '../consumer/tables';
import type { InvocationContext } from '../invocation/InvocationContext';
import type { Logger } from '../../logger';
import type { TxRecord, TxStore, TxTables } from '../tx';
import type { ReconcilePolicy } from './policy';
import { DEFAULT_RECONCILE_POLICY } from './policy';
import type { DeadLetterBacklog, DomainCheck, DomainCheckResult, MissingConsumption, ReconcileReport, StuckTransaction } from './types';
import { STUCK_ACTIONS } from './types';

/** Consumption records that count as "the subscriber handled it" (a dead letter is reported as DLQ backlog instead). */
const HANDLED_BARRIER_STATUSES = ['COMPLETED', 'DEAD_LETTERED'];
/** Stop starting new work when less than this is left of the invocation. */
const SAFETY_MARGIN_MS = 5_000;
const CHECKBACK_TIMEOUT_MS = 3_000;
/** Transaction ids per consumption query. */
const QUERY_CHUNK = 200;
const MS_PER_SECOND = 1_000;

/**
 * Re-publishes a committed transaction's message with its original key (the reconciler's only broker
 * call), addressed to one group so the topic's other subscribers ignore the copy.
 */
export interface Republisher {
  republish(
    tx: { topic: string; tag: string; txId: string; body: string; properties: Readonly<Record<string, string>> | undefined },
    group: string,
  ): Promise<void>;
}

interface DeadLetterTables {
  txc_dead_letter: { group_id: string; replayed_at: number | string | null; dead_lettered_at: number | string };
}

export interface ReconcilerDeps {
  // Reads span the tx, consumer and dead-letter tables of the one schema.
  readonly db: Kysely<TxTables & ConsumerTables & DeadLetterTables>;
  readonly store: TxStore;
  readonly catalog: Catalog;
  readonly systems: BusinessSystems;
  readonly republisher: Republisher;
  /** Drift and undecided-policy alerts; each run also re-sends consumer alerts whose sender crashed. */
  readonly alerts: AlertOutbox;
  readonly logger: Logger;
  readonly policy?: ReconcilePolicy;
  /** Checks the domains add (touch-points waiting for compliance…); run after the transaction checks. */
  readonly domainChecks?: readonly DomainCheck[];
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/**
 * The reconciler's engine (DESIGN.md §2.1): finds transactions stuck in PREPARED (the broker stopped
 * offering them, or never had them) and re-drives their check-back; finds committed transactions
 * whose expected subscribers (`catalog.subscribersOf`) recorded no consumption within the group's
 * SLA and re-publishes them with the same key (consumers are idempotent on it); counts the DLQ
 * backlog. Every repair is one the normal flow would make, so running it twice is harmless.
 */
export class Reconciler {
  private readonly now: () => number;
  private readonly policy: ReconcilePolicy;

  constructor(private readonly deps: ReconcilerDeps) {
    this.now = deps.now ?? Date.now;
    this.policy = deps.policy ?? DEFAULT_RECONCILE_POLICY;
  }

  async run(context: InvocationContext): Promise<ReconcileReport> {
    const startedAt = this.now();
    const hasTime = () => context.remainingMs() > SAFETY_MARGIN_MS;
    const stuckPrepared: StuckTransaction[] = [];
    const missingConsumption: MissingConsumption[] = [];
    let truncated = false;
    for (const tx of await this.stuckCandidates()) {
      if (!hasTime()) {
        truncated = true;
        break;
      }
      const stuck = await this.redrive(tx);
      if (stuck) stuckPrepared.push(stuck);
    }
    for (const gap of await this.committedWithGaps()) {
      if (!hasTime()) {
        truncated = true;
        break;
      }
      const missing = await this.republish(gap);
      if (missing) missingConsumption.push(missing);
    }
    const deadLetters = await this.deadLetterBacklog();
    const domainChecks: DomainCheckResult[] = [];
    for (const check of this.deps.domainChecks ?? []) {
      if (!hasTime()) {
        truncated = true;
        break;
      }
      domainChecks.push(await check.run(this.now()));
    }
    const report: ReconcileReport = {
      runId: randomUUID(),
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(this.now()).toISOString(),
      stuckPrepared,
      missingConsumption,
      deadLetters,
      domainChecks,
      clean:
        stuckPrepared.length === 0 &&
        missingConsumption.length === 0 &&
        deadLetters.total === 0 &&
        domainChecks.every((check) => check.findings.length === 0),
      truncated,
    };
    await this.alertOnDrift(report);
    // The outbox sweep: alerts recorded with their effect but never sent (a crash between commit and send).
    const alertsResent = await this.deps.alerts.resendUnsent();
    this.deps.logger.info(
      {
        alertsResent,
        runId: report.runId,
        stuck: stuckPrepared.length,
        missing: missingConsumption.length,
        deadLetters: deadLetters.total,
        truncated,
      },
      'reconciliation finished',
    );
    return report;
  }

  private async stuckCandidates(): Promise<TxRecord[]> {
    const minImmunity = Math.min(...this.deps.catalog.topics.flatMap((topic) => topic.tags.map((tag) => tag.checkImmunitySeconds)));
    const before = this.now() - (minImmunity + this.policy.stuckAfterSeconds) * MS_PER_SECOND;
    const rows = await this.deps.db
      .selectFrom('txc_tx')
      .select('tx_id')
      .where('state', '=', 'PREPARED')
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(this.policy.batchLimit)
      .execute();
    const records = await Promise.all(rows.map((row) => this.deps.store.get(row.tx_id)));
    return records.filter((tx): tx is TxRecord => tx !== undefined && tx.state === 'PREPARED');
  }

  /** Asks the business system, as tx-checkback would; past the scenario's max age applies its policy. */
  private async redrive(tx: TxRecord): Promise<StuckTransaction | undefined> {
    const scenario = this.deps.catalog.tag(tx.topic, tx.tag);
    const ageSeconds = Math.round((this.now() - tx.createdAt) / MS_PER_SECOND);
    if (scenario && ageSeconds < scenario.checkImmunitySeconds + this.policy.stuckAfterSeconds) return undefined;
    const base = { txId: tx.txId, systemId: tx.systemId, businessKey: tx.businessKey, topic: tx.topic, tag: tx.tag, ageSeconds };
    const result = await this.ask(tx);
    await this.deps.store.recordCheck(tx.txId, { answer: result.answer, detail: result.detail, by: 'reconciler' }, this.now());
    if (result.answer !== 'UNKNOWN') {
      await this.deps.store.decide(
        tx.txId,
        result.answer,
        { actor: 'reconciler', reason: 'checkback', detail: { redriven: true } },
        this.now(),
      );
      return { ...base, action: STUCK_ACTIONS.decided, decision: result.answer, detail: `business system answered ${result.answer}` };
    }
    if (!scenario || ageSeconds >= scenario.maxAgeSeconds) {
      const policy = scenario?.undecidedPolicy ?? 'rollback-and-alert';
      const decision = policy === 'commit-and-alert' ? 'COMMIT' : 'ROLLBACK';
      const won = await this.deps.store.decide(
        tx.txId,
        decision,
        { actor: 'policy', reason: 'undecided-policy', detail: { policy, ageSeconds, by: 'reconciler' } },
        this.now(),
      );
      if (won) {
        await this.deps.alerts.raise({
          kind: 'tx-undecided-policy',
          severity: 'critical',
          title: `Transaction ${tx.txId} ${decision === 'COMMIT' ? 'committed' : 'rolled back'} by policy (reconciler)`,
          text: `System ${tx.systemId} never decided ${tx.topic}/${tx.tag} transaction ${tx.txId} (businessKey ${tx.businessKey}); the reconciler applied ${policy} after ${ageSeconds} s.`,
          incidentKey: `tx-undecided-policy:${tx.systemId}:${tx.topic}:${tx.tag}`,
          details: { txId: tx.txId, policy },
        });
      }
      return { ...base, action: STUCK_ACTIONS.policyApplied, decision, detail: `${result.detail}; ${policy} applied` };
    }
    return { ...base, action: STUCK_ACTIONS.stillUnknown, detail: result.detail };
  }

  private ask(tx: TxRecord): Promise<CheckResult> {
    const system = this.deps.systems.get(tx.systemId);
    if (!system) return Promise.resolve({ answer: 'UNKNOWN', detail: 'system not configured' });
    return askBusinessSystem(
      system,
      { txId: tx.txId, businessKey: tx.businessKey, topic: tx.topic, tag: tx.tag, check: tx.checkCount + 1 },
      { path: tx.checkbackPath, timeoutMs: CHECKBACK_TIMEOUT_MS, now: this.now, fetch: this.deps.fetch },
    );
  }

  private slaSecondsOf(group: { consumeSlaSeconds: number }): number {
    return Math.min(group.consumeSlaSeconds, this.policy.maxConsumeSlaSeconds ?? Number.POSITIVE_INFINITY);
  }

  /** Committed transactions past the shortest SLA, with what each expected group still lacks (one query per chunk, not per transaction). */
  private async committedWithGaps(): Promise<{ txId: string; secondsSinceCommit: number; missingGroups: string[] }[]> {
    const minSla = Math.min(...this.deps.catalog.groups.map((group) => this.slaSecondsOf(group)));
    const now = this.now();
    const rows = await this.deps.db
      .selectFrom('txc_tx')
      .select(['tx_id', 'topic', 'tag', 'decided_at', 'created_at'])
      .where('state', '=', 'COMMITTED')
      .where('decided_at', '<', now - minSla * MS_PER_SECOND)
      .where('decided_at', '>', now - this.policy.lookbackSeconds * MS_PER_SECOND)
      .orderBy('decided_at', 'desc')
      .limit(this.policy.batchLimit * 4)
      .execute();
    const gaps: { txId: string; secondsSinceCommit: number; missingGroups: string[] }[] = [];
    for (let offset = 0; offset < rows.length; offset += QUERY_CHUNK) {
      const chunk = rows.slice(offset, offset + QUERY_CHUNK);
      const ids = chunk.map((row) => row.tx_id);
      // Groups deduplicating by key record the txId as dedup_key from the first attempt; event_id is set on success.
      const handled = await this.deps.db
        .selectFrom('txc_consume_barrier')
        .select(['group_id', 'event_id', 'dedup_key'])
        .where((eb) => eb.or([eb('event_id', 'in', ids), eb('dedup_key', 'in', ids)]))
        .where('status', 'in', HANDLED_BARRIER_STATUSES as never)
        .execute();
      const handledKeys = new Set(handled.flatMap((row) => [`${row.group_id}/${row.event_id}`, `${row.group_id}/${row.dedup_key}`]));
      for (const row of chunk) {
        const secondsSinceCommit = Math.round((now - Number(row.decided_at ?? row.created_at)) / MS_PER_SECOND);
        const missingGroups = this.deps.catalog
          .subscribersOf(row.topic, row.tag)
          .filter((group) => secondsSinceCommit >= this.slaSecondsOf(group) && !handledKeys.has(`${group.id}/${row.tx_id}`))
          .map((group) => group.id);
        if (missingGroups.length > 0) gaps.push({ txId: row.tx_id, secondsSinceCommit, missingGroups });
      }
    }
    return gaps;
  }

  private async republish(gap: {
    txId: string;
    secondsSinceCommit: number;
    missingGroups: string[];
  }): Promise<MissingConsumption | undefined> {
    const tx = await this.deps.store.get(gap.txId);
    if (!tx) return undefined;
    const base = {
      txId: tx.txId,
      topic: tx.topic,
      tag: tx.tag,
      missingGroups: gap.missingGroups,
      secondsSinceCommit: gap.secondsSinceCommit,
    };
    try {
      for (const group of gap.missingGroups)
        await this.deps.republisher.republish(
          { topic: tx.topic, tag: tx.tag, txId: tx.txId, body: tx.body, properties: tx.properties },
          group,
        );
      return { ...base, republished: true };
    } catch (error) {
      return { ...base, republished: false, error: (error as Error).message };
    }
  }

  private async deadLetterBacklog(): Promise<DeadLetterBacklog> {
    const rows = await this.deps.db
      .selectFrom('txc_dead_letter')
      .select(({ fn }) => ['group_id', fn.countAll<number>().as('count'), fn.min('dead_lettered_at').as('oldest')])
      .where('replayed_at', 'is', null)
      .groupBy('group_id')
      .execute();
    const now = this.now();
    const byGroup = rows.map((row) => ({
      group: row.group_id,
      count: Number(row.count),
      oldestAgeSeconds: Math.round((now - Number(row.oldest)) / MS_PER_SECOND),
    }));
    return { total: byGroup.reduce((sum, group) => sum + group.count, 0), byGroup };
  }

  /** One alert per kind of drift found (the incident key aggregates repeats across runs). */
  private async alertOnDrift(report: ReconcileReport): Promise<void> {
    for (const check of report.domainChecks ?? []) {
      if (check.findings.length === 0) continue;
      await this.deps.alerts.raise({
        kind: `reconcile-${check.name}`,
        severity: 'warning',
        title: `Reconciliation: ${check.findings.length} ${check.name} finding(s)`,
        text: check.findings
          .slice(0, 10)
          .map((f) => `- ${f.id}: ${f.detail}`)
          .join('\n'),
        incidentKey: `reconcile-${check.name}`,
        details: { runId: report.runId, ids: check.findings.map((f) => f.id) },
      });
    }
    if (report.missingConsumption.length === 0 && report.stuckPrepared.length === 0) return;
    await this.deps.alerts.raise({
      kind: 'reconcile-drift',
      severity: 'warning',
      title: 'Reconciliation found drift and repaired it',
      text: `${report.stuckPrepared.length} transaction(s) stuck in PREPARED re-driven; ${report.missingConsumption.length} committed transaction(s) with missing consumption re-published.`,
      incidentKey: 'reconcile-drift',
      details: {
        runId: report.runId,
        stuck: report.stuckPrepared.map((s) => s.txId),
        missing: report.missingConsumption.map((m) => m.txId),
      },
    });
  }
}

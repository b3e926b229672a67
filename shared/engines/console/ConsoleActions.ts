import type { BusinessSystems } from '../auth';
import { askBusinessSystem } from '../checkback/askBusinessSystem';
import type { MessagePublisher } from '../consumer/ConsumerRuntime';
import type { DeadLetterFilter, DeadLetterStore } from '../dlq/DeadLetterStore';
import { DEAD_LETTER_STATUSES } from '../dlq/DeadLetterStore';
import { replayDeadLetters } from '../dlq/replayDeadLetters';
import type { TxCoordinator, TxRecord, TxStore } from '../tx';
import { TX_STATES } from '../tx';
import type { CheckNowResult, DecisionBody, DecisionResult, ReplayBody, ReplayReport } from './api';
import { MAX_REPLAY_IDS } from './api';
import { ConsoleError } from './errors';
import type { Operator } from './operators';
import type { ImmunityOf } from './views';
import { txSummary } from './views';

/** Longest wait for a business system's answer to a check asked from the console. */
export const CONSOLE_CHECK_TIMEOUT_MS = 5_000;

export interface ConsoleActionDeps {
  readonly store: TxStore;
  readonly coordinator: TxCoordinator;
  readonly systems: BusinessSystems;
  readonly deadLetters: DeadLetterStore;
  readonly publisher: MessagePublisher;
  readonly immunity: ImmunityOf;
  readonly now: () => number;
  readonly fetch?: typeof fetch;
}

const toMs = (value: number | string | undefined): number | undefined => (typeof value === 'string' ? Date.parse(value) : value);

/** The timeline actor of an operator's action. */
export const actorOf = (operator: Operator): string => `console:${operator.name}`;

/**
 * What operators may change, each through the path the system itself uses: dead-letter replay through
 * the replay engine (rate limit, loop guard, per-message report), a check through the business
 * system's check-back endpoint, a decision through {@link TxCoordinator.decideAsOperator}.
 */
export class ConsoleActions {
  constructor(private readonly deps: ConsoleActionDeps) {}

  async replay(body: ReplayBody): Promise<ReplayReport> {
    const { ids, group, tag, from, to } = body.filter;
    // A filter without ids replays NEW letters only (the newest {@link MAX_REPLAY_IDS}); named ids are
    // taken as they are and the engine reports each one it skips or refuses.
    const filter: DeadLetterFilter = {
      ids,
      group,
      tag,
      from: toMs(from),
      to: toMs(to),
      limit: MAX_REPLAY_IDS,
      ...(ids ? {} : { status: DEAD_LETTER_STATUSES.new }),
    };
    return replayDeadLetters(
      this.deps.deadLetters,
      this.deps.publisher,
      { filter, dryRun: body.dryRun, ratePerSecond: body.ratePerSecond },
      this.deps.now,
    );
  }

  /** @throws ConsoleError TX_NOT_FOUND, TX_NOT_STUCK */
  private async stuck(txId: string): Promise<TxRecord> {
    const tx = await this.deps.store.get(txId);
    if (!tx) throw new ConsoleError('TX_NOT_FOUND', `no transaction ${txId}`);
    if (tx.state !== TX_STATES.prepared)
      throw new ConsoleError('TX_NOT_STUCK', `transaction ${txId} is ${tx.state}, not PREPARED`, { details: { state: tx.state } });
    const immunityEndsAt = tx.createdAt + this.deps.immunity(tx.topic, tx.tag) * 1_000;
    if (this.deps.now() < immunityEndsAt) {
      throw new ConsoleError(
        'TX_NOT_STUCK',
        `transaction ${txId} is within its check immunity until ${new Date(immunityEndsAt).toISOString()}; the business system may still decide it`,
        {
          details: { immunityEndsAt: new Date(immunityEndsAt).toISOString() },
        },
      );
    }
    return tx;
  }

  private view(tx: TxRecord) {
    return txSummary(
      {
        tx_id: tx.txId,
        system_id: tx.systemId,
        business_key: tx.businessKey,
        topic: tx.topic,
        tag: tx.tag,
        state: tx.state,
        broker: tx.broker,
        reason: tx.reason ?? null,
        check_count: tx.checkCount,
        created_at: tx.createdAt,
        decided_at: tx.decidedAt ?? null,
      },
      this.deps.now(),
      this.deps.immunity,
    );
  }

  /**
   * Asks the business system now, records the check on the timeline (with the operator), and applies
   * a definite answer through the coordinator. An UNKNOWN answer changes nothing but the check count.
   */
  async check(txId: string, operator: Operator): Promise<CheckNowResult> {
    const tx = await this.stuck(txId);
    const system = this.deps.systems.get(tx.systemId);
    const result = system
      ? await askBusinessSystem(
          system,
          { txId: tx.txId, businessKey: tx.businessKey, topic: tx.topic, tag: tx.tag, check: tx.checkCount + 1 },
          { path: tx.checkbackPath, timeoutMs: CONSOLE_CHECK_TIMEOUT_MS, now: this.deps.now, fetch: this.deps.fetch },
        )
      : { answer: 'UNKNOWN' as const, detail: 'system not configured' };
    await this.deps.store.recordCheck(
      txId,
      { answer: result.answer, detail: result.detail, requestedBy: actorOf(operator) },
      this.deps.now(),
    );
    if (result.answer !== 'UNKNOWN') {
      await this.deps.coordinator.decideAsOperator(txId, result.answer, {
        actor: actorOf(operator),
        reason: 'checkback',
        detail: { requestedBy: operator.name },
      });
    }
    const current = (await this.deps.store.get(txId))!;
    return { answer: result.answer, detail: result.detail, transaction: this.view(current) };
  }

  /** Commit or roll back a stuck transaction with the operator's reason on its timeline. */
  async decide(txId: string, body: DecisionBody, operator: Operator): Promise<DecisionResult> {
    await this.stuck(txId);
    const view = await this.deps.coordinator.decideAsOperator(txId, body.decision === 'commit' ? 'COMMIT' : 'ROLLBACK', {
      actor: actorOf(operator),
      reason: 'operator',
      detail: { operator: operator.name, note: body.reason },
    });
    return { transaction: this.view(view.tx), delivery: view.delivery };
  }
}

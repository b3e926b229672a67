/** What the reconciler did about a transaction stuck in PREPARED. */
export const STUCK_ACTIONS = {
  /** The business system answered; the decision is stored and check-back / re-publish finish delivery. */
  decided: 'decided',
  /** The business system could not tell; checked again at the next run. */
  stillUnknown: 'still-unknown',
  /** Past the scenario's maximum age: its undecided policy was applied (with an alert). */
  policyApplied: 'policy-applied',
} as const;
export type StuckAction = (typeof STUCK_ACTIONS)[keyof typeof STUCK_ACTIONS];

export interface StuckTransaction {
  readonly txId: string;
  readonly systemId: string;
  readonly businessKey: string;
  readonly topic: string;
  readonly tag: string;
  readonly ageSeconds: number;
  readonly action: StuckAction;
  /** The decision stored now, if any. */
  readonly decision?: 'COMMIT' | 'ROLLBACK';
  readonly detail: string;
}

export interface MissingConsumption {
  readonly txId: string;
  readonly topic: string;
  readonly tag: string;
  /** Expected subscriber groups with no consumption record past their SLA. */
  readonly missingGroups: readonly string[];
  readonly secondsSinceCommit: number;
  /** True when the message was re-published (same key: idempotent consumers skip what they already did). */
  readonly republished: boolean;
  readonly error?: string;
}

export interface DeadLetterBacklog {
  readonly total: number;
  readonly byGroup: readonly { readonly group: string; readonly count: number; readonly oldestAgeSeconds: number }[];
}

/** One finding of a domain check: what it is about and why it needs a human. */
export interface DomainFinding {
  readonly id: string;
  readonly detail: string;
}

/** The outcome of one domain check in a run (e.g. touch-points waiting for compliance past their SLA). */
export interface DomainCheckResult {
  readonly name: string;
  /** Repairs made (each one the normal flow would have made). */
  readonly repaired: number;
  readonly findings: readonly DomainFinding[];
}

/**
 * A check a domain adds to every reconciliation run, so the engine needs no knowledge of domain
 * tables. It repairs what is safe and returns what only a human (or another system) can settle.
 */
export interface DomainCheck {
  readonly name: string;
  run(now: number): Promise<DomainCheckResult>;
}

/** One reconciliation run: findings and the repairs made. */
export interface ReconcileReport {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly stuckPrepared: readonly StuckTransaction[];
  readonly missingConsumption: readonly MissingConsumption[];
  readonly deadLetters: DeadLetterBacklog;
  /** Domain checks (absent in reports stored before they existed). */
  readonly domainChecks?: readonly DomainCheckResult[];
  /** True when nothing needed attention: no stuck transaction, no missing consumption, no dead letter, no domain finding. */
  readonly clean: boolean;
  /** True when the run stopped early to stay within the invocation's deadline. */
  readonly truncated: boolean;
}

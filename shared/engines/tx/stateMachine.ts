import { TxConflictError } from './errors';
import type { TxDecision, TxState } from './states';
import { TX_STATES, stateAfter } from './states';

export { TX_DECISIONS, TX_STATES, stateAfter } from './states';
export type { TxDecision, TxState } from './states';

/** What applying a decision to a state means: change it, or nothing to do (already so). */
export type TransitionOutcome = 'apply' | 'already-decided';

/**
 * The transition rule, the single place it lives.
 * PREPARED + decision → apply; the same decision again → idempotent success;
 * the other decision after a final state → {@link TxConflictError} (commit after rollback is a conflict).
 */
export function transition(txId: string, from: TxState, decision: TxDecision): TransitionOutcome {
  if (from === TX_STATES.prepared) return 'apply';
  if (from === stateAfter(decision)) return 'already-decided';
  throw new TxConflictError(txId, from, decision);
}

/** A transaction's life: PREPARED → COMMITTED | ROLLED_BACK, both final. */
export const TX_STATES = { prepared: 'PREPARED', committed: 'COMMITTED', rolledBack: 'ROLLED_BACK' } as const;
export type TxState = (typeof TX_STATES)[keyof typeof TX_STATES];

/** The two decisions that end a transaction. */
export const TX_DECISIONS = { commit: 'COMMIT', rollback: 'ROLLBACK' } as const;
export type TxDecision = (typeof TX_DECISIONS)[keyof typeof TX_DECISIONS];

/** The final state a decision leads to. */
export function stateAfter(decision: TxDecision): Exclude<TxState, 'PREPARED'> {
  return decision === 'COMMIT' ? TX_STATES.committed : TX_STATES.rolledBack;
}

/**
 * A touch-point's life: PENDING_REVIEW → APPROVED | BLOCKED (compliance's verdict on the same event);
 * APPROVED → SENDING (claimed by a sender) → SENT | FAILED, or back to APPROVED with a later
 * `next_attempt_at` after a retryable provider error. BLOCKED, SENT and FAILED are final.
 * `READY` is the status of rows written before compliance gated delivery (never sent by the sender).
 */
export const TOUCHPOINT_STATUSES = {
  pendingReview: 'PENDING_REVIEW',
  approved: 'APPROVED',
  blocked: 'BLOCKED',
  sending: 'SENDING',
  sent: 'SENT',
  failed: 'FAILED',
} as const;
export type TouchpointStatus = (typeof TOUCHPOINT_STATUSES)[keyof typeof TOUCHPOINT_STATUSES];

/**
 * What a touch-point carries. Marketing content needs compliance's PASS; a transaction notice (a
 * purchase refused, a confirmation) states facts about the customer's own order, is not marketing
 * review material, and may be sent during quiet hours.
 */
export const TOUCHPOINT_KINDS = { marketing: 'MARKETING', transactionNotice: 'TRANSACTION_NOTICE' } as const;
export type TouchpointKind = (typeof TOUCHPOINT_KINDS)[keyof typeof TOUCHPOINT_KINDS];

/** The status a compliance verdict leads to. */
export function statusAfterVerdict(verdict: 'PASS' | 'VIOLATION'): TouchpointStatus {
  return verdict === 'PASS' ? TOUCHPOINT_STATUSES.approved : TOUCHPOINT_STATUSES.blocked;
}

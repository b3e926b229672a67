/**
 * When the reconciler considers something drifted. Production defaults are generous: tx-checkback
 * normally settles a PREPARED transaction within a minute of its check-immunity time.
 */
export interface ReconcilePolicy {
  /** A PREPARED transaction older than its check-immunity time plus this is "stuck". */
  readonly stuckAfterSeconds: number;
  /** Caps every group's consumeSlaSeconds (the demo shortens SLAs); undefined = the catalog's SLA. */
  readonly maxConsumeSlaSeconds?: number;
  /** Oldest decisions examined for missing consumption (older ones were reconciled before). */
  readonly lookbackSeconds: number;
  /** Transactions examined per category per run. */
  readonly batchLimit: number;
}

export const DEFAULT_STUCK_AFTER_SECONDS = 300;
export const DEFAULT_LOOKBACK_SECONDS = 86_400;
export const DEFAULT_BATCH_LIMIT = 500;

export const DEFAULT_RECONCILE_POLICY: ReconcilePolicy = {
  stuckAfterSeconds: DEFAULT_STUCK_AFTER_SECONDS,
  lookbackSeconds: DEFAULT_LOOKBACK_SECONDS,
  batchLimit: DEFAULT_BATCH_LIMIT,
};

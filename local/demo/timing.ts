/**
 * Time constants of a local stack. `PRODUCTION_TIMING` is the cloud's behaviour; `DEMO_TIMING`
 * shortens it so the discount-purchase demo (lost commits → check-back, failing slave calls →
 * dead letter → replay) finishes in about a minute. Production defaults elsewhere are untouched:
 * these values only reach the local broker, runtime and function environment of a local stack.
 */
export interface StackTiming {
  /** Divides `@every` timers (tx-checkback 1 m → 3 s, reconciler 5 m → 15 s) and MQ trigger backoffs. */
  readonly timeScale: number;
  /** Broker: seconds before an unacked message is redelivered. */
  readonly invisibilitySeconds: number;
  /** Broker: seconds between re-offers of an undecided half message. */
  readonly halfRecheckSeconds: number;
  /** Broker minimum and gateway override for the half message's first check. Undefined = catalog (10 s). */
  readonly checkImmunitySeconds: number | undefined;
  /** Consumer attempts before a message is dead-lettered; undefined = the catalog's (16). */
  readonly consumerMaxAttempts: number | undefined;
  /** Reconciler: stuck-PREPARED grace and SLA cap. */
  readonly reconcileStuckAfterSeconds: number;
  readonly reconcileMaxSlaSeconds: number | undefined;
  /** Seconds an alert incident stays one incident. */
  readonly alertWindowSeconds: number | undefined;
  /** Seconds before the reconciler re-sends an alert whose sender crashed; undefined = 60. */
  readonly alertResendAfterSeconds: number | undefined;
  /**
   * Caps the timeout of consumer (MQ-triggered) invocations. A crashed consumer's messages wait for its
   * run's deadline before a redelivery may run them (the consume barrier's lease); undefined = the
   * catalog's (60 s).
   */
  readonly consumerTimeoutCapSeconds?: number;
}

export const PRODUCTION_TIMING: StackTiming = {
  timeScale: 1,
  invisibilitySeconds: 300,
  halfRecheckSeconds: 10,
  checkImmunitySeconds: undefined,
  consumerMaxAttempts: undefined,
  reconcileStuckAfterSeconds: 300,
  reconcileMaxSlaSeconds: undefined,
  alertWindowSeconds: undefined,
  alertResendAfterSeconds: undefined,
};

export const DEMO_TIMING: StackTiming = {
  timeScale: 20,
  invisibilitySeconds: 3,
  halfRecheckSeconds: 2,
  checkImmunitySeconds: 3,
  consumerMaxAttempts: 3,
  reconcileStuckAfterSeconds: 20,
  reconcileMaxSlaSeconds: 45,
  alertWindowSeconds: 600,
  alertResendAfterSeconds: 5,
};

import type { StackTiming } from '../local/demo/timing';
import { DEMO_TIMING } from '../local/demo/timing';

/** Wallets the drill's purchases spread over. */
export const CHAOS_CUSTOMERS: readonly string[] = Array.from({ length: 50 }, (_, index) => `CHAOS${String(index).padStart(2, '0')}`);

/**
 * The demo's short time constants, except: consumers keep the catalog's 16 attempts (a whole-stack
 * outage must not dead-letter the slave purchase), a transaction a killed gateway left unpublished
 * is rolled back after 5 s instead of 20 s, and consumers time out after 20 s instead of 60 s: a
 * consumer killed mid-run leaves its messages leased until that deadline, which would otherwise hold
 * the drill's settling for up to a minute after the last kill. The no-kill run (`--compare`) uses the
 * same constants.
 */
export const CHAOS_TIMING: StackTiming = {
  ...DEMO_TIMING,
  consumerMaxAttempts: undefined,
  reconcileStuckAfterSeconds: 5,
  consumerTimeoutCapSeconds: 20,
};

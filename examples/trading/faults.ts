import * as z from '../../shared/zod';
import type { RefusalCode } from './errors';
import { REFUSAL_CODES } from './errors';

/**
 * Fault-injection switches for demos and tests: fail the main transaction, drop the commit call,
 * crash after the main transaction, make slave calls fail N times or always. Global switches apply
 * to every request; per-purchase faults come with the purchase request (header `x-demo-fault`).
 */
export const globalFaultsSchema = z.object({
  failMainTx: z._default(z.boolean(), false),
  dropCommit: z._default(z.boolean(), false),
  crashAfterMainTx: z._default(z.boolean(), false),
  /** Slave calls to fail (503) before succeeding; applies per purchase. */
  slaveFailTimes: z._default(z.int().check(z.minimum(0), z.maximum(1_000)), 0),
  slaveFailAlways: z._default(z.boolean(), false),
});
export type GlobalFaults = z.output<typeof globalFaultsSchema>;

/** `slave-refuse:<name>` values → the refusal the slave purchase gets (as if the fund's rules or the wallet refused it). */
const REFUSAL_FAULTS: Readonly<Record<string, RefusalCode>> = {
  'fund-closed': REFUSAL_CODES.fundClosed,
  'limit-exceeded': REFUSAL_CODES.limitExceeded,
  'insufficient-balance': REFUSAL_CODES.insufficientBalance,
};

/**
 * Faults of one purchase, parsed from `x-demo-fault: fail-main | drop-commit | crash-after-main |
 * slave-fail:<n> | slave-fail:always | slave-refuse:fund-closed|limit-exceeded|insufficient-balance`
 * (comma-separated).
 */
export interface PurchaseFaults {
  /** The slave purchase is refused for good with this code (a final state, not a retry). */
  slaveRefusal?: RefusalCode;
  failMainTx?: boolean;
  dropCommit?: boolean;
  crashAfterMainTx?: boolean;
  slaveFailTimes?: number;
  slaveFailAlways?: boolean;
}

export const FAULT_HEADER = 'x-demo-fault';

/** @returns the faults, or a message naming the item it does not understand. */
export function parseFaultHeader(value: string): PurchaseFaults | { error: string } {
  const faults: PurchaseFaults = {};
  for (const item of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const slave = /^slave-fail:(always|\d{1,3})$/.exec(item);
    const refusal = /^slave-refuse:([a-z-]{1,32})$/.exec(item);
    if (item === 'fail-main') faults.failMainTx = true;
    else if (item === 'drop-commit') faults.dropCommit = true;
    else if (item === 'crash-after-main') faults.crashAfterMainTx = true;
    else if (slave?.[1] === 'always') faults.slaveFailAlways = true;
    else if (slave) faults.slaveFailTimes = Number(slave[1]);
    else if (refusal && REFUSAL_FAULTS[refusal[1]!]) faults.slaveRefusal = REFUSAL_FAULTS[refusal[1]!];
    else return { error: `unknown fault '${item}' in ${FAULT_HEADER}` };
  }
  return faults;
}

/** The switches, in memory (a restart clears them, like flipping a feature flag back). */
export class FaultSwitches {
  private global: GlobalFaults = globalFaultsSchema.parse({});
  private readonly byPurchase = new Map<string, PurchaseFaults>();
  /** Slave failures already injected, per purchase. */
  private readonly slaveFailed = new Map<string, number>();
  /** Transaction ids whose commit call must be dropped. */
  private readonly dropCommits = new Set<string>();

  constructor(readonly enabled: boolean) {}

  get globals(): GlobalFaults {
    return this.global;
  }

  setGlobals(faults: GlobalFaults): void {
    this.global = faults;
  }

  setForPurchase(purchaseId: string, faults: PurchaseFaults): void {
    // Only purchases with faults are remembered, so normal traffic never grows this map.
    if (Object.keys(faults).length > 0) this.byPurchase.set(purchaseId, faults);
  }

  /** Clears the slave faults of one purchase (or all), e.g. before a dead-letter replay. */
  clearSlaveFaults(purchaseId?: string): void {
    const ids = purchaseId ? [purchaseId] : [...this.byPurchase.keys()];
    for (const id of ids) {
      const faults = this.byPurchase.get(id);
      if (faults) this.byPurchase.set(id, { ...faults, slaveFailAlways: false, slaveFailTimes: 0 });
    }
    if (!purchaseId) this.global = { ...this.global, slaveFailAlways: false, slaveFailTimes: 0 };
  }

  private of(purchaseId: string): PurchaseFaults {
    return { ...this.global, ...this.byPurchase.get(purchaseId) };
  }

  failMainTx(purchaseId: string): boolean {
    return this.of(purchaseId).failMainTx === true;
  }

  crashAfterMainTx(purchaseId: string): boolean {
    return this.of(purchaseId).crashAfterMainTx === true;
  }

  /** Marks `txId` so its commit call is dropped (crash and lost-commit faults both need it). */
  planCommitDrop(purchaseId: string, txId: string): void {
    const faults = this.of(purchaseId);
    if (faults.dropCommit || faults.crashAfterMainTx) this.dropCommits.add(txId);
  }

  /** True (once per planned drop) when the commit of `txId` must not reach the gateway. */
  takeCommitDrop(txId: string): boolean {
    return this.dropCommits.delete(txId);
  }

  /** The refusal injected for this purchase's slave call, if any. */
  slaveRefusal(purchaseId: string): RefusalCode | undefined {
    return this.byPurchase.get(purchaseId)?.slaveRefusal;
  }

  /** True when this slave call must fail; counts the injected failures. */
  failSlaveCall(purchaseId: string): boolean {
    const faults = this.of(purchaseId);
    if (faults.slaveFailAlways) return true;
    const failed = this.slaveFailed.get(purchaseId) ?? 0;
    if (failed >= (faults.slaveFailTimes ?? 0)) return false;
    this.slaveFailed.set(purchaseId, failed + 1);
    return true;
  }
}

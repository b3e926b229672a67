import type { FeeTerms } from './subscriptionFee';

/**
 * What the trading system knows about a target fund for the discount-purchase campaign (优惠购,
 * "申购费低至0折"): its standard subscription rate and the share of it charged when paying from the
 * wallet, whether it takes subscriptions, and its largest single purchase.
 */
export interface FundTerms extends FeeTerms {
  /** `closed`: the fund is closed to subscriptions (暂停申购); a slave purchase is refused for good. */
  readonly subscriptions: 'open' | 'closed';
  /** Largest single subscription (大额申购限制), fen; a larger slave purchase is refused for good. */
  readonly maxPurchaseFen: number;
}

/** Funds the campaign does not list: the usual equity-fund rate, 0折, no limit beyond the amount format. */
export const DEFAULT_FUND_TERMS: FundTerms = {
  standardRate: '0.0150',
  discount: '0',
  subscriptions: 'open',
  maxPurchaseFen: Number.MAX_SAFE_INTEGER,
};

/** The demo's funds (fictional terms): two at 0折, two at 1折 so the report shows a fee being computed. */
const FUND_TERMS: Readonly<Record<string, FundTerms>> = {
  '110011': { ...DEFAULT_FUND_TERMS, standardRate: '0.0150', discount: '0' },
  '161725': { ...DEFAULT_FUND_TERMS, standardRate: '0.0120', discount: '0.1' },
  '000001': { ...DEFAULT_FUND_TERMS, standardRate: '0.0080', discount: '0' },
  '519674': { ...DEFAULT_FUND_TERMS, standardRate: '0.0150', discount: '0.1', maxPurchaseFen: 10_000_000_00 },
};

export function fundTermsOf(fundCode: string): FundTerms {
  return FUND_TERMS[fundCode] ?? DEFAULT_FUND_TERMS;
}

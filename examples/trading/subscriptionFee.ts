import { TxcError } from '../../shared/errors';

/**
 * Subscription fees (申购费) of a discount purchase, in exact arithmetic: rates are decimal strings,
 * amounts integer fen, and every step runs on bigint — never a float, so 0.0150 × 0.1 is 0.0015 and
 * not 0.0015000000000000000312.
 */

/** A rate or discount this module cannot use (not a decimal string, or out of range). */
export class FeeTermsError extends TxcError {
  override readonly name = 'FeeTermsError';
  constructor(message: string) {
    super('FEE_TERMS_INVALID', message);
  }
}

/** An exact non-negative decimal: `units / 10^scale`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL = /^(\d{1,6})(?:\.(\d{1,8}))?$/;

/** Parses `"0.0150"`, `"1"`, `"0.1"` exactly. @throws FeeTermsError */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL.exec(text);
  if (!match) throw new FeeTermsError(`'${text}' is not a decimal with at most 8 places`);
  const fraction = match[2] ?? '';
  return { units: BigInt(`${match[1]}${fraction}`), scale: fraction.length };
}

/** The shortest decimal string of `value`, keeping at least `minScale` places (`0.00150` → `"0.0015"`). */
export function formatDecimal(value: Decimal, minScale = 0): string {
  let { units, scale } = value;
  for (; scale < minScale; scale += 1) units *= 10n;
  while (scale > minScale && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  const digits = units.toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

export function multiplyDecimals(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** `numerator / denominator` rounded half up (both non-negative; the rounding Chinese fund fees use, 四舍五入). */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return 2n * (numerator % denominator) >= denominator ? quotient + 1n : quotient;
}

/** A fund's fee terms in a discount-purchase campaign. */
export interface FeeTerms {
  /** The fund's standard subscription rate, e.g. `"0.0150"` (1.50 %). */
  readonly standardRate: string;
  /** The share of the standard rate charged: `"0"` = 0折 (no fee), `"0.1"` = 1折, `"1"` = no discount. */
  readonly discount: string;
}

export interface SubscriptionFee extends FeeTerms {
  /** standardRate × discount, exact and shortest (`"0"`, `"0.0015"`). */
  readonly feeRate: string;
  /** The fee the customer pays, fen. */
  readonly feeFen: number;
  /** What is invested after the fee: amount − fee, fen. */
  readonly netFen: number;
  /** The fee at the standard rate, fen (what the discount saved is the difference). */
  readonly standardFeeFen: number;
}

/**
 * Fee on the amount (外扣法, the CSRC method for front-end fees): net = amount / (1 + rate), fee =
 * amount − net, rounded half up to the fen; computed as fee = round(amount × rate / (1 + rate)) on
 * integers, so the fee plus the net is exactly the amount.
 */
export function feeAt(amountFen: number, rate: Decimal): number {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new FeeTermsError(`amount ${amountFen} fen is not a whole number of fen`);
  if (rate.units === 0n) return 0;
  const one = 10n ** BigInt(rate.scale);
  return Number(divideRoundHalfUp(BigInt(amountFen) * rate.units, one + rate.units));
}

/**
 * The subscription fee of `amountFen` under `terms`.
 * @throws FeeTermsError when the rate is not below 100 % or the discount above 1
 * @example subscriptionFee(100_000, { standardRate: '0.0150', discount: '0.1' }) // feeRate '0.0015', feeFen 150
 */
export function subscriptionFee(amountFen: number, terms: FeeTerms): SubscriptionFee {
  const standard = parseDecimal(terms.standardRate);
  const discount = parseDecimal(terms.discount);
  if (standard.units >= 10n ** BigInt(standard.scale)) throw new FeeTermsError(`standard rate ${terms.standardRate} is not below 1`);
  if (discount.units > 10n ** BigInt(discount.scale)) throw new FeeTermsError(`discount ${terms.discount} is above 1 (no discount)`);
  const rate = multiplyDecimals(standard, discount);
  const feeFen = feeAt(amountFen, rate);
  return {
    standardRate: terms.standardRate,
    discount: terms.discount,
    feeRate: formatDecimal(rate),
    feeFen,
    netFen: amountFen - feeFen,
    standardFeeFen: feeAt(amountFen, standard),
  };
}

/** `"0.0150"` → `"1.50%"`; `"0.0015"` → `"0.15%"` (for reports; at least two places). */
export function formatPercent(rate: string): string {
  const { units, scale } = parseDecimal(rate);
  // × 100: two places fewer, or two zeros more for a rate with fewer than two places.
  const percent = scale >= 2 ? { units, scale: scale - 2 } : { units: units * 10n ** BigInt(2 - scale), scale: 0 };
  return `${formatDecimal(percent, 2)}%`;
}

/** `"0"` → `"0折"`, `"0.1"` → `"1折"`, `"0.88"` → `"8.8折"`, `"1"` → `"无折扣"`. */
export function formatDiscount(discount: string): string {
  const { units, scale } = parseDecimal(discount);
  if (units === 10n ** BigInt(scale)) return '无折扣';
  const tenths = scale >= 1 ? { units, scale: scale - 1 } : { units: units * 10n, scale: 0 };
  return `${formatDecimal(tenths)}折`;
}

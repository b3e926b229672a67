import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FeeTermsError,
  formatDecimal,
  formatDiscount,
  formatPercent,
  parseDecimal,
  subscriptionFee,
} from '../../../examples/trading/subscriptionFee';
import { propertyParameters } from '../../hostile/properties';

describe('Function: subscriptionFee', () => {
  // amount fen, standard rate, discount → fee rate, fee fen, standard fee fen (worked by hand / Python's Fraction).
  it.each([
    [100_000, '0.0150', '0', '0', 0, 1_478],
    [100_000, '0.0150', '0.1', '0.0015', 150, 1_478], // 149.775 → 150
    [100_000, '0.0120', '0.1', '0.0012', 120, 1_186],
    [1, '0.0150', '0.1', '0.0015', 0, 0], // 0.0148 → 0
    [34, '0.0150', '1', '0.015', 1, 1], // 0.50246… → 1
    [4, '0.6', '1', '0.6', 2, 2], // exactly 1.5 → 2 (half up)
    [1_234_567, '0.0120', '0.1', '0.0012', 1_480, 14_639],
    [99_999_999_999_999, '0.0150', '1', '0.015', 1_477_832_512_315, 1_477_832_512_315], // beyond 2^53 before dividing
    [0, '0.0150', '0.88', '0.0132', 0, 0],
  ])('%i fen at %s × %s: rate %s, fee %i fen (standard %i)', (amountFen, standardRate, discount, feeRate, feeFen, standardFeeFen) => {
    const fee = subscriptionFee(amountFen, { standardRate, discount });
    expect(fee).toEqual({ standardRate, discount, feeRate, feeFen, netFen: amountFen - feeFen, standardFeeFen });
  });

  it('multiplies rates exactly where floats would not (0.0150 × 0.7 is 0.0105, not 0.010499999999999999)', () => {
    expect(0.015 * 0.7).not.toBe(0.0105);
    expect(subscriptionFee(100, { standardRate: '0.0150', discount: '0.7' }).feeRate).toBe('0.0105');
  });

  it('refuses terms it cannot use with a typed error', () => {
    for (const terms of [
      { standardRate: '1', discount: '0' },
      { standardRate: '0.015', discount: '1.1' },
      { standardRate: '1.5e-2', discount: '0' },
      { standardRate: '-0.01', discount: '0' },
      { standardRate: '0.015', discount: '' },
    ])
      expect(() => subscriptionFee(100, terms)).toThrow(FeeTermsError);
    expect(() => subscriptionFee(0.5, { standardRate: '0.015', discount: '0' })).toThrow(FeeTermsError);
  });

  it('holds for any amount and terms: fee + net = amount, the fee is the half-up rounding of amount × r / (1 + r), never above the standard fee', () => {
    const digits = (max: number) => fc.integer({ min: 0, max }).map(String);
    const terms = fc.record({
      standardRate: digits(9_999).map((units) => `0.${units.padStart(4, '0')}`),
      discount: fc.oneof(
        fc.constant('1'),
        digits(99).map((units) => `0.${units.padStart(2, '0')}`),
      ),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), terms, (amountFen, t) => {
        const fee = subscriptionFee(amountFen, t);
        expect(fee.feeFen + fee.netFen).toBe(amountFen);
        expect(fee.feeFen).toBeGreaterThanOrEqual(0);
        expect(fee.feeFen).toBeLessThanOrEqual(fee.standardFeeFen);
        const rate = parseDecimal(fee.feeRate);
        const one = 10n ** BigInt(rate.scale);
        // fee = round(amount × p / (one + p)) half up ⇔ −(one + p) < 2·(fee·(one + p) − amount·p) ≤ one + p
        const den = one + rate.units;
        const twiceError = 2n * (BigInt(fee.feeFen) * den - BigInt(amountFen) * rate.units);
        expect(twiceError > -den && twiceError <= den).toBe(true);
        // The rate is the exact product of the terms' decimals.
        const standard = parseDecimal(t.standardRate);
        const discount = parseDecimal(t.discount);
        expect(rate.units * 10n ** BigInt(standard.scale + discount.scale)).toBe(standard.units * discount.units * one);
      }),
      propertyParameters('subscription fee arithmetic', 500),
    );
  });
});

describe('Functions: decimal formatting', () => {
  it('writes decimals shortest, percentages with two places and discounts in 折', () => {
    expect(formatDecimal({ units: 150n, scale: 5 })).toBe('0.0015');
    expect(formatDecimal({ units: 0n, scale: 6 })).toBe('0');
    expect(formatDecimal({ units: 5n, scale: 0 }, 2)).toBe('5.00');
    expect(['0.0150', '0.0015', '0', '0.1', '0.001875'].map(formatPercent)).toEqual(['1.50%', '0.15%', '0.00%', '10.00%', '0.1875%']);
    expect(['0', '0.1', '0.88', '0.5', '1'].map(formatDiscount)).toEqual(['0折', '1折', '8.8折', '5折', '无折扣']);
  });
});

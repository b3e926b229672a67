import * as z from '../../zod';

/** RMB amount in yuan with at most two decimals, as a string (never a float): "1000.00", "0.5". */
export const yuanAmount = z
  .string()
  .check(z.regex(/^(0|[1-9]\d{0,11})(\.\d{1,2})?$/, 'amount in yuan with at most two decimals, e.g. "1000.00"'));

/** A yuan amount above zero: what every purchase must pay. */
export const positiveYuanAmount = yuanAmount.check(z.refine((amount) => /[1-9]/.test(amount), 'amount must be positive'));

/** Six-digit fund code, e.g. 000001. */
export const fundCode = z.string().check(z.regex(/^\d{6}$/, 'six-digit fund code'));

/** Converts a validated yuan string to integer fen (cents). */
export function yuanToFen(amount: string): number {
  const [yuan = '0', fen = ''] = amount.split('.');
  return Number(yuan) * 100 + Number(fen.padEnd(2, '0'));
}

/** Formats integer fen as a yuan string with two decimals. */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Payload of TXC_FUND_TRADE / DISCOUNT_PURCHASE: the main transaction (wallet top-up = buying the
 * money-market fund) is done; the slave transaction buys `fundCode` for `amount` from the wallet.
 */
export const discountPurchasePayloadSchema = z.object({
  orderId: z.string().check(z.minLength(1), z.maxLength(64)),
  customerId: z.string().check(z.minLength(1), z.maxLength(64)),
  fundCode,
  amount: positiveYuanAmount,
  /** Fee rate after discount, as a decimal string ("0.0000" = 0%): the fund's standard rate × the discount. */
  feeRate: z.string().check(z.regex(/^0(\.\d{1,6})?$/)),
  /** The subscription fee included in `amount` (yuan); absent from publishers that predate fees. */
  fee: z.optional(yuanAmount),
});

export type DiscountPurchasePayload = z.output<typeof discountPurchasePayloadSchema>;

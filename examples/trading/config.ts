import { z } from 'zod';
import { readConfig } from '../../shared/config';

/** The trading system's settings (environment variables when run on its own). */
export const tradingConfigSchema = z.object({
  TXC_TRADING_PORT: z.coerce.number().int().min(0).max(65_535).default(8081),
  TXC_TRADING_DATABASE_URL: z.string().min(1).default('sqlite:.txcenter/trading.db'),
  /** tx-gateway's base URL. */
  TXC_GATEWAY_URL: z.url().default('http://127.0.0.1:8080'),
  /** This system's id and secret at the transaction center (an entry of the center's TXC_SYSTEMS). */
  TXC_TRADING_SYSTEM_ID: z.string().min(1).default('fund-trading'),
  TXC_TRADING_SECRET: z.string().min(32).default('fund-trading-dev-secret-0123456789abcdef'),
  /** Enables the fault-injection switches; never set in production. */
  TXC_TRADING_FAULTS: z.enum(['on', 'off']).default('off'),
});
export type TradingConfig = z.output<typeof tradingConfigSchema>;

export function readTradingConfig(env: Record<string, string | undefined> = process.env): TradingConfig {
  return readConfig(tradingConfigSchema, env);
}

import { z } from 'zod';
import { assetCode } from './instrument.js';
import { decimal, positiveDecimal, timestamp } from './numbers.js';

export const sviSchema = z.strictObject({
  a: decimal,
  b: decimal.refine((n) => n >= 0, { message: 'b must be >= 0' }),
  rho: decimal.refine((n) => n > -1 && n < 1, { message: 'rho must be in (-1, 1)' }),
  m: decimal,
  sigma: positiveDecimal,
});

const smileSchema = z.union([
  z.strictObject({ expiry: timestamp, svi: sviSchema }),
  z.strictObject({
    expiry: timestamp,
    points: z.array(z.strictObject({ strike: positiveDecimal, vol: positiveDecimal })).min(1),
  }),
]);

export const instrumentQuoteSchema = z.strictObject({
  /** Mark price: quote per underlying for futures and perps; premium (quote, or coin if inverse) for options; NAV for tokens. */
  mark: decimal.optional(),
  /** Implied volatility of an option, as a fraction (0.8 = 80%). */
  iv: positiveDecimal.optional(),
});

export const priceHistorySchema = z.strictObject({
  /** Length of one bar in hours (24 for daily closes). */
  intervalHours: positiveDecimal,
  /** Closing prices, oldest first. */
  closes: z.array(positiveDecimal).min(2),
  source: z.string().optional(),
});

export const marketSchema = z.strictObject({
  asOf: timestamp,
  /** Index price of each asset in the reporting currency. */
  prices: z.record(assetCode, positiveDecimal),
  instruments: z.record(z.string(), instrumentQuoteSchema).default({}),
  /** Forward prices per underlying and expiry (quote per underlying). */
  forwards: z
    .record(assetCode, z.array(z.strictObject({ expiry: timestamp, price: positiveDecimal })))
    .default({}),
  smiles: z.record(assetCode, z.array(smileSchema)).default({}),
  /** Continuously compounded annual rates per asset (0.05 = 5%). */
  rates: z.record(assetCode, decimal).default({}),
  /** Funding rate per funding interval, per perpetual instrument id. */
  funding: z.record(z.string(), decimal).default({}),
  history: z.record(assetCode, priceHistorySchema).default({}),
  source: z.string().optional(),
});

export type MarketInput = z.input<typeof marketSchema>;
export type Market = z.output<typeof marketSchema>;
export type Smile = z.output<typeof smileSchema>;
export type PriceHistory = z.output<typeof priceHistorySchema>;

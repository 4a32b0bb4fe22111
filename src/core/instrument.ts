import { z } from 'zod';
import { decimal, positiveDecimal, timestamp } from './numbers.js';

/** Asset codes as venues print them: upper-case letters and digits (BTC, USDT, 1000PEPE). */
export const assetCode = z.string().regex(/^[A-Z0-9]{1,16}$/, {
  message: 'asset codes are 1-16 upper-case letters or digits, e.g. BTC, USDT',
});

const instrumentId = z.string().min(1, { message: 'must not be empty' }).max(128);

const base = {
  id: instrumentId,
  underlying: assetCode,
  quote: assetCode,
  /**
   * linear: P&L in the quote asset. inverse: P&L in the underlying coin. contractSize is in underlying units,
   * except for inverse perpetuals and futures, where it is in quote units (a 10 USD contract).
   */
  settlement: z.enum(['linear', 'inverse']).default('linear'),
  contractSize: positiveDecimal.default(1),
  venue: z.string().optional(),
};

export const spotSchema = z.strictObject({ ...base, kind: z.literal('spot') });
export const perpetualSchema = z.strictObject({ ...base, kind: z.literal('perpetual') });
export const futureSchema = z.strictObject({ ...base, kind: z.literal('future'), expiry: timestamp });
export const optionSchema = z.strictObject({
  ...base,
  kind: z.literal('option'),
  expiry: timestamp,
  strike: positiveDecimal,
  optionType: z.enum(['call', 'put']),
});
export const leveragedTokenSchema = z.strictObject({
  ...base,
  kind: z.literal('leveraged_token'),
  /** Target leverage of the token: 3 for BTC3L, -3 for BTC3S. */
  leverage: decimal.refine((n) => n !== 0 && Math.abs(n) <= 125, {
    message: 'must be non-zero, |leverage| <= 125',
  }),
  /** Hours between rebalances; the scenario revaluation assumes no rebalance within one period. */
  rebalanceHours: positiveDecimal.default(24),
});

export const instrumentSchema = z.discriminatedUnion('kind', [
  spotSchema,
  perpetualSchema,
  futureSchema,
  optionSchema,
  leveragedTokenSchema,
]);

export type InstrumentInput = z.input<typeof instrumentSchema>;
export type Instrument = z.output<typeof instrumentSchema>;
export type InstrumentKind = Instrument['kind'];
export type OptionInstrument = z.output<typeof optionSchema>;
export type LeveragedTokenInstrument = z.output<typeof leveragedTokenSchema>;

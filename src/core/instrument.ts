import { z } from 'zod';
import { bounded } from './bounds.js';
import { decimal, timestamp } from './numbers.js';

/** Asset codes as venues print them: upper-case letters and digits (BTC, USDT, 1000PEPE). */
export const assetCode = z.string().regex(/^[A-Z0-9]{1,16}$/, {
  message: 'asset codes are 1-16 upper-case letters or digits, e.g. BTC, USDT',
});

const instrumentId = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(128)
  .describe(
    'Id the positions and market.instruments refer to, as the venue names it (BTC-PERPETUAL, BTCUSDT).',
  );

const settlement = z
  .enum(['linear', 'inverse'])
  .optional()
  .describe(
    'linear: P&L and premiums in the quote asset; inverse: in the underlying coin (Deribit BTC-PERPETUAL, ' +
      'Binance COIN-M). Required for perpetuals, futures and options quoted in a fiat currency (USD, EUR...), ' +
      'where both exist; otherwise linear when omitted.',
  );

const base = {
  id: instrumentId,
  underlying: assetCode.describe('Asset whose price the instrument follows (BTC).'),
  quote: assetCode.describe('Asset prices are quoted in (USDT, USD); must differ from the underlying.'),
  settlement,
  contractSize: bounded(decimal, 'contractSize')
    .default(1)
    .describe(
      'Size of one contract: underlying units (0.01 BTC), except for inverse perpetuals and futures, where it ' +
        'is quote units (a 10 USD contract).',
    ),
  venue: z
    .string()
    .optional()
    .describe(
      'Venue that lists the instrument; taken from the id when the id is written venue:SYMBOL (binance:BTCUSDT).',
    ),
  symbol: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe(
      "The venue's own symbol when the id differs from it. Ids are unique in a book, so BTCUSDT on two venues is " +
        'binance:BTCUSDT and bybit:BTCUSDT (or any ids with symbol: BTCUSDT); rulebooks find their tables by the ' +
        'symbol. Default: the id without its venue: prefix.',
    ),
};

/** A `venue:` prefix of an id (lower-case letters, digits and dashes before the first colon). */
const VENUE_PREFIX = /^([a-z0-9-]+):(.+)$/;

/** Returns the venue's own symbol of an instrument: `symbol`, else its id without a `venue:` prefix. */
export function venueSymbol(instrument: { id: string; symbol?: string | undefined }): string {
  return instrument.symbol ?? VENUE_PREFIX.exec(instrument.id)?.[2] ?? instrument.id;
}

const expiry = timestamp.describe(
  'Expiry time; must be after market.asOf (an instrument at or past its expiry is settled, not margined).',
);

export const spotSchema = z
  .strictObject({
    ...base,
    kind: z.literal('spot').describe('Spot: held outright, valued as the underlying.'),
  })
  .describe('A spot pair; always linear.');
export const perpetualSchema = z
  .strictObject({ ...base, kind: z.literal('perpetual').describe('A perpetual swap: no expiry, funding.') })
  .describe('A perpetual swap, margined on its unrealised P&L.');
export const futureSchema = z
  .strictObject({ ...base, kind: z.literal('future').describe('A dated future.'), expiry })
  .describe('A dated future, margined on its unrealised P&L.');
export const optionSchema = z
  .strictObject({
    ...base,
    kind: z.literal('option').describe('A European option on the underlying.'),
    expiry,
    strike: bounded(decimal, 'price').describe('Strike price, quote per underlying.'),
    optionType: z.enum(['call', 'put']).describe('call or put.'),
  })
  .describe('A European option; premiums in the quote (linear) or the coin (inverse).');
export const leveragedTokenSchema = z
  .strictObject({
    ...base,
    kind: z.literal('leveraged_token').describe('A leveraged token: a fund rebalanced to a target leverage.'),
    leverage: decimal
      .refine((n) => n !== 0 && Math.abs(n) <= 125, {
        message: 'must be non-zero, |leverage| <= 125',
      })
      .meta({ minimum: -125, maximum: 125 })
      .describe('Target leverage of the token: 3 for BTC3L, -3 for BTC3S; non-zero, |leverage| <= 125.'),
    rebalanceHours: bounded(decimal, 'hours')
      .default(24)
      .describe('Hours between rebalances; the scenario revaluation assumes no rebalance within one period.'),
  })
  .describe('A leveraged token; its NAV is its mark (market.instruments.<id>.mark).');

const FIAT = new Set(Intl.supportedValuesOf('currency'));

/** Returns whether an asset code is an ISO 4217 currency (USD, EUR), as opposed to a token (USDT, BTC). */
export function isFiat(asset: string): boolean {
  return FIAT.has(asset);
}

const instrumentUnion = z.discriminatedUnion('kind', [
  spotSchema,
  perpetualSchema,
  futureSchema,
  optionSchema,
  leveragedTokenSchema,
]);

type ParsedInstrument = z.output<typeof instrumentUnion>;
/** An instrument with its settlement decided. */
export type Instrument = ParsedInstrument & { settlement: 'linear' | 'inverse' };

/**
 * Instruments: `settlement` is required where a fiat quote leaves it ambiguous (Deribit's BTC-PERPETUAL quoted in
 * USD is inverse, CME's BTC future quoted in USD is linear); a token quote (USDT, USDC) is always linear.
 */
export const instrumentSchema = instrumentUnion
  .superRefine((inst, ctx) => {
    const prefix = VENUE_PREFIX.exec(inst.id)?.[1];
    if (prefix !== undefined && inst.venue !== undefined && inst.venue.toLowerCase() !== prefix)
      ctx.addIssue({
        code: 'custom',
        path: ['venue'],
        message: `"${inst.venue}" is not the venue the id ${inst.id} names (${prefix})`,
        params: { hint: 'drop the venue field (the id names it) or make the two agree' },
      });
    if (inst.settlement !== undefined || inst.kind === 'spot' || inst.kind === 'leveraged_token') return;
    if (isFiat(inst.quote))
      ctx.addIssue({
        code: 'custom',
        path: ['settlement'],
        message: `required: the ${inst.kind} is quoted in ${inst.quote}, a fiat currency, so it may be inverse or linear`,
        params: {
          hint: 'inverse: coin-settled, as Deribit and Binance COIN-M; linear: quote-settled, as CME',
        },
      });
  })
  .transform((inst): Instrument => ({
    ...inst,
    settlement: inst.settlement ?? 'linear',
    ...(inst.venue === undefined && VENUE_PREFIX.test(inst.id)
      ? { venue: VENUE_PREFIX.exec(inst.id)![1] }
      : {}),
  }));

export type InstrumentInput = z.input<typeof instrumentSchema>;
export type InstrumentKind = Instrument['kind'];
export type OptionInstrument = Extract<Instrument, { kind: 'option' }>;
export type LeveragedTokenInstrument = Extract<Instrument, { kind: 'leveraged_token' }>;

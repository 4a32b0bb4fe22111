import { z } from 'zod';
import { bounded } from './bounds.js';
import { assetCode } from './instrument.js';
import { decimal, timestamp } from './numbers.js';

const price = bounded(decimal, 'price');
const volatility = bounded(decimal, 'volatility');
const coefficient = bounded(decimal, 'smileCoefficient');

export const sviSchema = z
  .strictObject({
    a: coefficient.describe('Level of total variance.'),
    b: coefficient.refine((n) => n >= 0, { message: 'b must be >= 0' }).describe('Slope of the wings; >= 0.'),
    rho: decimal
      .refine((n) => n > -1 && n < 1, { message: 'rho must be in (-1, 1)' })
      .meta({ exclusiveMinimum: -1, exclusiveMaximum: 1 })
      .describe('Skew: correlation-like, in (-1, 1).'),
    m: coefficient.describe('Log-moneyness of the smile’s vertex.'),
    sigma: coefficient
      .refine((n) => n > 0, { message: 'sigma must be > 0' })
      .describe('Curvature at the vertex; > 0.'),
  })
  .describe(
    'Raw SVI slice (Gatheral): total variance w(k) = a + b·(rho·(k - m) + sqrt((k - m)² + sigma²)), ' +
      'k = ln(strike / forward); a + b·sigma·sqrt(1 - rho²) must be >= 0.',
  );

const smileSchema = z.union([
  z
    .strictObject({ expiry: timestamp.describe('Expiry the slice is fitted to.'), svi: sviSchema })
    .describe('A smile as an SVI slice.'),
  z
    .strictObject({
      expiry: timestamp.describe('Expiry the points are quoted for.'),
      points: z
        .array(
          z.strictObject({
            strike: price.describe('Strike, quote per underlying.'),
            vol: volatility.describe('Implied vol at that strike (0.8 = 80%).'),
          }),
        )
        .min(1)
        .describe('Implied vols by distinct strikes; linear in strike between points, flat beyond the ends.'),
    })
    .describe('A smile as quoted points.'),
]);

export const instrumentQuoteSchema = z.strictObject({
  mark: price
    .optional()
    .describe(
      'Mark price: quote per underlying for perpetuals and futures; premium per unit for options (quote, or ' +
        'coin if inverse; must lie strictly between the discounted intrinsic value and the no-arbitrage ' +
        'bound, as an implied vol is solved from it); NAV for leveraged tokens. Always > 0.',
    ),
  iv: volatility
    .optional()
    .describe('Implied volatility of an option, as a fraction (0.8 = 80%); wins over mark.'),
});

export const priceHistorySchema = z
  .strictObject({
    intervalHours: bounded(decimal, 'hours').describe('Length of one bar in hours (24 for daily closes).'),
    closes: z.array(price).min(2).describe('Closing prices, oldest first; at least two.'),
    source: z.string().optional().describe('Where the closes come from (informational).'),
  })
  .describe('A price history, for range.source ewma.');

export const marketSchema = z
  .strictObject({
    asOf: timestamp.describe('Time of the snapshot; times to expiry are measured from it.'),
    prices: z
      .record(assetCode, price)
      .describe(
        'Index price of each asset in the reporting currency; the reporting currency itself is 1 (it may be ' +
          'omitted, and if given must be 1).',
      ),
    instruments: z
      .record(z.string(), instrumentQuoteSchema)
      .default({})
      .describe('Quotes per instrument id: mark and, for options, iv.'),
    forwards: z
      .record(
        assetCode,
        z.array(
          z.strictObject({
            expiry: timestamp.describe('Expiry of the forward; after asOf.'),
            price: price.describe('Forward price, quote per underlying.'),
          }),
        ),
      )
      .default({})
      .describe(
        'Forward prices per underlying and expiry; an option between two expiries takes the log-basis ' +
          'interpolated in time. Without them, the forward carries spot at market.rates.',
      ),
    smiles: z
      .record(assetCode, z.array(smileSchema))
      .default({})
      .describe(
        'Implied vol smiles per underlying, for options with neither iv nor mark and range.source implied.',
      ),
    rates: z
      .record(assetCode, bounded(decimal, 'rate'))
      .default({})
      .describe('Continuously compounded annual rates per asset (0.05 = 5%); absent is 0.'),
    funding: z
      .record(z.string(), bounded(decimal, 'fundingRate'))
      .default({})
      .describe('Funding rate per funding interval, per perpetual instrument id (0.0001 = 0.01%).'),
    history: z
      .record(assetCode, priceHistorySchema)
      .default({})
      .describe('Price histories per asset, for volatility-scaled ranges with source ewma.'),
    source: z.string().optional().describe('Where the snapshot comes from (informational).'),
  })
  .describe('The market snapshot the book is margined against.');

export type MarketInput = z.input<typeof marketSchema>;
export type Market = z.output<typeof marketSchema>;
export type Smile = z.output<typeof smileSchema>;
export type PriceHistory = z.output<typeof priceHistorySchema>;

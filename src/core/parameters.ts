import { z } from 'zod';
import { bounded, boundIssuesWithin, describeBound } from './bounds.js';
import { assetCode } from './instrument.js';
import { decimal, fraction } from './numbers.js';

// Every field is optional here: books and accounts override the documented defaults (core/defaults.ts) field by
// field. Resolution merges them into the complete parameter types, then checks them as a whole (core/checks.ts).

const scanRange = bounded(decimal, 'scanRange');
const money = bounded(decimal, 'amount');
const positiveMoney = money.refine((n) => n > 0, { message: 'must be > 0' });

const rangeSchema = z
  .discriminatedUnion('mode', [
    z
      .strictObject({
        mode: z.literal('fixed').describe('One range for every underlying.'),
        value: scanRange.describe('Price scan range R as a fraction of the price (0.15 = ±15%).'),
      })
      .describe('A fixed scan range.'),
    z
      .strictObject({
        mode: z.literal('volatility').describe('R = clamp(z · sigma · sqrt(horizonDays / 365), min, max).'),
        z: bounded(decimal, 'standardDeviations').describe(
          'Number of standard deviations covered (2.33 = 99% one-sided).',
        ),
        horizonDays: bounded(decimal, 'days').describe('Margin period of risk in days.'),
        source: z
          .enum(['implied', 'ewma', 'given'])
          .describe(
            'Where sigma comes from: implied (the ATM vol of market.smiles.<underlying>, nearest 30 days), ' +
              'ewma (of market.history.<underlying>) or given (sigma).',
          ),
        sigma: bounded(decimal, 'volatility')
          .optional()
          .describe('Annualised vol; required when source is given.'),
        lambda: fraction.optional().describe('EWMA decay per bar (default 0.94).'),
        min: scanRange.describe('Smallest R, fraction of the price.'),
        max: scanRange.describe('Largest R, fraction of the price; at least min.'),
      })
      .describe('A scan range scaled by volatility.'),
  ])
  .describe('The price scan range; extremeMultiple x the largest range must stay below 1.');

export const scenarioParametersSchema = z
  .strictObject({
    range: rangeSchema.optional(),
    steps: z
      .number()
      .int()
      .min(1)
      .max(200)
      .optional()
      .describe('n: price moves are R·j/n for j = -n..n (integer 1-200).'),
    volUp: bounded(decimal, 'volatilityShock')
      .optional()
      .describe('Relative vol shock up: vol x (1 + volUp).'),
    volDown: fraction.optional().describe('Relative vol shock down: vol x (1 - volDown); 0 to 1.'),
    volFloor: bounded(decimal, 'volatility').optional().describe('No shocked vol goes below this.'),
    volTimeScaling: z
      .strictObject({
        referenceDays: bounded(decimal, 'days').describe('Tenor at which the shock applies as given.'),
        power: bounded(decimal, 'power').describe('Exponent of (referenceDays / daysToExpiry).'),
      })
      .nullable()
      .optional()
      .describe(
        'Scale vol shocks by (referenceDays / daysToExpiry)^power, as short-dated vols move more; null turns it off.',
      ),
    extremeMultiple: bounded(decimal, 'extremeMultiple')
      .optional()
      .describe('Extreme moves are ±extremeMultiple x R; extremeMultiple x R must stay below 1.'),
    extremeCover: fraction
      .optional()
      .describe('Fraction of an extreme move’s loss that counts (0.35 = 35%).'),
  })
  .describe('The scenario set: price moves, vol shocks, extremes.');

const bracketSchema = z
  .strictObject({
    notionalCap: positiveMoney
      .optional()
      .describe('Upper bound of position notional (quote) of this bracket; only the last may omit it.'),
    mmRate: fraction.describe('Maintenance margin rate of the bracket; at most 1 / maxLeverage.'),
    maintenanceAmount: money
      .optional()
      .describe("Maintenance amount subtracted (Binance's cum); derived from the chain when omitted."),
    maxLeverage: bounded(decimal, 'leverage').describe(
      'Largest leverage of the bracket: IM rate 1 / leverage.',
    ),
  })
  .describe('One notional bracket of a venue’s leverage table.');

export const deltaOneRatesSchema = z
  .strictObject({
    imRate: fraction.optional().describe('IM as a fraction of notional; at least mmRate.'),
    mmRate: fraction.optional().describe('MM as a fraction of notional.'),
    imSlope: bounded(decimal, 'slope')
      .optional()
      .describe("Added to imRate per unit of underlying held, as Deribit's size-scaled rates."),
    mmSlope: bounded(decimal, 'slope').optional().describe('Added to mmRate per unit of underlying held.'),
    maxRate: fraction.optional().describe('Cap of a size-scaled rate.'),
    brackets: z.array(bracketSchema).min(1).optional().describe('Notional brackets, smallest first.'),
    leverage: bounded(decimal, 'leverage')
      .optional()
      .describe(
        'Chosen leverage; IM = notional / min(leverage, bracket max leverage) when brackets are given.',
      ),
  })
  .describe('Margin rates of perpetuals and futures.');

const shortOptionRuleSchema = z
  .strictObject({
    a: fraction.describe('Rate before the out-of-the-money credit.'),
    b: fraction.describe('Floor rate.'),
  })
  .describe('Per unit: max(a - OTM / S, b) x S + mark.');

export const standardParametersSchema = z
  .strictObject({
    deltaOne: deltaOneRatesSchema.optional(),
    instruments: z
      .record(z.string(), deltaOneRatesSchema)
      .optional()
      .describe('Overrides per instrument id (a venue’s bracket table for one symbol).'),
    shortOptionIm: shortOptionRuleSchema.optional(),
    shortOptionMm: shortOptionRuleSchema.optional(),
    shortTokenImRate: fraction
      .optional()
      .describe(
        'Short leveraged tokens are loans of the token: IM rate of their value; at least the MM rate.',
      ),
    shortTokenMmRate: fraction.optional().describe('MM rate of a short leveraged token’s value.'),
    spreadRate: fraction
      .optional()
      .describe(
        'Cross model only: charge on the offset (min of long and short) notional within an underlying.',
      ),
  })
  .describe('Parameters of the standard and cross models.');

export const gridParametersSchema = z
  .strictObject({
    imMultiplier: bounded(decimal, 'multiplier').optional().describe('IM = MM x imMultiplier.'),
    shortOptionMinimum: fraction
      .optional()
      .describe('Short option minimum per unit, as a fraction of the underlying’s value.'),
    interUnderlyingCredit: fraction
      .optional()
      .describe(
        'Credit between underlyings: this fraction of the smaller of two scan risks with opposite worst moves.',
      ),
    basisRate: fraction
      .optional()
      .describe(
        'Where accounts net: MM charge on the notional of one underlying that offsets between venues, ' +
          'settlement assets or perpetual and future (IM x imMultiplier); 0.02 by default.',
      ),
    collateralInScan: z
      .boolean()
      .optional()
      .describe('Whether non-stable collateral enters the scenario scan (true) or is haircut (false).'),
  })
  .describe('Parameters of the grid model.');

const haircutTierSchema = z
  .strictObject({
    upTo: positiveMoney.optional().describe('Upper bound (asset amount) of this tier; the last may omit it.'),
    haircut: fraction.describe('Haircut of the amount in this tier (0.1 = 10% off).'),
  })
  .describe('One tier of a tiered haircut.');

export const collateralParametersSchema = z
  .strictObject({
    haircuts: z
      .record(assetCode, z.union([fraction, z.array(haircutTierSchema).min(1)]))
      .optional()
      .describe('Haircut per asset: one fraction, or tiers by amount.'),
    loanImRate: fraction
      .optional()
      .describe('IM add-on on borrowed value (negative balances); at least loanMmRate.'),
    loanMmRate: fraction.optional().describe('MM add-on on borrowed value.'),
    stable: z
      .array(assetCode)
      .optional()
      .describe('Assets treated as cash at their index price, with no price scenario (stablecoins).'),
  })
  .describe('Collateral valuation.');

export const modelParametersSchema = z
  .strictObject({
    grid: gridParametersSchema.optional(),
    standard: standardParametersSchema.optional(),
    collateral: collateralParametersSchema.optional(),
    scenarios: scenarioParametersSchema.optional(),
    underlyings: z
      .record(assetCode, scenarioParametersSchema)
      .optional()
      .describe('Per-underlying scenario overrides.'),
    rulebook: z
      .record(z.string(), z.unknown())
      .superRefine((value, ctx) => {
        for (const { at, issue } of boundIssuesWithin('rulebookNumber', value))
          ctx.addIssue({ code: 'custom', message: issue.message, path: at, params: { hint: issue.hint } });
      })
      .optional()
      .describe(
        "Parameters of the account's venue rulebook; the rulebook validates them (docs/venues). Every number " +
          `in them is ${describeBound('rulebookNumber')}.`,
      ),
  })
  .describe('Model parameters; each field overrides the documented default.');

export type ModelParametersInput = z.input<typeof modelParametersSchema>;
export type BracketInput = z.output<typeof bracketSchema>;
export type DeltaOneRatesInput = z.output<typeof deltaOneRatesSchema>;

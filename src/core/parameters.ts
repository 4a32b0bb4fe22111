import { z } from 'zod';
import { assetCode } from './instrument.js';
import { decimal, fraction, nonNegativeDecimal, positiveDecimal } from './numbers.js';

// Every field is optional here: books and accounts override the documented defaults (core/defaults.ts) field by
// field. Resolution merges them into the complete parameter types below.

const rangeSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('fixed'), value: positiveDecimal }),
  z.strictObject({
    mode: z.literal('volatility'),
    /** Number of standard deviations covered (2.33 = 99% one-sided). */
    z: positiveDecimal,
    /** Margin period of risk in days. */
    horizonDays: positiveDecimal,
    /** Where sigma comes from: the ATM implied vol of the underlying's smiles, or an EWMA of its price history. */
    source: z.enum(['implied', 'ewma', 'given']),
    sigma: positiveDecimal.optional(),
    lambda: fraction.optional(),
    min: positiveDecimal,
    max: positiveDecimal,
  }),
]);

export const scenarioParametersSchema = z.strictObject({
  range: rangeSchema.optional(),
  /** n: price moves are R*j/n for j = -n..n. */
  steps: z.number().int().min(1).max(200).optional(),
  /** Relative vol shocks: vol * (1 + up) and vol * (1 - down). */
  volUp: nonNegativeDecimal.optional(),
  volDown: fraction.optional(),
  volFloor: positiveDecimal.optional(),
  /** Scale vol shocks by (referenceDays / daysToExpiry)^power, as short-dated vols move more; null turns it off. */
  volTimeScaling: z
    .strictObject({ referenceDays: positiveDecimal, power: nonNegativeDecimal })
    .nullable()
    .optional(),
  extremeMultiple: positiveDecimal.optional(),
  extremeCover: fraction.optional(),
});

const bracketSchema = z.strictObject({
  /** Upper bound of position notional (quote currency) of this bracket; the last may be omitted (no cap). */
  notionalCap: positiveDecimal.optional(),
  mmRate: fraction,
  /** Maintenance amount subtracted (Binance's `cum`); derived from the chain when omitted. */
  maintenanceAmount: decimal.optional(),
  maxLeverage: positiveDecimal,
});

export const deltaOneRatesSchema = z.strictObject({
  imRate: fraction.optional(),
  mmRate: fraction.optional(),
  /** Rates grow with size: rate + slope * |size in underlying units|, as Deribit's size-scaled rates. */
  imSlope: nonNegativeDecimal.optional(),
  mmSlope: nonNegativeDecimal.optional(),
  maxRate: fraction.optional(),
  brackets: z.array(bracketSchema).min(1).optional(),
  /** Chosen leverage; IM = notional / min(leverage, bracket max leverage) when brackets are given. */
  leverage: positiveDecimal.optional(),
});

const shortOptionRuleSchema = z.strictObject({ a: fraction, b: fraction });

export const standardParametersSchema = z.strictObject({
  deltaOne: deltaOneRatesSchema.optional(),
  /** Overrides per instrument id (e.g. a venue's bracket table for one symbol). */
  instruments: z.record(z.string(), deltaOneRatesSchema).optional(),
  /** Short options: max(a - OTM/S, b) * S + mark, per unit; separate IM and MM rules. */
  shortOptionIm: shortOptionRuleSchema.optional(),
  shortOptionMm: shortOptionRuleSchema.optional(),
  /** Short leveraged tokens are loans of the token: margined at these rates of their value. */
  shortTokenImRate: fraction.optional(),
  shortTokenMmRate: fraction.optional(),
  /** Cross model only: charge on the offset (min of long and short) notional within an underlying. */
  spreadRate: fraction.optional(),
});

export const gridParametersSchema = z.strictObject({
  imMultiplier: decimal.refine((n) => n >= 1, { message: 'must be >= 1' }).optional(),
  /** Short option minimum per unit, as a fraction of the underlying's value. */
  shortOptionMinimum: fraction.optional(),
  /** Credit between underlyings: this fraction of the smaller of two scan risks with opposite worst moves. */
  interUnderlyingCredit: fraction.optional(),
  /** Whether non-stable collateral enters the scenario scan (true) or is haircut (false). */
  collateralInScan: z.boolean().optional(),
});

const haircutTierSchema = z.strictObject({
  /** Upper bound (asset amount) of this tier; the last may be omitted. */
  upTo: positiveDecimal.optional(),
  haircut: fraction,
});

export const collateralParametersSchema = z.strictObject({
  haircuts: z.record(assetCode, z.union([fraction, z.array(haircutTierSchema).min(1)])).optional(),
  /** Add-on on borrowed value (negative balances), as fractions for IM and MM. */
  loanImRate: fraction.optional(),
  loanMmRate: fraction.optional(),
  /** Assets treated as cash at their index price, with no price scenario (stablecoins). */
  stable: z.array(assetCode).optional(),
});

export const modelParametersSchema = z.strictObject({
  grid: gridParametersSchema.optional(),
  standard: standardParametersSchema.optional(),
  collateral: collateralParametersSchema.optional(),
  scenarios: scenarioParametersSchema.optional(),
  /** Per-underlying scenario overrides. */
  underlyings: z.record(assetCode, scenarioParametersSchema).optional(),
  /** Parameters of the account's venue rulebook; the rulebook validates them (its own schema). */
  rulebook: z.record(z.string(), z.unknown()).optional(),
});

export type ModelParametersInput = z.input<typeof modelParametersSchema>;
export type BracketInput = z.output<typeof bracketSchema>;
export type DeltaOneRatesInput = z.output<typeof deltaOneRatesSchema>;

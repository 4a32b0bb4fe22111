// Deribit portfolio margin (S:PM) parameters, as Deribit's API returns them in `model_params` of
// private/pme/simulate: per currency pair (the underlying against USD) the scenario grid and vol shocks, per
// settlement currency the roll shock and the extended-table dampener, and the MM/IM link. The defaults are the
// figures of Deribit's published response example (docs.deribit.com, private/pme/simulate, model_params
// timestamp 1718619740501 = 2024-06-17): btc_usd, and the btc and usd currencies. Other underlyings and
// currencies have no published figures here: an account holding them must give them (see InputError hints).
import { z } from 'zod';
import { InputError, zodIssues } from '../../core/index.js';

/** Scenario parameters of one currency pair (underlying vs USD). */
export interface DeribitPairParameters {
  /** Largest price move of the standard table (0.16 = ±16%). */
  priceRange: number;
  /** Relative vol shocks, scaled per expiry by (30 / days to expiry)^power. */
  volatilityRangeUp: number;
  volatilityRangeDown: number;
  /** The up-shocked vol is never below this (0.5 = 50%). */
  minVolatilityForShockUp: number;
  /** Vega power for expiries within 30 days, and beyond. */
  shortTermVegaPower: number;
  longTermVegaPower: number;
  /** Fraction of the extended table's P&L that counts. */
  extendedTableFactor: number;
  /** Delta shock: cap of the rate, rate per unit of delta, and the USD delta below which none applies. */
  maxDeltaShock: number;
  deltaShockPerUnit: number;
  deltaShockThresholdUsd: number;
}

/** Parameters of one settlement currency. */
export interface DeribitCurrencyParameters {
  /** Roll shock: |size| x max(minAnnualisedMove, annualisedMoveRisk x years to expiry). */
  annualisedMoveRisk: number;
  minAnnualisedMove: number;
  /** USD amount of extended-table loss that is forgiven. */
  extendedDampener: number;
}

/** The rulebook's complete parameters. */
export interface DeribitPortfolioParameters {
  /** MM = mmFactor x IM. */
  mmFactor: number;
  /** Price buckets each side of zero: 4 gives 9 buckets. */
  bucketsCount: number;
  /** Price moves of the extended table (fractions), evaluated at vol up only. */
  extendedMoves: number[];
  /** Days to expiry below which vol shocks stop growing (a project choice: Deribit publishes none). */
  minDaysToExpiry: number;
  pairs: Record<string, DeribitPairParameters>;
  currencies: Record<string, DeribitCurrencyParameters>;
}

/** Published figures (docs.deribit.com, private/pme/simulate response example, 2024-06-17). */
export const DEFAULT_DERIBIT_PM: DeribitPortfolioParameters = {
  mmFactor: 0.8,
  bucketsCount: 4,
  // The support article's example moves; its count (8) matches the published extended vectors.
  extendedMoves: [-0.66, -0.33, 0.5, 1, 2, 3, 4, 5],
  minDaysToExpiry: 1 / 24,
  pairs: {
    BTC: {
      priceRange: 0.16,
      volatilityRangeUp: 0.5,
      volatilityRangeDown: 0.25,
      minVolatilityForShockUp: 0.5,
      shortTermVegaPower: 0.3,
      longTermVegaPower: 0.13,
      extendedTableFactor: 1,
      maxDeltaShock: 0.1,
      deltaShockPerUnit: 0.00005,
      deltaShockThresholdUsd: 20_000_000,
    },
  },
  currencies: {
    BTC: { annualisedMoveRisk: 0.075, minAnnualisedMove: 0.01, extendedDampener: 100_000 },
    USD: { annualisedMoveRisk: 0.1, minAnnualisedMove: 0.01, extendedDampener: 25_000 },
    USDC: { annualisedMoveRisk: 0.1, minAnnualisedMove: 0.01, extendedDampener: 25_000 },
    USDT: { annualisedMoveRisk: 0.1, minAnnualisedMove: 0.01, extendedDampener: 25_000 },
  },
};

const nonNegative = z.number().min(0);
const pairSchema = z.strictObject({
  priceRange: z.number().gt(0).lt(1),
  volatilityRangeUp: nonNegative,
  volatilityRangeDown: z.number().min(0).max(1),
  minVolatilityForShockUp: nonNegative,
  shortTermVegaPower: nonNegative,
  longTermVegaPower: nonNegative,
  extendedTableFactor: z.number().min(0).max(1),
  maxDeltaShock: z.number().min(0).max(1),
  deltaShockPerUnit: nonNegative,
  deltaShockThresholdUsd: nonNegative,
});
const currencySchema = z.strictObject({
  annualisedMoveRisk: nonNegative,
  minAnnualisedMove: nonNegative,
  extendedDampener: nonNegative,
});
const schema = z.strictObject({
  mmFactor: z.number().gt(0).max(1).optional(),
  bucketsCount: z.number().int().min(1).max(50).optional(),
  extendedMoves: z.array(z.number().gt(-1).max(100)).optional(),
  minDaysToExpiry: z.number().gt(0).optional(),
  pairs: z.record(z.string(), pairSchema).optional(),
  currencies: z.record(z.string(), currencySchema).optional(),
});

/** Returns the complete parameters: the published defaults with the account's overrides (whole entries). */
export function parseDeribitPortfolioParameters(
  raw: Record<string, unknown>,
  prefix: readonly string[],
): DeribitPortfolioParameters {
  const result = schema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, prefix));
  const given = result.data;
  return {
    mmFactor: given.mmFactor ?? DEFAULT_DERIBIT_PM.mmFactor,
    bucketsCount: given.bucketsCount ?? DEFAULT_DERIBIT_PM.bucketsCount,
    extendedMoves: given.extendedMoves ?? DEFAULT_DERIBIT_PM.extendedMoves,
    minDaysToExpiry: given.minDaysToExpiry ?? DEFAULT_DERIBIT_PM.minDaysToExpiry,
    pairs: { ...DEFAULT_DERIBIT_PM.pairs, ...given.pairs },
    currencies: { ...DEFAULT_DERIBIT_PM.currencies, ...given.currencies },
  };
}

function missing(path: string, what: string, fields: string): InputError {
  return new InputError([
    {
      path,
      message: `no Deribit portfolio margin parameters for ${what}`,
      hint: `give ${path.split('.').slice(-2).join('.')} as { ${fields} } from Deribit's model_params (private/pme/simulate)`,
    },
  ]);
}

/** Returns the pair parameters of an underlying, or throws InputError naming the missing entry. */
export function pairParameters(
  underlying: string,
  parameters: DeribitPortfolioParameters,
  prefix: readonly string[],
): DeribitPairParameters {
  const pair = parameters.pairs[underlying];
  if (pair !== undefined) return pair;
  throw missing(
    [...prefix, 'pairs', underlying].join('.'),
    `${underlying}`,
    Object.keys(pairSchema.shape).join(', '),
  );
}

/** Returns the parameters of a settlement currency, or throws InputError naming the missing entry. */
export function currencyParameters(
  currency: string,
  parameters: DeribitPortfolioParameters,
  prefix: readonly string[],
): DeribitCurrencyParameters {
  const found = parameters.currencies[currency];
  if (found !== undefined) return found;
  throw missing(
    [...prefix, 'currencies', currency].join('.'),
    `settlement currency ${currency}`,
    Object.keys(currencySchema.shape).join(', '),
  );
}

// Bybit Unified Trading Account portfolio margin parameters (bybit-pm@2025-01), as data with their source. Bybit
// publishes the price range of the BTC and ETH risk units (±10% from 2025-01-10 08:00 UTC, ±15% before), the number of
// preset scenarios of its worked example (33) and the vega spread factor of BTC and ETH (0.03%, through a mirror);
// the vol shocks, the contingency rates, the IM factor and the USDT-USDC spread rate are not in the stored pages:
// each is marked an assumption here and in docs/venues/bybit-pm.md, and an account may override any of them under
// parameters.rulebook.
// Sources (stored copies read 2026-12-05):
// - "Bybit Portfolio Margin Model: Risk Parameter Adjustment in 2025", learn.bybitglobal.com/en/trading/bybit-portfolio-
//   margin-risk-parameter-adjustment, 2025-02-10: BTC and ETH price stress ±15% before, ±10% from 2025-01-10.
// - "Comparison of Spread Strategies in Cross Margin and Portfolio Margin", bybit.com help centre, 2024-10-23 and
//   2025-09-18: "the preset 33 scenarios"; MM = maximum loss + contingency component.
// - "Margin Calculations under Portfolio Margin (Unified Trading Account)", bybitglobal.com/en/help-center/article/
//   Introduction-to-Portfolio-Margin, 2024-09-04; its contingency table as relayed by scallope.com/9990.html.
import { z } from 'zod';
import { InputError, zodIssues } from '../../core/index.js';
import { bracketRulebookParametersSchema } from './binanceParameters.js';
import { DEFAULT_DERIBIT_PM } from './deribitPortfolioParameters.js';

/** Versioned id: the rules and the BTC and ETH price ranges in force from Bybit's 2025-01-10 adjustment. */
export const BYBIT_PM_ID = 'bybit-pm@2025-01';

/** The parameters of one risk unit (one underlying). */
export interface BybitUnitParameters {
  /** Largest price move of the stress test (published: ±10% for BTC and ETH from 2025-01-10). */
  priceRange: number;
  /** Price points each side of 0: 5 gives 11 points, 33 scenarios with 3 vol states (inferred from the example). */
  priceSteps: number;
}

/** The account-wide parameters: what Bybit does not publish (assumptions), spot hedging, per-unit overrides. */
export interface BybitPortfolioParameters {
  /** Relative vol shocks up and down, scaled per option by (30 / days to expiry)^power: assumption. */
  volUp: number;
  volDown: number;
  shortTermVegaPower: number;
  longTermVegaPower: number;
  /** IM = imFactor x MM per risk unit: assumption (the published example bounds it below 1.1503). */
  imFactor: number;
  /** Perpetual and futures contingency: rate on Σ|coins| x index: assumption. */
  deltaOneContingencyRate: number;
  /** Short options contingency: rate on the net short option coins x index: assumption. */
  shortOptionContingencyRate: number;
  /** Vega spread contingency: per day of expiry difference, on the calendar-hedged coins x index (published 0.03%). */
  vegaSpreadFactor: number;
  /** Delta spread contingency: per year of expiry difference, on the calendar-hedged delta x index: assumption. */
  deltaSpreadRate: number;
  /** USDT-USDC spread contingency: rate on the delta hedged across settlement assets x index: assumption. */
  stablecoinSpreadRate: number;
  /** Bybit's spot hedging switch (POST /v5/account/set-hedging-mode): spot enters the stress test only when on. */
  spotHedging: boolean;
  /** Per-underlying overrides. */
  units: Record<string, Partial<BybitUnitParameters>>;
}

const deribitBtc = DEFAULT_DERIBIT_PM.pairs.BTC!;

/** Assumed values of the parameters Bybit does not publish (docs/venues/bybit-pm.md gives the reason for each). */
export const BYBIT_PM_ASSUMPTIONS: Omit<BybitPortfolioParameters, 'units'> = {
  volUp: deribitBtc.volatilityRangeUp,
  volDown: deribitBtc.volatilityRangeDown,
  shortTermVegaPower: deribitBtc.shortTermVegaPower,
  longTermVegaPower: deribitBtc.longTermVegaPower,
  imFactor: 1.1,
  deltaOneContingencyRate: 0.006,
  shortOptionContingencyRate: 0.01,
  vegaSpreadFactor: 0.0003,
  deltaSpreadRate: 0.05,
  stablecoinSpreadRate: 0.01,
  spotHedging: true,
};

/** Bybit's published price ranges (2025-01-10): BTC and ETH only. */
const PUBLISHED_RANGES: Readonly<Record<string, number>> = { BTC: 0.1, ETH: 0.1 };

/** Price points each side of zero: 11 points x 3 vol states = the 33 preset scenarios of Bybit's example. */
export const BYBIT_PM_PRICE_STEPS = 5;

const unitSchema = z.strictObject({
  priceRange: z.number().gt(0).lt(1).optional(),
  priceSteps: z.number().int().min(1).max(20).optional(),
});
const schema = z.strictObject({
  volUp: z.number().min(0).max(5).optional(),
  volDown: z.number().min(0).max(1).optional(),
  shortTermVegaPower: z.number().min(0).max(2).optional(),
  longTermVegaPower: z.number().min(0).max(2).optional(),
  imFactor: z.number().min(1).max(5).optional(),
  deltaOneContingencyRate: z.number().min(0).max(1).optional(),
  shortOptionContingencyRate: z.number().min(0).max(1).optional(),
  vegaSpreadFactor: z.number().min(0).max(0.1).optional(),
  deltaSpreadRate: z.number().min(0).max(5).optional(),
  stablecoinSpreadRate: z.number().min(0).max(1).optional(),
  spotHedging: z.boolean().optional(),
  units: z.record(z.string(), unitSchema).optional(),
  // The standard mode's fields (bybit-linear and bybit-inverse: tiers, leverage, closing fee) are checked by their own
  // schema and ignored here, so one account's parameters serve both modes (compare-modes margins it under each).
  ...bracketRulebookParametersSchema.shape,
});

/** Returns the complete parameters: the assumptions with the account's overrides; throws InputError at the field. */
export function parseBybitPortfolioParameters(
  raw: Record<string, unknown>,
  prefix: readonly string[],
): BybitPortfolioParameters {
  const result = schema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, prefix));
  const { units, ...given } = result.data;
  const own = Object.keys(BYBIT_PM_ASSUMPTIONS);
  const defined = Object.fromEntries(
    Object.entries(given).filter(([k, v]) => v !== undefined && own.includes(k)),
  );
  return { ...BYBIT_PM_ASSUMPTIONS, ...defined, units: units ?? {} };
}

/** Returns an underlying's unit parameters, or throws InputError naming the missing price range. */
export function bybitUnitParameters(
  underlying: string,
  parameters: BybitPortfolioParameters,
  prefix: readonly string[],
): BybitUnitParameters {
  const given = parameters.units[underlying] ?? {};
  const priceRange = given.priceRange ?? PUBLISHED_RANGES[underlying];
  if (priceRange === undefined) {
    throw new InputError([
      {
        path: [...prefix, 'units', underlying, 'priceRange'].join('.'),
        message: `no Bybit portfolio margin price range for ${underlying}: the stored pages publish it for BTC and ETH only`,
        hint: 'give the largest price move of the risk unit as a fraction (0.1 = ±10%)',
      },
    ]);
  }
  return { priceRange, priceSteps: given.priceSteps ?? BYBIT_PM_PRICE_STEPS };
}

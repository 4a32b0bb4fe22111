// OKX portfolio margin parameters (okx-pm@2025-01), as data with their source. OKX publishes the price moves of MR1,
// the extreme moves of MR6, the annualized move risk of MR4 and the tiers of MR7 per class of underlying, and
// IMR = 1.3 x MMR; the vol shocks, the cover of the extreme move, the theta horizon, the rate shock, the term
// twist and the raw position-reduction rate are not published on the pages read: each is marked an assumption
// here and in docs/venues/okx-pm.md, and an account may override any of them under parameters.rulebook.
// Sources (stored copies read 2026-12-04):
// - "OKX will further adjust portfolio margin parameters", 2025-01-02 (okx.com/help/okx-will-further-adjust-
//   portfolio-margin-parameters, read through its okx-api.aperture.finance mirror): MR1 price moves (effective
//   2025-01-06), MR6 extreme moves, MR4 annualized move risk, the MR7 multiplier tiers before 2025-01-15.
// - the MR7 tiers from 2025-01-15 as relayed by scallope.com/6757.html (the stored OKX copy ends before them).
// - "Multi-currency margin mode vs. Portfolio margin mode", updated 2025-07-09: derivatives MMR = max{[max(MR1, MR2,
//   MR6) + MR3 + MR4 + MR5 + MR9], adjusted MR7}; MMR = sum of risk units + borrowing; IMR = 1.3 x MMR.
import { z } from 'zod';
import { InputError, zodIssues } from '../../core/index.js';
import { discountedAmount } from './okxCollateral.js';

/** Versioned id: the rules and parameters in force from OKX's January 2025 portfolio margin upgrade. */
export const OKX_PM_ID = 'okx-pm@2025-01';

/** IMR = 1.3 x MMR (Multi-currency margin mode vs. Portfolio margin mode, updated 2025-07-09). */
export const OKX_PM_IMR_FACTOR = 1.3;

/** One MR7 tier: the raw minimum charge (USD) up to `upTo` is multiplied by `multiplier`, slice by slice. */
export interface MinimumChargeTier {
  upTo?: number | undefined;
  multiplier: number;
}

/** The parameters of one risk unit (one underlying). */
export interface OkxUnitParameters {
  /** MR1: largest price move; the moves are 0 and ±k/steps of it (published: ±0, 4, 8, 12% for BTC and ETH). */
  priceMove: number;
  priceSteps: number;
  /** MR6: the extreme price move (published: ±24% for BTC and ETH). */
  extremeMove: number;
  /** MR4: annualized move risk of the basis (published: 5% for BTC and ETH). */
  annualizedMoveRisk: number;
  /** MR7: multiplier tiers of the raw minimum charge in USD (published for BTC and ETH). */
  minimumChargeTiers: MinimumChargeTier[] | undefined;
}

/** The account-wide parameters: what OKX does not publish (assumptions) and per-unit overrides. */
export interface OkxPortfolioParameters {
  /** MR1 and MR6 vol shocks, relative, scaled by (30 / days to expiry)^power: assumption. */
  volUp: number;
  volDown: number;
  shortTermVegaPower: number;
  longTermVegaPower: number;
  /** Fraction of the extreme move's loss that counts in MR6: assumption. */
  extremeCover: number;
  /** MR2: days of time decay: assumption. */
  thetaDays: number;
  /** MR3: relative vol twist, expiries within `termPivotDays` against the later ones: assumption. */
  termShock: number;
  termPivotDays: number;
  /** MR5: absolute shock of the options' discount rate: assumption. */
  rateShock: number;
  /** MR7 raw charge: rate on the USD notional of delta-one positions and on the options' delta: assumption. */
  reductionCostRate: number;
  /** Per-underlying overrides (whole entries). */
  units: Record<string, Partial<OkxUnitParameters>>;
}

/** Assumed values of the parameters OKX does not publish (docs/venues/okx-pm.md gives the reason for each). */
export const OKX_PM_ASSUMPTIONS: Omit<OkxPortfolioParameters, 'units'> = {
  volUp: 0.5,
  volDown: 0.25,
  shortTermVegaPower: 0.3,
  longTermVegaPower: 0.13,
  extremeCover: 0.35,
  thetaDays: 1,
  termShock: 0.1,
  termPivotDays: 30,
  rateShock: 0.01,
  reductionCostRate: 0.0045,
};

const MR7_BTC_ETH: MinimumChargeTier[] = [
  { upTo: 250_000, multiplier: 1 },
  { upTo: 500_000, multiplier: 2 },
  { upTo: 1_000_000, multiplier: 4 },
  { upTo: 2_000_000, multiplier: 6 },
  { upTo: 3_000_000, multiplier: 8 },
  { upTo: 4_000_000, multiplier: 10 },
  { multiplier: 12 },
];

const MR1_MID = ['LTC', 'BCH', 'EOS', 'OKB', 'DOT', 'BSV', 'LINK', 'FIL', 'ADA', 'TRX', 'UNI', 'XRP'];
const MR6_MR4_MID = ['SOL', 'DOGE', 'PEPE', 'XRP', 'BNB', 'SHIB', 'LTC', 'ORDI', 'WLD', 'BCH', 'ADA'];

/** Returns OKX's published parameters of an underlying's risk unit (2025-01 tables); MR7 tiers for BTC and ETH only. */
export function publishedUnitParameters(underlying: string): OkxUnitParameters {
  const major = underlying === 'BTC' || underlying === 'ETH';
  const mid1 = MR1_MID.includes(underlying);
  const mid64 = MR6_MR4_MID.includes(underlying);
  return {
    priceMove: major ? 0.12 : mid1 ? 0.18 : 0.25,
    priceSteps: 3,
    extremeMove: major ? 0.24 : mid64 ? 0.36 : 0.5,
    annualizedMoveRisk: major ? 0.05 : mid64 ? 0.15 : 0.3,
    minimumChargeTiers: major ? MR7_BTC_ETH : undefined,
  };
}

const tier = z.strictObject({ upTo: z.number().gt(0).optional(), multiplier: z.number().min(1).max(100) });
const unitSchema = z.strictObject({
  priceMove: z.number().gt(0).lt(1).optional(),
  priceSteps: z.number().int().min(1).max(20).optional(),
  extremeMove: z.number().gt(0).lt(1).optional(),
  annualizedMoveRisk: z.number().min(0).max(5).optional(),
  minimumChargeTiers: z.array(tier).min(1).optional(),
});
const schema = z.strictObject({
  volUp: z.number().min(0).max(5).optional(),
  volDown: z.number().min(0).max(1).optional(),
  shortTermVegaPower: z.number().min(0).max(2).optional(),
  longTermVegaPower: z.number().min(0).max(2).optional(),
  extremeCover: z.number().min(0).max(1).optional(),
  thetaDays: z.number().min(0).max(30).optional(),
  termShock: z.number().min(0).max(1).optional(),
  termPivotDays: z.number().gt(0).max(3650).optional(),
  rateShock: z.number().min(0).max(0.5).optional(),
  reductionCostRate: z.number().min(0).max(1).optional(),
  units: z.record(z.string(), unitSchema).optional(),
});

/** Returns the complete parameters: the assumptions with the account's overrides; throws InputError at the field. */
export function parseOkxPortfolioParameters(
  raw: Record<string, unknown>,
  prefix: readonly string[],
): OkxPortfolioParameters {
  const result = schema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, prefix));
  const { units, ...given } = result.data;
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...OKX_PM_ASSUMPTIONS, ...defined, units: units ?? {} };
}

/** Returns an underlying's published unit parameters with the account's overrides (MR7 tiers possibly absent). */
export function givenUnitParameters(
  underlying: string,
  parameters: OkxPortfolioParameters,
): OkxUnitParameters {
  const given = parameters.units[underlying] ?? {};
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...publishedUnitParameters(underlying), ...defined };
}

/** Returns an underlying's unit parameters, or throws InputError naming the missing MR7 tiers. */
export function unitParameters(
  underlying: string,
  parameters: OkxPortfolioParameters,
  prefix: readonly string[],
): OkxUnitParameters & { minimumChargeTiers: MinimumChargeTier[] } {
  const unit = givenUnitParameters(underlying, parameters);
  const tiers = unit.minimumChargeTiers;
  if (tiers === undefined) {
    const path = [...prefix, 'units', underlying, 'minimumChargeTiers'].join('.');
    throw new InputError([
      {
        path,
        message: `no OKX portfolio margin MR7 tiers for ${underlying}: OKX's stored pages publish them for BTC and ETH only`,
        hint: 'give [{ upTo, multiplier }] in USD of raw minimum charge, the last without upTo',
      },
    ]);
  }
  return { ...unit, minimumChargeTiers: tiers };
}

/**
 * Returns MR7 adjusted: each slice of the raw charge between tier bounds times its tier's multiplier (USD), past a
 * bounded last tier at the last multiplier; the same tiered sum as OKX's discount rates (okxCollateral.ts).
 */
export function adjustedMinimumCharge(raw: number, tiers: readonly MinimumChargeTier[]): number {
  const rates = tiers.map((t) => ({ upTo: t.upTo, rate: t.multiplier }));
  return discountedAmount(raw, rates, tiers[tiers.length - 1]?.multiplier ?? 1);
}

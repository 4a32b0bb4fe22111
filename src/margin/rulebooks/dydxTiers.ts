// dYdX v4 liquidity tiers, the open-interest-based initial margin fraction (OIMF) and the rulebook's parameters.
// Tiers 0-3 with the open interest caps set by the v5.0.0 upgrade handler (dydxprotocol/v4-chain,
// protocol/app/upgrades/v5.0.0/upgrade.go, initializeOIMFCaps); tiers 4-6 as added by the governance proposal
// "Liquidity Tier Maintenance" (dydx.forum/t/liquidity-tier-maintenance/2939, 2024), which also renamed tier 1
// from Mid-Cap to Small-Cap and moved SOL to the new Mid-Cap tier.
import { z } from 'zod';
import { InputError, zodIssues } from '../../core/index.js';

/** One liquidity tier: base initial margin fraction, maintenance fraction of it, open notional caps (USDC). */
export interface LiquidityTier {
  id: number;
  initialMarginFraction: number;
  /** Maintenance margin fraction = initialMarginFraction x maintenanceFraction. */
  maintenanceFraction: number;
  /** Open notional (USDC) up to which the base IMF applies; 0 and 0 turn the scaling off. */
  openInterestLowerCap: number;
  /** Open notional (USDC) at which the IMF reaches 100%. */
  openInterestUpperCap: number;
}

const M = 1_000_000;

/** The liquidity tiers by name, as of 2024 (see the file header for sources); fractions, caps in USDC. */
export const LIQUIDITY_TIERS: Readonly<Record<string, LiquidityTier>> = {
  'Large-Cap': tier(0, 0.05, 0.6, 0, 0),
  'Small-Cap': tier(1, 0.1, 0.5, 20 * M, 50 * M),
  'Long-Tail': tier(2, 0.2, 0.5, 5 * M, 10 * M),
  Safety: tier(3, 1, 0.2, 2 * M, 5 * M),
  Isolated: tier(4, 0.05, 0.6, 0.5 * M, 1 * M),
  'Mid-Cap': tier(5, 0.05, 0.6, 40 * M, 100 * M),
  FX: tier(6, 0.01, 0.5, 0.5 * M, 1 * M),
};

function tier(id: number, imf: number, mf: number, lower: number, upper: number): LiquidityTier {
  return {
    id,
    initialMarginFraction: imf,
    maintenanceFraction: mf,
    openInterestLowerCap: lower,
    openInterestUpperCap: upper,
  };
}

/** Markets whose tier the sources above state: BTC and ETH Large-Cap, SOL Mid-Cap. */
export const DEFAULT_MARKET_TIERS: Readonly<Record<string, string>> = {
  BTC: 'Large-Cap',
  ETH: 'Large-Cap',
  SOL: 'Mid-Cap',
};

/**
 * Returns the effective initial margin fraction at an open notional (USDC), as dYdX publishes it:
 * scaling = (open notional - lower cap) / (upper cap - lower cap), effective = min(base + max(scaling x
 * (1 - base), 0), 1); the base IMF when the caps are both 0 or the open notional is at or below the lower cap.
 */
export function effectiveInitialMarginFraction(t: LiquidityTier, openNotional: number): number {
  const base = t.initialMarginFraction;
  if (t.openInterestUpperCap === 0 || openNotional <= t.openInterestLowerCap) return base;
  if (openNotional >= t.openInterestUpperCap) return 1;
  const scaling = (openNotional - t.openInterestLowerCap) / (t.openInterestUpperCap - t.openInterestLowerCap);
  return Math.min(base + Math.max(scaling * (1 - base), 0), 1);
}

/** Returns the maintenance margin fraction of a tier: base IMF x maintenance fraction (not scaled by OI). */
export const maintenanceMarginFraction = (t: LiquidityTier): number =>
  t.initialMarginFraction * t.maintenanceFraction;

const fraction = z.number().min(0).max(1);
const tierSchema = z
  .strictObject({
    initialMarginFraction: fraction,
    maintenanceFraction: fraction,
    openInterestLowerCap: z.number().min(0).default(0),
    openInterestUpperCap: z.number().min(0).default(0),
  })
  .refine((t) => t.openInterestUpperCap === 0 || t.openInterestUpperCap >= t.openInterestLowerCap, {
    message: 'openInterestUpperCap must be 0 (no scaling) or at least openInterestLowerCap',
  });

const marketSchema = z.strictObject({
  /** Name of the market's liquidity tier (a published one or one given under liquidityTiers). */
  liquidityTier: z.string().min(1),
  /** The market's open interest in underlying units; open notional = open interest x oracle price. */
  openInterest: z.number().min(0).default(0),
});

const parametersSchema = z.strictObject({
  /** Per underlying (BTC for BTC-USD): its liquidity tier and open interest. */
  markets: z.record(z.string(), marketSchema).default({}),
  /** Tiers added or replaced by name (governance changes them; query /dydxprotocol/perpetuals/liquidity_tiers). */
  liquidityTiers: z.record(z.string(), tierSchema).default({}),
});

/** dYdX rulebook parameters after validation. */
export type DydxParameters = z.output<typeof parametersSchema>;

/** Returns the validated parameters; throws InputError with paths under `prefix`. */
export function parseDydxParameters(raw: Record<string, unknown>, prefix: readonly string[]): DydxParameters {
  const result = parametersSchema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, prefix));
  return result.data;
}

/** A market's tier and open notional, resolved from the parameters and the defaults. */
export interface MarketTerms {
  tierName: string;
  tier: LiquidityTier;
  openInterest: number;
}

/** Returns a market's tier and open interest, or throws InputError naming what is missing. */
export function marketTerms(underlying: string, p: DydxParameters, prefix: readonly string[]): MarketTerms {
  const market = p.markets[underlying];
  const tierName = market?.liquidityTier ?? DEFAULT_MARKET_TIERS[underlying];
  const path = [...prefix, 'markets', underlying, 'liquidityTier'].join('.');
  if (tierName === undefined)
    throw new InputError([
      {
        path,
        message: `no dYdX liquidity tier for the ${underlying}-USD market`,
        hint: `one of ${Object.keys(LIQUIDITY_TIERS).join(', ')}, or a tier under liquidityTiers`,
      },
    ]);
  const given = p.liquidityTiers[tierName];
  const tier = given === undefined ? LIQUIDITY_TIERS[tierName] : { id: -1, ...given };
  if (tier === undefined)
    throw new InputError([
      { path, message: `unknown liquidity tier "${tierName}"`, hint: 'define it under liquidityTiers' },
    ]);
  return { tierName, tier, openInterest: market?.openInterest ?? 0 };
}

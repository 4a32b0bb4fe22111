// Hyperliquid portfolio margin's published rules, as data and pure functions: the collateral assets with their
// loan-to-value (LTV) and per-user supply caps, the USDC borrow cap, the liquidation threshold of collateral, the
// portfolio margin ratio (PMR) and the level at which it liquidates, the health factor and the borrow liquidation
// thresholds. Sources (stored copies read 2026-12-05; the pages carry no date of their own):
// - "Portfolio margin", https://hyperliquid.gitbook.io/hyperliquid-docs/trading/portfolio-margin (the stored page
//   is its "Testnet-only, pre-alpha" version; the alpha version with the caps and the PMR formula below was read
//   from a mirror of the page's markdown, which says so in docs/venues/hyperliquid-pm.md):
//     portfolio_margin_ratio = max_{borrowable_token} (portfolio_maintenance_requirement / portfolio_liquidation_value)
//     portfolio_maintenance_requirement = min_borrow_offset + sum_{dex} cross_maintenance_margin(dex)
//                                         + borrowed_size_for_maintenance × borrow_oracle_price
//     portfolio_liquidation_value = portfolio_balance + min(borrow_cap, min(balance, supply_cap) × price
//                                   × liquidation_threshold)
//     liquidation_threshold = 0.5 + 0.5 × LTV; min_borrow_offset = 20 USDC; liquidatable when PMR > 0.95;
//     alpha caps: USDC user borrow cap 1M, HYPE user supply cap 50k, BTC user supply cap 20.
// - FAQ "Portfolio margin", https://hyperliquid.gitbook.io/hyperliquid-docs/support/faq/portfolio-margin:
//     "Currently, HYPE and BTC each have an LTV of 50%"; borrowable = balance × oracle price × LTV; Health Factor =
//     account value weighted by LTV / borrowed; partial borrow liquidation above collateral × (LTV + (1 − LTV) / 2),
//     full above collateral × (LTV + (1 − LTV) × 2/3); margin sharing: a perp below its maintenance margin borrows
//     against collateral.
import { z } from 'zod';
import { InputError, zodIssues } from '../../core/index.js';
import { discountedAmount } from './okxCollateral.js';

/** Versioned id: the rules of Hyperliquid's portfolio margin pages as captured in December 2026. */
export const HYPERLIQUID_PM_ID = 'hyperliquid-pm@2026-12';

/** The one borrowable token this rulebook margins against (USDC perpetuals settle in it). */
export const BORROWABLE = 'USDC';

/** An eligible collateral asset: its loan-to-value and the per-user supply cap (units of the asset). */
export interface CollateralTerms {
  ltv: number;
  supplyCap: number;
}

/** Published collateral: LTV 0.5 for HYPE and BTC (FAQ), per-user supply caps of the alpha mode (docs). */
export const PUBLISHED_COLLATERAL: Readonly<Record<string, CollateralTerms>> = {
  HYPE: { ltv: 0.5, supplyCap: 50_000 },
  BTC: { ltv: 0.5, supplyCap: 20 },
};

/** Per-user USDC borrow cap of the alpha mode (docs), in USDC. Mainnet pre-alpha began at 1,000. */
export const PUBLISHED_BORROW_CAP = 1_000_000;

/** min_borrow_offset of the PMR formula, in USDC (docs). */
export const MIN_BORROW_OFFSET = 20;

/** The account is liquidatable when its portfolio margin ratio exceeds this (docs: "> 0.95"). */
export const LIQUIDATION_PMR = 0.95;

/** liquidation_threshold(token) = 0.5 + 0.5 × LTV(token) (docs). */
export function liquidationThreshold(ltv: number): number {
  return 0.5 + 0.5 * ltv;
}

/** Returns what can be borrowed against a collateral amount (units of the borrowed asset): amount × price × LTV. */
export function borrowable(amount: number, price: number, ltv: number): number {
  return Math.max(0, amount) * price * ltv;
}

/** Returns the amount of collateral a loan keeps locked (units of the collateral): borrowed / (LTV × price). */
export function lockedCollateral(borrowed: number, price: number, ltv: number): number {
  return borrowed / (ltv * price);
}

/** Returns the FAQ's Health Factor: account value weighted by LTV / borrowed; undefined without a (finite) one. */
export function healthFactor(ltvWeightedValue: number, borrowed: number): number | undefined {
  const factor = ltvWeightedValue / borrowed;
  return borrowed > 0 && Number.isFinite(factor) ? factor : undefined;
}

/** The FAQ's borrow liquidation thresholds of a collateral value (borrowed-asset units). */
export function borrowLiquidationThresholds(collateralValue: number, ltv: number) {
  return {
    partial: collateralValue * (ltv + (1 - ltv) / 2),
    full: collateralValue * (ltv + ((1 - ltv) * 2) / 3),
  };
}

/**
 * Returns which borrow liquidation a loan meets against its thresholds. Assumption: a loan at a threshold meets it
 * (the FAQ says "exceeds", but its own full-liquidation example is a loan of 250 against an exact threshold of 250,
 * which it reaches only by rounding 83.3%).
 */
export function borrowLiquidationState(
  borrowed: number,
  thresholds: { partial: number; full: number },
): 'none' | 'partial' | 'full' {
  const eps = 1e-9 * Math.max(1, thresholds.full);
  if (borrowed > 0 && borrowed >= thresholds.full - eps) return 'full';
  if (borrowed > 0 && borrowed >= thresholds.partial - eps) return 'partial';
  return 'none';
}

/** One collateral holding as the PMR counts it (reporting currency). */
export interface CollateralCount {
  asset: string;
  amount: number;
  price: number;
  ltv: number;
  supplyCap: number;
  /** min(amount, supply cap) × price × liquidation threshold: its part of the liquidation value. */
  liquidationValue: number;
  /** min(amount, supply cap) × price × LTV: what can be borrowed against it. */
  borrowable: number;
}

/** Returns one collateral holding's counted values (reporting currency); amounts past the supply cap count 0. */
export function countCollateral(
  asset: string,
  amount: number,
  price: number,
  terms: CollateralTerms,
): CollateralCount {
  const tiers = (rate: number) => [{ upTo: terms.supplyCap, rate }];
  return {
    asset,
    amount,
    price,
    ltv: terms.ltv,
    supplyCap: terms.supplyCap,
    liquidationValue:
      Math.max(0, discountedAmount(amount, tiers(liquidationThreshold(terms.ltv)), 0)) * price,
    borrowable: Math.max(0, discountedAmount(amount, tiers(terms.ltv), 0)) * price,
  };
}

/** The PMR's inputs for the borrowable token, all in one currency (USDC or the reporting currency). */
export interface PmrInputs {
  /** portfolio balance of the borrowable token before borrowing for maintenance: cash plus perp P&L (may be < 0). */
  balance: number;
  /** Σ cross maintenance margin over the DEXs. */
  crossMaintenance: number;
  /** Σ collateral liquidation values (supply caps applied). */
  collateralValue: number;
  /** The user borrow cap, converted to the same currency. */
  borrowCap: number;
  /** min_borrow_offset, converted to the same currency. */
  offset: number;
}

/** The PMR and its parts, as the docs name them. */
export interface PmrParts {
  /** borrowed_size_for_maintenance: what margin sharing borrows so the balance covers the maintenance margin. */
  borrowedForMaintenance: number;
  portfolioMaintenanceRequirement: number;
  portfolioLiquidationValue: number;
  /** undefined when the liquidation value is not positive (nothing left to cover the requirement). */
  ratio: number | undefined;
}

/**
 * Returns the PMR for the borrowable token. Reading of the docs (see docs/venues/hyperliquid-pm.md): margin sharing
 * borrows max(0, MM − balance), after which the token's portfolio balance is max(balance, MM); the collateral's
 * liquidation value, capped by the borrow cap, is added to it.
 */
export function portfolioMarginRatio(x: PmrInputs): PmrParts {
  const borrowedForMaintenance = Math.max(0, x.crossMaintenance - x.balance);
  const requirement = x.offset + x.crossMaintenance + borrowedForMaintenance;
  const value = x.balance + borrowedForMaintenance + Math.min(x.borrowCap, x.collateralValue);
  return {
    borrowedForMaintenance,
    portfolioMaintenanceRequirement: requirement,
    portfolioLiquidationValue: value,
    // A liquidation value too small to divide by has no finite ratio: reported as none.
    ratio: value > 0 && Number.isFinite(requirement / value) ? requirement / value : undefined,
  };
}

/**
 * Returns the balance of the borrowable token at which the PMR reaches the liquidation level, all else fixed: the
 * unique root, since the PMR falls as the balance grows. Above the maintenance margin the ratio is
 * (offset + MM) / (balance + C); below it, (offset + 2 MM − balance) / (MM + C), C the capped collateral value.
 */
export function liquidationBalance(x: Omit<PmrInputs, 'balance'>, level = LIQUIDATION_PMR): number {
  const capped = Math.min(x.borrowCap, x.collateralValue);
  const above = (x.offset + x.crossMaintenance) / level - capped;
  if (above >= x.crossMaintenance) return above;
  return x.offset + (2 - level) * x.crossMaintenance - level * capped;
}

const collateralSchema = z.strictObject({
  ltv: z.number().min(0).max(1).describe('Loan-to-value of the collateral, 0 to 1.'),
  supplyCap: z.number().min(0).describe('Per-user supply cap, in units of the asset.'),
});

const portfolioSchema = z.strictObject({
  collateral: z
    .record(z.string(), collateralSchema)
    .default({})
    .describe('Collateral terms per asset, replacing or adding to the published ones (HYPE, BTC).'),
  borrowCap: z.number().min(0).default(PUBLISHED_BORROW_CAP).describe('Per-user USDC borrow cap.'),
});

/** The rulebook's own parameters after validation, beside the margin-table ones of hyperliquid-perp. */
export interface HyperliquidPortfolioParameters {
  collateral: Record<string, CollateralTerms>;
  borrowCap: number;
  /** The margin-table fields (network, marginTables, maxLeverage), passed to the cross rulebook's parser. */
  tiers: Record<string, unknown>;
}

/** Returns the validated parameters; throws InputError with paths under `prefix`. */
export function parseHyperliquidPortfolioParameters(
  raw: Record<string, unknown>,
  prefix: readonly string[],
): HyperliquidPortfolioParameters {
  const { collateral, borrowCap, ...tiers } = raw;
  const result = portfolioSchema.safeParse({ collateral, borrowCap });
  if (!result.success) throw new InputError(zodIssues(result.error, prefix));
  return {
    collateral: { ...PUBLISHED_COLLATERAL, ...result.data.collateral },
    borrowCap: result.data.borrowCap,
    tiers,
  };
}

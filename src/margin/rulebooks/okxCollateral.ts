// OKX multi-currency margin: adjusted equity = sum of each currency's equity x discount rate x USD price, the
// discount rate tiered by the amount held: each slice of the amount up to a tier's bound counts at that tier's
// rate, and the amount past the last bounded tier at minDiscountRate. (The shared collateral valuation applies
// `parameters.collateral.haircuts` the same way; margin may not import it, so OKX's own rule is written here.)
// Source: https://www.okx.com/help/iv-multi-currency-margin-mode-cross-margin-trading ("Discount rate" and its
// example: 100 BTC at 60,000 USD, tiers 0-20 BTC 0.98, 20-25 0.975, 25-30 0.97, 30-50 0.965, 50-70 0.96,
// 70-90 0.955, 90-110 0.95, count 5,785,500 USD of 6,000,000).
import type { HaircutTier, ResolvedAccount } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import { parseOkxParameters, type OkxParameters } from './okxTiers.js';

/** One discount tier: the amount (in units of the asset) up to `upTo` counts at `rate`. */
export interface DiscountTier {
  upTo?: number | undefined;
  rate: number;
}

/** The BTC tiers of OKX's help page example (to 110 BTC; the API lists the current table in full). */
export const BTC_DISCOUNT_TIERS: readonly DiscountTier[] = [
  { upTo: 20, rate: 0.98 },
  { upTo: 25, rate: 0.975 },
  { upTo: 30, rate: 0.97 },
  { upTo: 50, rate: 0.965 },
  { upTo: 70, rate: 0.96 },
  { upTo: 90, rate: 0.955 },
  { upTo: 110, rate: 0.95 },
];

/** Returns the amount that counts after discount (units of the asset); liabilities (amount < 0) count in full. */
export function discountedAmount(amount: number, tiers: readonly DiscountTier[], minRate: number): number {
  if (amount <= 0) return amount;
  let floor = 0;
  let kept = 0;
  for (const tier of tiers) {
    if (amount <= floor) return kept;
    const top = tier.upTo ?? Infinity;
    kept += (Math.min(amount, top) - floor) * tier.rate;
    floor = top;
  }
  return amount > floor ? kept + (amount - floor) * minRate : kept;
}

/** Returns the tier bounds of an asset's table (amounts where the discount rate changes), 0 included. */
export function discountKnots(tiers: readonly DiscountTier[]): number[] {
  return [0, ...tiers.flatMap((t) => (t.upTo === undefined ? [] : [t.upTo]))];
}

/**
 * Returns the tiers that apply to an asset: given ones, then the published BTC table, then rate 1 for stable
 * assets (OKX counts USDT and USDC at 1 up to amounts far above a fund's); undefined for others (none known).
 */
export function discountTiersFor(
  asset: string,
  parameters: OkxParameters,
  stable: readonly string[],
): readonly DiscountTier[] | undefined {
  const given = parameters.discountRates[asset];
  if (given !== undefined) return given;
  if (asset === 'BTC') return BTC_DISCOUNT_TIERS;
  if (stable.includes(asset)) return [{ rate: 1 }];
  return undefined;
}

/**
 * Returns OKX's discount tiers of the given assets as haircut tiers (haircut = 1 - discount rate), with the
 * amount past the last bounded tier at 1 - minDiscountRate, so the shared collateral valuation counts each asset
 * as OKX's adjusted equity does. Assets with no known table are left out (validation refuses a balance of one).
 */
export function okxHaircuts(
  account: ResolvedAccount,
  assets: readonly string[],
  reportingCurrency: string,
): Record<string, HaircutTier[]> {
  const parameters = parseOkxParameters(account.parameters.rulebook, [
    'accounts',
    account.id,
    'parameters',
    'rulebook',
  ]);
  const stable = [...account.parameters.collateral.stable, reportingCurrency];
  const out: Record<string, HaircutTier[]> = {};
  for (const asset of assets) {
    const tiers = discountTiersFor(asset, parameters, stable);
    if (tiers === undefined) continue;
    const haircuts: HaircutTier[] = tiers.map((t) => ({ upTo: t.upTo, haircut: 1 - t.rate }));
    if (tiers[tiers.length - 1]?.upTo !== undefined)
      haircuts.push({ upTo: undefined, haircut: 1 - parameters.minDiscountRate });
    out[asset] = haircuts;
  }
  return out;
}

/** Returns the discounted USD value of an asset amount at the view's price (reporting currency). */
export function discountedValue(
  asset: string,
  amount: number,
  view: MarketView,
  tiers: readonly DiscountTier[],
  minRate: number,
): number {
  return discountedAmount(amount, tiers, minRate) * view.price(asset);
}

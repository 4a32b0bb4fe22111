import type { HaircutTier, MarginModelName, ModelParameters } from '../core/index.js';
import { isScanned, type Exposure } from '../margin/index.js';
import { unitPnl, unitValue, type MarketView } from '../scenarios/index.js';

/** One line of an account's equity: an asset amount or a position's value, before and after haircut. */
export interface CollateralLine {
  asset?: string;
  instrument?: string;
  amount: number;
  price: number;
  value: number;
  haircut: number;
  valueAfterHaircut: number;
}

/**
 * Returns the amount left after tiered haircuts, as OKX's discount-rate tiers apply them: each slice of the
 * amount up to a tier's bound is discounted at that tier's rate.
 */
export function haircutAmount(amount: number, tiers: readonly HaircutTier[]): number {
  let left = amount;
  let floor = 0;
  let kept = 0;
  for (const tier of tiers) {
    const width = tier.upTo === undefined ? left : Math.min(left, tier.upTo - floor);
    kept += Math.max(0, width) * (1 - tier.haircut);
    left -= Math.max(0, width);
    floor = tier.upTo ?? floor;
    if (left <= 0) break;
  }
  // Amounts past the last bounded tier get the last tier's rate.
  const last = tiers[tiers.length - 1];
  if (left > 0 && last !== undefined) kept += left * (1 - last.haircut);
  return kept;
}

/**
 * Returns the equity lines of an exposure (reporting currency): asset amounts with accrued P&L (haircut unless scanned
 * or negative) and position values.
 */
export function collateralLines(
  exposure: Exposure,
  view: MarketView,
  parameters: ModelParameters,
  model: MarginModelName,
): CollateralLine[] {
  const lines: CollateralLine[] = [];
  const reporting = view.reportingCurrency;
  for (const [asset, amount] of [...exposure.assets].sort(([a], [b]) => a.localeCompare(b))) {
    if (amount === 0) continue;
    const price = view.price(asset);
    const tiers = parameters.collateral.haircuts[asset];
    const haircutApplies =
      amount > 0 && tiers !== undefined && !isScanned(asset, parameters, reporting, model);
    const kept = haircutApplies ? haircutAmount(amount, tiers) : amount;
    const value = amount * price;
    lines.push({
      asset,
      amount,
      price,
      value,
      haircut: amount === 0 ? 0 : 1 - kept / amount,
      valueAfterHaircut: kept * price,
    });
  }
  for (const p of exposure.positions) {
    const unit = unitValue(p.instrument, view);
    if (unit === 0) continue;
    const value = p.quantity * unit;
    const tiers = parameters.collateral.haircuts[p.instrument.id];
    const kept =
      p.quantity > 0 && tiers !== undefined && model !== 'grid'
        ? haircutAmount(p.quantity, tiers)
        : p.quantity;
    lines.push({
      instrument: p.instrument.id,
      amount: p.quantity,
      price: unit,
      value,
      haircut: 1 - kept / p.quantity,
      valueAfterHaircut: kept * unit,
    });
  }
  return lines;
}

/** Returns equity (reporting currency): the sum of the lines after haircuts. */
export function equityOf(lines: readonly CollateralLine[]): number {
  return lines.reduce((a, l) => a + l.valueAfterHaircut, 0);
}

/**
 * Returns the unhaircut value of an exposure under `view`, relative to the marks of `base` for perpetuals and
 * futures (their P&L since `base`); used for greeks by revaluation.
 */
export function exposureValue(exposure: Exposure, base: MarketView, view: MarketView): number {
  let value = 0;
  for (const [asset, amount] of exposure.assets) value += amount * view.price(asset);
  for (const p of exposure.positions) {
    const i = p.instrument;
    value +=
      p.quantity *
      (i.kind === 'perpetual' || i.kind === 'future' ? unitPnl(i, base, view) : unitValue(i, view));
  }
  return value;
}

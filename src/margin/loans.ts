import type { ModelParameters } from '../core/index.js';
import type { MarketView } from '../scenarios/index.js';
import type { Exposure } from './exposure.js';
import type { MarginComponent } from './types.js';

/**
 * Returns the amount of an asset that is borrowed (units of the asset, >= 0): the negative part of the cash, less
 * what the unrealised profit settled in the asset would repay. An unrealised loss never adds to it: it is not
 * borrowing (venues lend nothing against it), it only lowers equity. `total` is cash plus the accrued P&L.
 */
export function borrowedAmount(cash: number, total: number): number {
  return Math.max(0, -Math.max(cash, total));
}

/** Returns the add-on components (reporting currency) for borrowed assets, valued at index price. */
export function loanComponents(
  exposure: Pick<Exposure, 'cash' | 'assets'>,
  view: MarketView,
  parameters: ModelParameters,
): MarginComponent[] {
  const { loanImRate, loanMmRate } = parameters.collateral;
  const out: MarginComponent[] = [];
  for (const [asset, cash] of [...exposure.cash].sort(([a], [b]) => a.localeCompare(b))) {
    // An asset missing from `assets` has a total of 0 (sums drop zero entries).
    const borrowed = borrowedAmount(cash, exposure.assets.get(asset) ?? 0);
    if (borrowed === 0) continue;
    const value = borrowed * view.price(asset);
    out.push({
      kind: 'loan',
      label: `loan ${asset}`,
      asset,
      im: value * loanImRate,
      mm: value * loanMmRate,
      detail: { borrowed, value, imRate: loanImRate, mmRate: loanMmRate },
    });
  }
  return out;
}

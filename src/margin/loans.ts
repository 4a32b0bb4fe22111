import type { ModelParameters } from '../core/index.js';
import type { MarketView } from '../scenarios/index.js';
import type { Exposure } from './exposure.js';
import type { MarginComponent } from './types.js';

/** Returns the add-on components for borrowed assets (negative amounts), valued at index price. */
export function loanComponents(
  exposure: Exposure,
  view: MarketView,
  parameters: ModelParameters,
): MarginComponent[] {
  const { loanImRate, loanMmRate } = parameters.collateral;
  const out: MarginComponent[] = [];
  for (const [asset, amount] of [...exposure.assets].sort(([a], [b]) => a.localeCompare(b))) {
    if (amount >= 0) continue;
    const value = -amount * view.price(asset);
    out.push({
      kind: 'loan',
      label: `loan ${asset}`,
      asset,
      im: value * loanImRate,
      mm: value * loanMmRate,
      detail: { borrowed: -amount, value, imRate: loanImRate, mmRate: loanMmRate },
    });
  }
  return out;
}

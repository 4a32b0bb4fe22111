import type { ModelParameters } from '../core/index.js';
import type { MarketView } from '../scenarios/index.js';
import type { Exposure } from './exposure.js';
import type { MarginComponent } from './types.js';

/**
 * Returns the add-on components (reporting currency) for borrowed assets: negative cash, valued at index price.
 * Unrealised losses of perpetuals and futures are not borrowing (no venue lends them or charges interest on
 * them): they reduce equity through `assets` and are never charged here.
 */
export function loanComponents(
  exposure: Pick<Exposure, 'cash'>,
  view: MarketView,
  parameters: ModelParameters,
): MarginComponent[] {
  const { loanImRate, loanMmRate } = parameters.collateral;
  const out: MarginComponent[] = [];
  for (const [asset, amount] of [...exposure.cash].sort(([a], [b]) => a.localeCompare(b))) {
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

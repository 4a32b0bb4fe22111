// Binance Portfolio Margin's published rules, as data: the unified maintenance margin ratio and its levels, the
// margin loan's maintenance and initial rates, and the account's adjusted equity with collateral ratios.
// Sources (stored copies read 2026-12-04):
// - "What Is the Unified Account Maintenance Margin Ratio (uniMMR) And How Is It Calculated", last updated
//   2024-11-06, https://www.binance.com/en/support/faq/4868b2f1aa6c4d08af973328462bb0bd: uniMMR = Σ adjustedEquity /
//   ΣMM; adjustedEquity = ΣEquity − OpenLoss × index; Equity per asset = min(x × index × collateralRate, x × index)
//   with x = MarginAsset − MarginLoan + futuresAsset + futuresUnrealPnL; ΣMM = Σ futuresMM × index + Σ MarginMM ×
//   index; futuresMM_UM = |MMR × position × mark| − cum; futuresMM_CM = |MMR × notional| − cum; MarginMM = loan × MMR.
// - "Binance Portfolio Margin Pro Maintenance Margin Ratio Calculation", 2022-04-18,
//   https://www.binance.com/en/support/faq/5e33af8e6ac04d57a1d0a3398e0a0752: the loan MMR by leverage (3x 10%, 5x 8%,
//   10x 5%) and the uniMMR levels (table below).
// - "Binance Portfolio Margin Trading Rules", last updated 2024-11-14,
//   https://www.binance.com/en/support/announcement/174861644e7049aaa64845f1db2e4376: "Traders must keep a uniMMR
//   above 1.05 (105%) to avoid liquidation risks"; futures IM = size × mark / leverage; marginIM = borrowed /
//   (leverage − 1).
import type { HaircutTier, ModelParameters } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import type { Exposure } from '../exposure.js';
import { discountedAmount } from './okxCollateral.js';

/** Versioned id: the rules of Binance's pages of November 2024. */
export const BINANCE_PM_ID = 'binance-pm@2024-11';

/** The margin loan's maintenance rate by the cross margin account's leverage (Portfolio Margin Pro page). */
export const MARGIN_LOAN_MMR: ReadonlyMap<number, number> = new Map([
  [3, 0.1],
  [5, 0.08],
  [10, 0.05],
]);

/**
 * Assumption (not published on the pages above): a cross margin account whose leverage is not given borrows at 3x,
 * the leverage of Binance's classic cross margin and the first row of the loan MMR table.
 */
export const DEFAULT_MARGIN_LEVERAGE = 3;

/** uniMMR at or below which Binance liquidates: "keep a uniMMR above 1.05 (105%)" (trading rules, 2024-11-14). */
export const LIQUIDATION_UNI_MMR = 1.05;

/** The account states by uniMMR, worst first: a state holds while uniMMR ≤ its level (Pro page, 2022-04-18). */
export const UNI_MMR_LEVELS: readonly { atOrBelow: number; state: string }[] = [
  { atOrBelow: 1, state: 'liquidation; Binance may claim the loss' },
  { atOrBelow: 1.05, state: 'liquidation' },
  { atOrBelow: 1.2, state: 'new orders refused, reduce-only' },
  { atOrBelow: 1.5, state: 'margin call: reminder to add funds or reduce' },
];

/** Returns Binance's account state at a uniMMR ("trade freely" above 150%). */
export function uniMmrState(uniMmr: number): string {
  return UNI_MMR_LEVELS.find((l) => uniMmr <= l.atOrBelow)?.state ?? 'trade freely';
}

/** Returns an asset's collateral ratio tiers from the generic haircuts (rate = 1 − haircut), undefined if none. */
function collateralTiers(asset: string, parameters: ModelParameters): readonly HaircutTier[] | undefined {
  return parameters.collateral.haircuts[asset];
}

/** Returns whether the rulebook knows an asset's collateral ratio: given as a haircut, or a stable asset (1). */
export function hasCollateralRatio(asset: string, parameters: ModelParameters): boolean {
  return collateralTiers(asset, parameters) !== undefined || parameters.collateral.stable.includes(asset);
}

/**
 * Returns Binance's Σ Equity (reporting currency): per asset, the net amount (cash plus futures P&L) at its index
 * times its collateral ratio when positive, in full when negative. OpenLoss (from open orders) is 0 in a book.
 */
export function portfolioEquity(exposure: Exposure, view: MarketView, parameters: ModelParameters): number {
  let equity = 0;
  for (const [asset, amount] of exposure.assets) {
    const tiers = collateralTiers(asset, parameters) ?? [];
    const rates = tiers.map((t) => ({ upTo: t.upTo, rate: 1 - t.haircut }));
    const last = rates[rates.length - 1]?.rate ?? 1;
    const counted = rates.length === 0 ? amount : discountedAmount(amount, rates, last);
    equity += counted * view.price(asset);
  }
  return equity;
}

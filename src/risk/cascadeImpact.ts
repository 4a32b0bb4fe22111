// The market depth model of the cascade: the square-root law of market impact. A net order of Q units traded
// within a day moves the price by
//     dp / p = sign(Q) * Y * sigma_daily * sqrt(|Q| / V_daily)
// with sigma_daily the daily volatility and V_daily the daily volume. The law holds for metaorders over several
// decades of size, across asset classes and on Bitcoin: Almgren, Thum, Hauptmann and Li, "Direct Estimation of
// Equity Market Impact", Risk 18(7), 2005 (a concave, close to square-root, temporary impact); Toth et al.,
// "Anomalous Price Impact and the Critical Nature of Liquidity in Financial Markets", Phys. Rev. X 1, 021006
// (2011) (Y of order one); Donier and Bonart, "A Million Metaorder Analysis of Market Impact on the Bitcoin",
// Market Microstructure and Liquidity 1(2), 2015 (arXiv:1412.4503) (the law on BTC/USD).
import { InputError, type InputIssue } from '../core/index.js';

/** Parameters of the square-root impact law. */
export interface ImpactModel {
  /** Dimensionless prefactor Y (of order one in the studies above). */
  y: number;
  /** Daily volatility of the underlying, as a fraction (0.0276 = 2.76% a day). */
  sigmaDaily: number;
  /** Daily traded volume, in the reporting currency (notional). */
  volumeDaily: number;
}

/**
 * Defaults, from the shared market data (prices/BTC_USDT_1d.csv, Binance spot BTC/USDT, the 366 days of 2024,
 * lines 2330-2695): sigmaDaily = 0.0276, the sample standard deviation of the daily log returns of the closes
 * (the first return from the 2023-12-31 close, line 2329); volumeDaily = 1.92e9 USD, the median of volume x close.
 * One spot venue's volume: the derivatives market is deeper, so these defaults overstate impact. Y = 1.
 */
export const DEFAULT_IMPACT: Readonly<ImpactModel> = { y: 1, sigmaDaily: 0.0276, volumeDaily: 1.92e9 };

/** The smallest price factor impact can reach: prices stay positive however large the flow. */
export const MIN_IMPACT_FACTOR = 1e-3;

/** Throws InputError naming each parameter of the impact model that is not a positive finite number. */
export function checkImpactModel(model: ImpactModel, path = 'impact'): void {
  const issues: InputIssue[] = [];
  for (const key of ['y', 'sigmaDaily', 'volumeDaily'] as const) {
    const v = model[key];
    if (!Number.isFinite(v) || v <= 0)
      issues.push({ path: `${path}.${key}`, message: 'must be a positive number' });
  }
  if (issues.length > 0) throw new InputError(issues);
}

/**
 * Returns the relative price move (a fraction, signed as the flow: buys up, sells down) caused by a net flow of
 * `notional` in the reporting currency, under the square-root law.
 */
export function impactMove(model: ImpactModel, notional: number): number {
  if (notional === 0) return 0;
  return Math.sign(notional) * model.y * model.sigmaDaily * Math.sqrt(Math.abs(notional) / model.volumeDaily);
}

/** Returns the price factor after a net flow, floored at MIN_IMPACT_FACTOR. */
export function impactFactor(model: ImpactModel, notional: number): number {
  return Math.max(MIN_IMPACT_FACTOR, 1 + impactMove(model, notional));
}

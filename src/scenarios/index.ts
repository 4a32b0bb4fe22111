// Public API of the scenarios layer: market views, unit valuation, volatility estimates, scenario sets, risk
// arrays and the scan range through time. The pieces of the anti-procyclicality tools (sliding maxima, per-bar
// decay, the stressed and buffered paths) stay internal: shockRangePath composes them.
export { createMarketView, noShift, type AssetShift, type MarketView } from './marketView.js';
export { accruedPnl, optionPremium, tokenNav, unitPnl, unitValue } from './valuation.js';
export { ewmaVolatility, logReturns, periodsPerYear, realisedVolatility } from './volatility.js';
export {
  atmImpliedVol,
  buildScenarioSet,
  scanRange,
  scenarioLabel,
  scenarioShift,
  type ScenarioSet,
} from './scenarioSet.js';
export {
  changedRiskContext,
  createRiskContext,
  movedRiskContext,
  type RiskCaches,
  type RiskContext,
} from './riskArray.js';
export { type PriceSeries } from './priceSeries.js';
export { defaultApcTool, type ApcKind, type ApcTool } from './antiProcyclicality.js';
export {
  shockRange,
  shockRangePath,
  type ShockRangeParameters,
  type ShockRangePath,
  type VolatilityEstimator,
} from './shockRange.js';

// Derive's portfolio margin (PMRM v2) of one portfolio: precompute, run every scenario, take the worst loss
// (floored by the basis contingency), scale it by the loss factor and add the contingencies
// (PMRMLib_2 getMarginAndMarkToMarket).
import { precompute } from './precompute.js';
import { scenarioPnl } from './scenarioPnl.js';
import type { DerivePmrmParameters, DerivePmrmResult, DerivePortfolio, DeriveScenarioPnl } from './types.js';

/** Returns the initial-margin loss factor: imFactor, raised when the cash asset trades below its peg. */
export function initialLossFactor(stablePrice: number, params: DerivePmrmParameters): number {
  const { pegLossThreshold, pegLossFactor } = params.otherContingency;
  const pegLoss = stablePrice < pegLossThreshold ? (pegLossThreshold - stablePrice) * pegLossFactor : 0;
  return params.margin.imFactor + pegLoss;
}

/** Returns Derive's IM and MM of a portfolio (value − requirement, cash) with every intermediate. */
export function derivePmrmMargin(portfolio: DerivePortfolio, params: DerivePmrmParameters): DerivePmrmResult {
  if (params.scenarios.length === 0) throw new RangeError('Derive PMRM needs at least one scenario');
  const pre = precompute(portfolio, params);
  const scenarioPnls: DeriveScenarioPnl[] = params.scenarios.map((scenario, index) => ({
    index,
    scenario,
    pnl: scenarioPnl(pre, scenario, params),
  }));
  let worstLoss = pre.contingencies.basis;
  let worstScenario: number | 'basis' = 'basis';
  for (const s of scenarioPnls) {
    if (s.pnl < worstLoss) {
      worstLoss = s.pnl;
      worstScenario = s.index;
    }
  }
  const imFactor = initialLossFactor(pre.stablePrice, params);
  const mmFactor = params.margin.mmFactor;
  const { mm: mmContingency, im: imContingency } = pre.contingencies;
  const mmRequirement = -worstLoss * mmFactor + mmContingency;
  const imRequirement = -worstLoss * imFactor + mmContingency + imContingency;
  const markToMarket = pre.totalMtm + pre.cash;
  return {
    im: markToMarket - imRequirement,
    mm: markToMarket - mmRequirement,
    markToMarket,
    imRequirement,
    mmRequirement,
    worstLoss,
    worstScenario,
    imFactor,
    mmFactor,
    scenarioPnls,
    precomputed: pre,
  };
}

// CME SPAN: scenarios, our risk-parameter-file schema, risk arrays from pricing, scanning, spreads, rulebook.
export { pairedScenario, SPAN_SCENARIO_COUNT, spanScenarios, type SpanScenario } from './scenarios.js';
export {
  DEFAULT_DELTA_WEIGHTS,
  defaultCommodity,
  parseSpanParameters,
  type SpanCommodity,
  type SpanInterSpread,
  type SpanIntraSpread,
  type SpanParameters,
  type SpanParametersInput,
} from './parameters.js';
export { compositeDelta, contractValue, spanContractArray, type SpanContractArray } from './riskArray.js';
export { scanCommodity, weightedPriceRisk, type CommodityScan, type SpanLeg } from './scan.js';
export {
  interCommodityCredits,
  intraCommodityCharge,
  type InterInput,
  type InterSpreadOutcome,
  type IntraResult,
} from './spreads.js';
export { commodityBooks, commodityOf, commoditySettings, legOf, type CommodityBook } from './commodities.js';
export {
  SPAN_ID,
  spanMargin,
  spanRequirements,
  spanRiskParameterFile,
  spanRulebook,
  type CommodityRequirement,
} from './rulebook.js';

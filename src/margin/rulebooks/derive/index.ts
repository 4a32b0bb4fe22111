// Derive's portfolio margin (PMRM v2): the model as pure functions, its published-case format, and the rulebook.
export * from './types.js';
export { annualise, SECONDS_PER_YEAR, THIRTY_DAYS } from './time.js';
export { settlementForwardPortions, SETTLEMENT_TWAP_SECONDS } from './forward.js';
export { deriveSviVol, sviLogMoneyness, SVI_K_BOUND_SCALAR, SVI_MAX_TOTAL_VARIANCE } from './svi.js';
export { deriveOptionPrice, MAX_TOTAL_VOL } from './optionPrice.js';
export { staticDiscounts, volShockMultipliers } from './expiryFactors.js';
export {
  expiryShockedMtm,
  expirySkewedMtm,
  shockedForward,
  skewKStar,
  skewMultiplier,
  type SkewMultiplier,
} from './shockedValue.js';
export { basisContingency, confidenceContingency, nakedShorts } from './contingencies.js';
export { arrangeExpiries, collateralHoldings, precompute } from './precompute.js';
export { expiryScenarioMtm, expiryScenarioPnl, scenarioPnl } from './scenarioPnl.js';
export { derivePmrmMargin, initialLossFactor } from './pmrm.js';
export {
  caseParameters,
  casePortfolio,
  deriveCaseSchema,
  parseDeriveCase,
  type DeriveCase,
  type DeriveCaseExpected,
} from './caseFormat.js';
export {
  agrees,
  CONFORMANCE_TOLERANCE,
  runDeriveCase,
  type ConformanceCheck,
  type ConformanceOutcome,
} from './conformance.js';
export { DEFAULT_DERIVE_PARAMETERS, DEFAULT_DERIVE_SCENARIOS } from './defaults.js';
export {
  deriveRulebookParameters,
  deriveRulebookParametersSchema,
  type DeriveCollateralSettings,
  type DeriveRulebookParameters,
} from './parameters.js';
export { derivePortfolios, type DeriveBookPortfolio } from './bookPortfolio.js';
export { DERIVE_PMRM2_ID, deriveComponents, derivePmrm2Margin, derivePmrm2Rulebook } from './rulebook.js';

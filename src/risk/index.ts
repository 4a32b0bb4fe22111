// Public API of the risk layer: liquidation prices, greeks, stress, backtests, cascades, collateral allocation and
// what-if. The root finder, the survival model behind allocation, the impact and population internals of a
// cascade, and the steps of a what-if's trade application stay internal.
export {
  liquidationPoints,
  MovedMarkets,
  treeLiquidationPoints,
  treeLiquidationTable,
  type LiquidationPoint,
} from './liquidation.js';
export {
  exposedUnderlyings,
  exposureRisks,
  underlyingRisk,
  UnitGreeks,
  type UnderlyingRisk,
} from './greeks.js';
export { runStress, type StressNode, type StressResult } from './stress.js';
export {
  loadScenarioFile,
  parseScenario,
  stressScenarioSchema,
  type ScenarioFile,
  type StressScenario,
  type StressScenarioInput,
} from './stressScenario.js';
export {
  builtInScenarios,
  CRASH_DAYS,
  historicalScenarios,
  type CrashDay,
  type DayBar,
} from './stressHistorical.js';
export {
  backtestBook,
  DEFAULT_BACKTEST_OPTIONS,
  runBacktest,
  type BacktestOptions,
  type BacktestResult,
  type BacktestSeries,
  type BacktestSummary,
  type Breach,
  type Procyclicality,
} from './backtest.js';
export { largestIncrease, peakToTrough, type LossMeasure } from './backtestMetrics.js';
export { eventSummary, type EventSummary } from './backtestEvents.js';
export { bookUnderlyings } from './backtestProfile.js';
export {
  simulateCascade,
  type CascadeOptions,
  type CascadeResult,
  type CascadeRound,
  type ExternalAccounts,
} from './cascade.js';
export { DEFAULT_IMPACT, type ImpactModel } from './cascadeImpact.js';
export {
  DEFAULT_POPULATION,
  generatePopulation,
  type Population,
  type PopulationParameters,
} from './cascadePopulation.js';
export { bookParticipants, type BookParticipants } from './cascadeBook.js';
export {
  allocateCollateral,
  type AllocationAccount,
  type AllocationConstraints,
  type AllocationResult,
  type Transfer,
} from './allocation.js';
export { placeTrades, type Placement } from './allocationPlacement.js';
export { whatIf, type WhatIfNode, type WhatIfOptions, type WhatIfResult } from './whatif.js';
export { fairPrice, type Trade } from './whatifBook.js';

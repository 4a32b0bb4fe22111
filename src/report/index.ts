// Public API of the report layer: the aggregated report of a book, and a reporter that keeps a held margin
// tree's report current as it changes.
export type {
  CapitalEfficiency,
  MarginReport,
  NearestLiquidation,
  WorstAccount,
  NodeExplain,
  NodeStatus,
  ReportComponent,
  ReportNode,
  ReportScenarioSet,
} from './types.js';
export { buildReport, TreeReporter, type ReportOptions } from './buildReport.js';

import type { MarginModelName } from '../core/index.js';
import { crossModel } from './cross.js';
import { gridModel } from './grid.js';
import { standardModel } from './standard.js';
import type { MarginModel } from './types.js';
import { rulebooks } from './rulebooks/index.js';

// Public API of the margin layer: the models, their result types, status, and the venue rulebooks. The building
// blocks only a rulebook composes (bracket lookup, per-position components) are imported from their files.
export type { Contribution, MarginComponent, MarginModel, MarginResult } from './types.js';
export {
  accountExposure,
  isScanned,
  isStable,
  mergeExposures,
  positionsExposure,
  splitExposure,
  type Exposure,
} from './exposure.js';
export { bracketMargin, maintenanceAmounts } from './brackets.js';
export { borrowedAmount, loanComponents } from './loans.js';
export { shortOptionRequirement } from './shortOption.js';
export {
  gridModel,
  gridMarginOfSummary,
  gridSummary,
  gridPartsMargin,
  addGridSummary,
  emptyGridSummary,
  type GridSummary,
  type PositionParts,
  type UnderlyingTally,
} from './grid.js';
export { standardModel, deltaOneMargin, deltaOneNotional, positionComponent } from './standard.js';
export { crossModel } from './cross.js';
export {
  NODE_STATUSES,
  WARNING_RATIO,
  MARGIN_CALL_RATIO,
  LIQUIDATION_RATIO,
  STATUS_LEVELS,
  reachesStatus,
  statusAt,
  nodeStatus,
  marginRatio,
  statusRank,
  NO_STATUS_COUNTS,
  addStatusCounts,
  statusCount,
  type StatusCounts,
  type NodeStatus,
  type StatusFigures,
  type StatusLevels,
} from './status.js';
export { checkRulebooks, rulebooks, type Rulebook, type VenueLiquidation } from './rulebooks/index.js';

/** The margin models by name. */
export const marginModels: Readonly<Record<MarginModelName, MarginModel>> = {
  grid: gridModel,
  standard: standardModel,
  cross: crossModel,
};

/** Returns the model that margins an account: its rulebook's when it names one, else its generic model. */
export function modelFor(account: { model: MarginModelName; rulebook: string | undefined }): MarginModel {
  if (account.rulebook !== undefined) {
    const rulebook = rulebooks.get(account.rulebook);
    if (rulebook === undefined) throw new RangeError(`unknown rulebook ${account.rulebook}`);
    return rulebook.margin;
  }
  return marginModels[account.model];
}
// Derive's model and rulebook; its published-case format and conformance harness are for scripts and tests only.
export {
  DEFAULT_DERIVE_PARAMETERS,
  DEFAULT_DERIVE_SCENARIOS,
  DERIVE_PMRM2_ID,
  derivePmrm2Margin,
  derivePmrm2Rulebook,
  derivePmrmMargin,
  derivePortfolios,
  deriveRulebookParameters,
  deriveRulebookParametersSchema,
  type DeriveBasisContingencyParameters,
  type DeriveBookPortfolio,
  type DeriveCollateral,
  type DeriveCollateralSettings,
  type DeriveExpiryFeed,
  type DeriveMarginParameters,
  type DeriveOption,
  type DeriveOtherContingencyParameters,
  type DerivePerp,
  type DerivePmrmParameters,
  type DerivePmrmResult,
  type DerivePortfolio,
  type DeriveRulebookParameters,
  type DeriveScenario,
  type DeriveSkewShockParameters,
  type DeriveSviParameters,
  type DeriveVolShock,
  type DeriveVolShockParameters,
} from './rulebooks/derive/index.js';

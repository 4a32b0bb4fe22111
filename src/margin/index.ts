import type { MarginModelName } from '../core/index.js';
import { crossModel } from './cross.js';
import { gridModel } from './grid.js';
import { standardModel } from './standard.js';
import type { MarginModel } from './types.js';
import { rulebooks } from './rulebooks/index.js';

export * from './types.js';
export * from './exposure.js';
export * from './brackets.js';
export * from './loans.js';
export * from './shortOption.js';
export { gridModel, gridModelFromVectors } from './grid.js';
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
  type NodeStatus,
  type StatusFigures,
  type StatusLevels,
} from './status.js';
export * from './rulebooks/index.js';

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
export * from './rulebooks/derive/index.js';

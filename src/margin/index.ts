import type { MarginModelName } from '../core/index.js';
import { crossModel } from './cross.js';
import { gridModel } from './grid.js';
import { standardModel } from './standard.js';
import type { MarginModel } from './types.js';

export * from './types.js';
export * from './exposure.js';
export * from './brackets.js';
export * from './loans.js';
export * from './shortOption.js';
export { gridModel } from './grid.js';
export { standardModel, deltaOneMargin, deltaOneNotional, positionComponent } from './standard.js';
export { crossModel } from './cross.js';

/** The margin models by name. */
export const marginModels: Readonly<Record<MarginModelName, MarginModel>> = {
  grid: gridModel,
  standard: standardModel,
  cross: crossModel,
};
export * from './gridBatch.js';

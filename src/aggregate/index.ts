// Public API of the aggregate layer: collateral valuation, and the account tree's margin as one incremental
// state (MarginTree) with its batch form (evaluateMargins).
export {
  collateralLines,
  equityOf,
  exposureValue,
  haircutAmount,
  type CollateralLine,
} from './collateral.js';
export { evaluateMargins, type NodeMargin } from './tree.js';
export { basisComponents } from './basis.js';
export { MarginTree, depthsOf, postOrder, preOrder, type GroupState, type NodeState } from './marginTree.js';
export {
  accountMargin,
  groupKey,
  isNettable,
  summaryKey,
  type AccountMargin,
  type Amounts,
} from './accountMargin.js';

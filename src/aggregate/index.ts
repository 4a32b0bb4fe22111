export * from './collateral.js';
export { evaluateMargins, type NodeMargin } from './tree.js';
export { MarginTree, depthsOf, postOrder, preOrder, type GroupState, type NodeState } from './marginTree.js';
export {
  accountMargin,
  groupKey,
  isNettable,
  summaryKey,
  type AccountMargin,
  type Amounts,
} from './accountMargin.js';

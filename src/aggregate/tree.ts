import type { OffsetPolicy, ResolvedBook } from '../core/index.js';
import type { MarketView, RiskContext } from '../scenarios/index.js';
import { MarginTree, type NodeState } from './marginTree.js';

/** An account's margin and equity: its own, and its whole subtree's under the offset policy. */
export type NodeMargin = NodeState;

/**
 * Returns every account's margin under the offset policy, children before parents: the batch form of the one
 * margin path (a MarginTree built over the book, or over the subtree of `root`).
 */
export function evaluateMargins(
  book: ResolvedBook,
  view: MarketView,
  options: { policy?: OffsetPolicy; root?: string; context?: RiskContext } = {},
): Map<string, NodeMargin> {
  const tree = new MarginTree(book, view, options);
  return new Map([...tree.states()].map((n) => [n.id, n]));
}

// What a report node shows of a node's state beyond its figures: its components (own model or parts, children,
// netting), the explain tree, capital freed and efficiency, and its venue's own liquidation prices.
import { BOUNDS } from '../core/index.js';
import type { Amounts, MarginTree as Tree, NodeState } from '../aggregate/index.js';
import {
  gridModel,
  mergeExposures,
  rulebooks,
  type MarginComponent,
  type MarginResult,
  type VenueLiquidation,
} from '../margin/index.js';
import type { MarketView } from '../scenarios/index.js';
import type { CapitalEfficiency, NodeExplain, ReportComponent } from './types.js';

const toComponent = (c: MarginComponent): ReportComponent => ({ ...c });

/** Returns sum of parts less netted: never negative by construction (netted is a minimum), so only rounding is cut. */
export function freed(sumOfParts: Amounts, netted: Amounts): Amounts {
  return { im: Math.max(0, sumOfParts.im - netted.im), mm: Math.max(0, sumOfParts.mm - netted.mm) };
}

/** Returns the capital efficiency of figures against each baseline (docs/methodology.md, section 6). */
export function efficiency(
  netted: Amounts,
  charged: Amounts,
  sumOfParts: Amounts,
  noNetting: Amounts,
): CapitalEfficiency {
  return {
    vsCharged: freed(charged, netted),
    vsChildren: freed(sumOfParts, netted),
    vsNoNetting: freed(noNetting, netted),
  };
}

const sameAmounts = (a: Amounts, r: MarginResult): boolean => a.im === r.im && a.mm === r.mm;

/** Up to this many children, a node's components list each child; above, one line sums them. */
export const CHILD_COMPONENTS = 50;

export function components(node: NodeState, tree: Tree): ReportComponent[] {
  const out: ReportComponent[] = sameAmounts(node.own, node.ownResult)
    ? node.ownResult.components.map(toComponent)
    : [
        {
          kind: 'positionsSeparately',
          label: `${node.account.id} positions margined separately`,
          im: node.own.im,
          mm: node.own.mm,
        },
      ];
  const children = node.account.children;
  if (children.length <= CHILD_COMPONENTS) {
    for (const c of children) {
      const child = tree.node(c);
      out.push({ kind: 'child', label: c, im: child.im, mm: child.mm });
    }
  } else {
    // Many children: one line for them all (each is its own node in the report). The sum of parts less the
    // node's own part is their total, so a flat root of 100,000 accounts costs O(1) here, not O(children), on
    // every change the service refreshes it for.
    out.push({
      kind: 'children',
      label: `${children.length} children`,
      im: node.sumOfParts.im - node.own.im,
      mm: node.sumOfParts.mm - node.own.mm,
      detail: { count: children.length },
    });
  }
  for (const g of node.groups.values()) {
    if (g.netted === undefined || (g.margin.im === g.sumOfParts.im && g.margin.mm === g.sumOfParts.mm))
      continue;
    out.push({
      kind: 'netting',
      label: `netting ${g.key === '*' ? 'all' : g.key} (${g.parts.length} parts)`,
      im: g.margin.im - g.sumOfParts.im,
      mm: g.margin.mm - g.sumOfParts.mm,
      detail: {
        // The members by name up to CHILD_COMPONENTS, else their count: a root netting 100,000 accounts would
        // otherwise join 100,000 ids on every change the service refreshes it for.
        parts: g.parts.length <= CHILD_COMPONENTS ? g.parts.join(',') : `${g.parts.length} parts`,
        sumOfPartsIm: g.sumOfParts.im,
        nettedGridIm: g.netted.im,
        nettedGridMm: g.netted.mm,
      },
    });
  }
  return out;
}

export function explainOf(node: NodeState, tree: Tree): NodeExplain {
  return {
    contributions: node.ownResult.contributions,
    ownParts: node.ownParts,
    ownModel: {
      model: node.ownResult.model,
      im: node.ownResult.im,
      mm: node.ownResult.mm,
      components: node.ownResult.components.map(toComponent),
    },
    netting: [...node.groups.values()].map((g) => {
      // Contributions of a netted group are listed on demand: they need the members' positions.
      const accounts = tree.membersOf(g);
      const netted =
        g.netted === undefined
          ? null
          : gridModel(
              mergeExposures(accounts.map((id) => tree.node(id).exposure)),
              tree.context,
              node.account.parameters,
            );
      return {
        key: g.key,
        parts: g.parts,
        accounts,
        sumOfParts: g.sumOfParts,
        netted:
          netted === null
            ? null
            : {
                im: g.netted!.im,
                mm: g.netted!.mm,
                components: g.netted!.components.map(toComponent),
                contributions: netted.contributions,
              },
        margin: g.margin,
      };
    }),
  };
}

export function venueLiquidationOf(
  node: NodeState,
  view: MarketView,
): { venueLiquidation?: VenueLiquidation[] } {
  const id = node.account.rulebook;
  const rulebook = id === undefined ? undefined : rulebooks.get(id);
  if (rulebook?.liquidation === undefined) return {};
  return { venueLiquidation: rulebook.liquidation(node.account, node.exposure, view).map(priced) };
}

/** A venue's closed form gives no liquidation where it leaves the prices there are (a position of 1e-306). */
const pricedAt = (p: number | null | undefined): number | null =>
  p === null || p === undefined || !(p >= BOUNDS.price.min && p <= BOUNDS.price.max) ? null : p;

function priced(l: VenueLiquidation): VenueLiquidation {
  return {
    ...l,
    price: pricedAt(l.price),
    ...(l.bankruptcyPrice === undefined ? {} : { bankruptcyPrice: pricedAt(l.bankruptcyPrice) }),
  };
}

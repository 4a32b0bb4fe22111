import type { OffsetPolicy, ResolvedBook } from '../core/index.js';
import {
  MarginTree,
  preOrder,
  type Amounts,
  type MarginTree as Tree,
  type NodeState,
} from '../aggregate/index.js';
import {
  gridModel,
  isStable,
  marginRatio,
  mergeExposures,
  nodeStatus,
  rulebooks,
  type MarginComponent,
  type MarginResult,
  type VenueLiquidation,
} from '../margin/index.js';
import {
  exposedUnderlyings,
  MovedMarkets,
  treeLiquidationPoints,
  underlyingRisk,
  type UnderlyingRisk,
} from '../risk/index.js';
import { createMarketView, createRiskContext, type MarketView } from '../scenarios/index.js';
import type { MarginReport, NodeExplain, ReportComponent, ReportNode } from './types.js';

export interface ReportOptions {
  policy?: OffsetPolicy;
  explain?: boolean;
  /** Skip the liquidation search (a few dozen revaluations of each node's moved accounts per underlying). */
  liquidation?: boolean;
  /** Called as nodes are done (done, total): the CLI shows progress on long reports. */
  onProgress?: (done: number, total: number) => void;
}

const toComponent = (c: MarginComponent): ReportComponent => ({ ...c });

/** Returns sum of parts less netted: never negative by construction (netted is a minimum), so only rounding is cut. */
function freed(sumOfParts: Amounts, netted: Amounts): Amounts {
  return { im: Math.max(0, sumOfParts.im - netted.im), mm: Math.max(0, sumOfParts.mm - netted.mm) };
}

const sameAmounts = (a: Amounts, r: MarginResult): boolean => a.im === r.im && a.mm === r.mm;

function components(node: NodeState, tree: Tree): ReportComponent[] {
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
  for (const c of node.account.children) {
    const child = tree.node(c);
    out.push({ kind: 'child', label: c, im: child.im, mm: child.mm });
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
        parts: g.parts.join(','),
        sumOfPartsIm: g.sumOfParts.im,
        nettedGridIm: g.netted.im,
        nettedGridMm: g.netted.mm,
      },
    });
  }
  return out;
}

function explainOf(node: NodeState, tree: Tree): NodeExplain {
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

function venueLiquidationOf(node: NodeState, view: MarketView): { venueLiquidation?: VenueLiquidation[] } {
  const id = node.account.rulebook;
  const rulebook = id === undefined ? undefined : rulebooks.get(id);
  if (rulebook?.liquidation === undefined) return {};
  return { venueLiquidation: rulebook.liquidation(node.account, node.exposure, view) };
}

/** Returns each node's sensitivities per underlying: its own, plus its children's (greeks add). */
function subtreeRisk(
  book: ResolvedBook,
  tree: Tree,
  view: MarketView,
): Map<string, Map<string, UnderlyingRisk>> {
  const out = new Map<string, Map<string, UnderlyingRisk>>();
  for (const id of book.order) {
    const n = tree.node(id);
    const stable = (asset: string): boolean => isStable(asset, n.account.parameters, book.reportingCurrency);
    const risk = new Map(
      exposedUnderlyings([n.exposure], stable).map((u) => [u, underlyingRisk([n.exposure], view, u)]),
    );
    for (const c of n.account.children) {
      for (const [u, r] of out.get(c)!) {
        const mine = risk.get(u);
        risk.set(
          u,
          mine === undefined
            ? r
            : {
                underlying: u,
                delta: mine.delta + r.delta,
                gamma: mine.gamma + r.gamma,
                vega: mine.vega + r.vega,
              },
        );
      }
    }
    out.set(id, new Map([...risk].sort(([a], [b]) => a.localeCompare(b))));
  }
  return out;
}

/** Returns the aggregated margin report of a book: every account and node, with totals. */
export function buildReport(book: ResolvedBook, options: ReportOptions = {}): MarginReport {
  const policy = options.policy ?? book.offset;
  const view = createMarketView(book.market, book.reportingCurrency);
  const tree = new MarginTree(book, view, { policy, context: createRiskContext(view) });
  return reportOfTree(tree, options);
}

/** Returns the report of a margin tree as it stands (the service's held state, or a batch build). */
export function reportOfTree(tree: Tree, options: ReportOptions = {}): MarginReport {
  const { book, policy } = tree;
  const view = tree.context.view;
  const risks = subtreeRisk(book, tree, view);
  const markets = new MovedMarkets(tree.context);
  const order = book.roots.flatMap((r) => preOrder(book, r));
  const reportNodes: ReportNode[] = [];
  for (const id of order) {
    const node = tree.node(id);
    const a = node.account;
    const risk = [...risks.get(id)!.values()];
    const netted = { im: node.im, mm: node.mm };
    reportNodes.push({
      id,
      parent: a.parent,
      ...(a.name === undefined ? {} : { name: a.name }),
      ...(a.venue === undefined ? {} : { venue: a.venue }),
      ...(a.mode === undefined ? {} : { mode: a.mode }),
      model: a.rulebook ?? a.model,
      depth: node.depth,
      children: a.children,
      equity: node.equity,
      im: node.im,
      mm: node.mm,
      freeCollateral: node.equity - node.im,
      marginRatio: marginRatio(node.equity, node.mm),
      status: nodeStatus(node.equity, node.im, node.mm),
      sumOfParts: node.sumOfParts,
      netted,
      capitalFreed: freed(node.sumOfParts, netted),
      components: components(node, tree),
      collateral: node.collateral,
      risk,
      liquidation:
        options.liquidation === false
          ? []
          : risk.flatMap((r) => treeLiquidationPoints(tree, id, r.underlying, markets)),
      ...venueLiquidationOf(node, view),
      ...(options.explain === true ? { explain: explainOf(node, tree) } : {}),
    });
    options.onProgress?.(reportNodes.length, order.length);
  }
  return assembleReport(book, policy, reportNodes, tree.context);
}

function assembleReport(
  book: ResolvedBook,
  policy: OffsetPolicy,
  nodes: ReportNode[],
  context: Tree['context'],
): MarginReport {
  const roots = nodes.filter((n) => n.parent === null);
  const sum = (f: (n: ReportNode) => number): number => roots.reduce((a, n) => a + f(n), 0);
  const equity = sum((n) => n.equity);
  const im = sum((n) => n.im);
  const mm = sum((n) => n.mm);
  const sumOfParts = { im: sum((n) => n.sumOfParts.im), mm: sum((n) => n.sumOfParts.mm) };
  const underlyings = [...new Set(nodes.flatMap((n) => n.risk.map((r) => r.underlying)))].sort();
  const scenarioSets = underlyings.map((u) => {
    const set = context.scenarioSet(u, book.parameters);
    return { underlying: u, range: set.range, sigma: set.sigma ?? null, scenarios: set.priceMoves.length };
  });
  return {
    asOf: new Date(book.market.asOf).toISOString(),
    reportingCurrency: book.reportingCurrency,
    offset: policy,
    book: book.name ?? null,
    scenarioSets,
    nodes,
    total: {
      equity,
      im,
      mm,
      freeCollateral: equity - im,
      marginRatio: marginRatio(equity, mm),
      sumOfParts,
      netted: { im, mm },
      capitalFreed: freed(sumOfParts, { im, mm }),
    },
  };
}

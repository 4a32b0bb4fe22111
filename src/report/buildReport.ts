import type { OffsetPolicy, ResolvedBook } from '../core/index.js';
import { evaluateMargins, type Amounts, type NodeMargin } from '../aggregate/index.js';
import {
  isStable,
  marginRatio,
  nodeStatus,
  rulebooks,
  type MarginComponent,
  type MarginResult,
  type VenueLiquidation,
} from '../margin/index.js';
import { exposedUnderlyings, liquidationPoints, underlyingRisk } from '../risk/index.js';
import { createMarketView, createRiskContext, type MarketView } from '../scenarios/index.js';
import type { MarginReport, NodeExplain, ReportComponent, ReportNode } from './types.js';

export interface ReportOptions {
  policy?: OffsetPolicy;
  explain?: boolean;
  /** Skip the liquidation search (it revalues the subtree some 50 times per node and underlying). */
  liquidation?: boolean;
}

const toComponent = (c: MarginComponent): ReportComponent => ({ ...c });

/** Returns sum of parts less netted: never negative by construction (netted is a minimum), so only rounding is cut. */
function freed(sumOfParts: Amounts, netted: Amounts): Amounts {
  return { im: Math.max(0, sumOfParts.im - netted.im), mm: Math.max(0, sumOfParts.mm - netted.mm) };
}

const sameAmounts = (a: Amounts, r: MarginResult): boolean => a.im === r.im && a.mm === r.mm;

function components(node: NodeMargin, nodes: ReadonlyMap<string, NodeMargin>): ReportComponent[] {
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
    const child = nodes.get(c)!;
    out.push({ kind: 'child', label: c, im: child.im, mm: child.mm });
  }
  for (const g of node.groups) {
    if (g.netted === undefined || (g.margin.im === g.sumOfParts.im && g.margin.mm === g.sumOfParts.mm))
      continue;
    out.push({
      kind: 'netting',
      label: `netting ${g.key === '*' ? 'all' : g.key} (${g.accounts.length} accounts)`,
      im: g.margin.im - g.sumOfParts.im,
      mm: g.margin.mm - g.sumOfParts.mm,
      detail: {
        accounts: g.accounts.join(','),
        sumOfPartsIm: g.sumOfParts.im,
        nettedGridIm: g.netted.im,
        nettedGridMm: g.netted.mm,
      },
    });
  }
  return out;
}

function explainOf(node: NodeMargin): NodeExplain {
  return {
    contributions: node.ownResult.contributions,
    ownParts: node.ownParts,
    ownModel: {
      model: node.ownResult.model,
      im: node.ownResult.im,
      mm: node.ownResult.mm,
      components: node.ownResult.components.map(toComponent),
    },
    netting: node.groups.map((g) => ({
      key: g.key,
      accounts: g.accounts,
      sumOfParts: g.sumOfParts,
      netted:
        g.netted === undefined
          ? null
          : {
              im: g.netted.im,
              mm: g.netted.mm,
              components: g.netted.components.map(toComponent),
              contributions: g.netted.contributions,
            },
      margin: g.margin,
    })),
  };
}

function venueLiquidationOf(node: NodeMargin, view: MarketView): { venueLiquidation?: VenueLiquidation[] } {
  const id = node.account.rulebook;
  const rulebook = id === undefined ? undefined : rulebooks.get(id);
  if (rulebook?.liquidation === undefined) return {};
  return { venueLiquidation: rulebook.liquidation(node.account, node.exposure, view) };
}

function subtreeIds(book: ResolvedBook, id: string): string[] {
  const account = book.accounts.get(id);
  return [id, ...(account?.children ?? []).flatMap((c) => subtreeIds(book, c))];
}

/** Returns the aggregated margin report of a book: every account and node, with totals. */
export function buildReport(book: ResolvedBook, options: ReportOptions = {}): MarginReport {
  const policy = options.policy ?? book.offset;
  const view = createMarketView(book.market, book.reportingCurrency);
  const context = createRiskContext(view);
  const nodes = evaluateMargins(book, view, { policy, context });
  const depthOf = (id: string): number => {
    const parent = book.accounts.get(id)?.parent;
    return parent === null || parent === undefined ? 0 : 1 + depthOf(parent);
  };
  const reportNodes: ReportNode[] = [];
  for (const id of preOrder(book)) {
    const node = nodes.get(id)!;
    const a = node.account;
    const exposures = subtreeIds(book, id).map((s) => nodes.get(s)!.exposure);
    const stable = (asset: string): boolean => isStable(asset, a.parameters, book.reportingCurrency);
    const underlyings = exposedUnderlyings(exposures, stable);
    const netted = { im: node.im, mm: node.mm };
    reportNodes.push({
      id,
      parent: a.parent,
      ...(a.name === undefined ? {} : { name: a.name }),
      ...(a.venue === undefined ? {} : { venue: a.venue }),
      ...(a.mode === undefined ? {} : { mode: a.mode }),
      model: a.rulebook ?? a.model,
      depth: depthOf(id),
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
      components: components(node, nodes),
      collateral: node.collateral,
      risk: underlyings.map((u) => underlyingRisk(exposures, view, u)),
      liquidation:
        options.liquidation === false
          ? []
          : underlyings.flatMap((u) => liquidationPoints(book, id, u, view, policy)),
      ...venueLiquidationOf(node, view),
      ...(options.explain === true ? { explain: explainOf(node) } : {}),
    });
  }
  return assembleReport(book, policy, reportNodes, context);
}

function preOrder(book: ResolvedBook): string[] {
  return book.roots.flatMap((r) => subtreeIds(book, r));
}

function assembleReport(
  book: ResolvedBook,
  policy: OffsetPolicy,
  nodes: ReportNode[],
  context: ReturnType<typeof createRiskContext>,
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

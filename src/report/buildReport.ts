import type { OffsetPolicy, ResolvedBook } from '../core/index.js';
import {
  MarginTree,
  postOrder,
  preOrder,
  type MarginTree as Tree,
  type NodeState,
} from '../aggregate/index.js';
import {
  isStable,
  marginRatio,
  nodeStatus,
  statusRank,
  addStatusCounts,
  NO_STATUS_COUNTS,
} from '../margin/index.js';
import {
  exposedUnderlyings,
  MovedMarkets,
  treeLiquidationTable,
  exposureRisks,
  UnitGreeks,
  type LiquidationPoint,
  type UnderlyingRisk,
} from '../risk/index.js';
import { createMarketView, createRiskContext } from '../scenarios/index.js';
import type { MarginReport, NearestLiquidation, NodeExplain, ReportNode, WorstAccount } from './types.js';
import { components, efficiency, explainOf, freed, venueLiquidationOf } from './nodeFigures.js';

export interface ReportOptions {
  policy?: OffsetPolicy;
  explain?: boolean;
  /** Skip the liquidation search (a few dozen revaluations of each node's moved accounts per underlying). */
  liquidation?: boolean;
  /** Called as nodes are done (done, total): the CLI shows progress on long reports. */
  onProgress?: (done: number, total: number) => void;
  /** Called as the liquidation search walks its grid (steps done, of underlyings x steps), before any node is done. */
  onSearchProgress?: (done: number, total: number) => void;
  /**
   * A margin tree already built over this book on its market (the CLI's validation built one): used when its
   * offset policy is the report's, so the book is not margined twice.
   */
  tree?: MarginTree;
}

/** Returns whether `a` is a worse account than `b`: a worse status, then a higher MM / equity, then by id. */
function worseAccount(a: WorstAccount, b: WorstAccount): boolean {
  const ra = statusRank(a.status);
  const rb = statusRank(b.status);
  if (ra !== rb) return ra > rb;
  const xa = a.marginRatio ?? Infinity;
  const xb = b.marginRatio ?? Infinity;
  if (xa !== xb) return xa > xb;
  return a.account < b.account;
}

/** Returns whether liquidation `a` is nearer than `b`: a smaller move, then by account, underlying, direction. */
function nearer(a: NearestLiquidation | null, b: NearestLiquidation | null): boolean {
  if (a === null) return false;
  if (b === null) return true;
  const da = Math.abs(a.distance);
  const db = Math.abs(b.distance);
  if (da !== db) return da < db;
  if (a.account !== b.account) return a.account < b.account;
  if (a.underlying !== b.underlying) return a.underlying < b.underlying;
  return a.direction < b.direction;
}

/** The worst account and nearest liquidation of a subtree, and which part (child or the node itself) holds each. */
interface Beneath {
  worst: WorstAccount;
  worstVia: string;
  nearest: NearestLiquidation | null;
  nearestVia: string | null;
}

/** Adds `sign` x each risk of `part` into `into`, by underlying (greeks are linear in positions). */
function addRisks(
  into: Map<string, UnderlyingRisk>,
  part: ReadonlyMap<string, UnderlyingRisk>,
  sign: 1 | -1,
): void {
  for (const [u, r] of part) {
    const mine = into.get(u) ?? { underlying: u, delta: 0, gamma: 0, vega: 0 };
    into.set(u, {
      underlying: u,
      delta: mine.delta + sign * r.delta,
      gamma: mine.gamma + sign * r.gamma,
      vega: mine.vega + sign * r.vega,
    });
  }
}

/** Returns an account's own sensitivities per underlying (its exposure only). */
function ownRisk(tree: Tree, id: string, units: UnitGreeks): Map<string, UnderlyingRisk> {
  const n = tree.node(id);
  const reporting = tree.book.reportingCurrency;
  const stable = (asset: string): boolean => isStable(asset, n.account.parameters, reporting);
  return exposureRisks(n.exposure, exposedUnderlyings([n.exposure], stable), units);
}

const sortedRisks = (risk: Map<string, UnderlyingRisk>): Map<string, UnderlyingRisk> =>
  new Map([...risk].sort(([x], [y]) => x.localeCompare(y)));

/** Returns the aggregated margin report of a book: every account and node, with totals. */
export function buildReport(book: ResolvedBook, options: ReportOptions = {}): MarginReport {
  const policy = options.policy ?? book.offset;
  const held = options.tree;
  if (held !== undefined && held.book === book && held.policy === policy)
    return new TreeReporter(held, options).report();
  const view = createMarketView(book.market, book.reportingCurrency);
  const tree = new MarginTree(book, view, { policy, context: createRiskContext(view) });
  return new TreeReporter(tree, options).report();
}

/**
 * Report nodes of a margin tree, kept current: `refresh` rebuilds the nodes an update changed (their greeks from
 * their children's, which are kept), `report` assembles every node. The service holds one per tree.
 */
export class TreeReporter {
  private readonly risks = new Map<string, Map<string, UnderlyingRisk>>();
  private readonly ownRisks = new Map<string, Map<string, UnderlyingRisk>>();
  private readonly nodes = new Map<string, ReportNode>();
  private readonly beneath = new Map<string, Beneath>();
  private units: UnitGreeks;
  private markets: MovedMarkets;

  constructor(
    readonly tree: Tree,
    private readonly options: ReportOptions = {},
  ) {
    this.units = new UnitGreeks(tree.context.view);
    this.markets = new MovedMarkets(tree.context);
  }

  /** Rebuilds the given nodes (all when undefined) after the tree changed; returns them, parents first. */
  refresh(ids?: Iterable<string>): ReportNode[] {
    const { tree } = this;
    if (this.units.view !== tree.context.view) {
      this.units = new UnitGreeks(tree.context.view);
      this.markets = new MovedMarkets(tree.context);
    }
    const changed = ids === undefined ? [...tree.book.order] : [...ids];
    changed.sort((a, b) => tree.node(b).depth - tree.node(a).depth);
    // The changed children of each changed node: a node's figures move by those alone, so a flat root of
    // 100,000 accounts reads the few that changed, not every child, on each refresh.
    const changedChildren = new Map<string, Set<string>>();
    if (ids !== undefined) {
      for (const id of changed) {
        const parent = tree.account(id).parent;
        if (parent === null) continue;
        let set = changedChildren.get(parent);
        if (set === undefined) changedChildren.set(parent, (set = new Set()));
        set.add(id);
      }
    }
    // A node's greeks are its own plus its children's. A node seen before moves by its own change and its
    // changed children's (new - old), so a flat root does not sum every child again on each event.
    const before = new Map<string, ReadonlyMap<string, UnderlyingRisk>>();
    for (const id of changed) {
      const own = ownRisk(tree, id, this.units);
      const old = this.risks.get(id);
      const oldOwn = this.ownRisks.get(id);
      let next: Map<string, UnderlyingRisk>;
      if (old === undefined || oldOwn === undefined || ids === undefined) {
        next = new Map(own);
        for (const c of tree.account(id).children) addRisks(next, this.risks.get(c) ?? this.riskOf(c), 1);
      } else {
        next = new Map(old);
        addRisks(next, oldOwn, -1);
        addRisks(next, own, 1);
        for (const c of changedChildren.get(id) ?? []) {
          const was = before.get(c);
          if (was === undefined) continue;
          addRisks(next, was, -1);
          addRisks(next, this.risks.get(c)!, 1);
        }
      }
      if (old !== undefined) before.set(id, old);
      this.ownRisks.set(id, own);
      this.risks.set(id, sortedRisks(next));
    }
    const liquidation = this.liquidationOf(changed);
    // Children before parents: a node's worst account and nearest liquidation come from its children's.
    const out: ReportNode[] = [];
    for (const id of changed) {
      const node = this.reportNode(
        id,
        liquidation?.get(id) ?? [],
        ids === undefined ? undefined : (changedChildren.get(id) ?? new Set()),
      );
      this.nodes.set(id, node);
      out.push(node);
      this.options.onProgress?.(out.length, changed.length);
    }
    return out.reverse();
  }

  /** Builds the report nodes of a subtree never refreshed, children first (no recursion by depth). */
  private ensure(id: string): void {
    if (this.nodes.has(id)) return;
    const missing = postOrder(this.tree.book, id).filter((c) => !this.nodes.has(c));
    const liquidation = this.liquidationOf(missing);
    for (const c of missing) this.nodes.set(c, this.reportNode(c, liquidation?.get(c) ?? []));
  }

  /**
   * Returns the liquidation points of the given nodes (none when the search is off), found together: the search's
   * grid is walked once for all of them.
   */
  private liquidationOf(ids: readonly string[]): Map<string, LiquidationPoint[]> | undefined {
    if (this.options.liquidation === false || ids.length === 0) return undefined;
    const wanted = new Map(ids.map((id) => [id, [...(this.risks.get(id) ?? this.riskOf(id)).keys()]]));
    return treeLiquidationTable(this.tree, wanted, this.markets, this.options.onSearchProgress);
  }

  /** The worst account and nearest liquidation a child passes up: its own subtree's. */
  private beneathOf(child: string): Beneath {
    this.ensure(child);
    return this.beneath.get(child)!;
  }

  /**
   * Returns a node's worst account and nearest liquidation beneath it (itself included). With `changed` (its
   * children that changed), the last answer moves by them and is rescanned over every child only when the child
   * that held it got better: O(changed children) per update, O(children) at worst.
   */
  private beneathFor(
    id: string,
    node: NodeState,
    liquidation: LiquidationPoint[],
    changed?: Set<string>,
  ): Beneath {
    const a = node.account;
    const own: WorstAccount = {
      account: id,
      status: node.accountStatus,
      marginRatio: marginRatio(node.ownEquity, node.charge.mm),
    };
    // A node's own liquidation is an account's (a leaf) or an agreement's: elsewhere no venue liquidates a sum.
    let ownNearest: NearestLiquidation | null = null;
    if (a.children.length === 0 || a.agreement !== undefined) {
      for (const p of liquidation) {
        const candidate = { account: id, ...p };
        if (nearer(candidate, ownNearest)) ownNearest = candidate;
      }
    }
    let best: Beneath = {
      worst: own,
      worstVia: id,
      nearest: ownNearest,
      nearestVia: ownNearest === null ? null : id,
    };
    const consider = (c: string): void => {
      const b = this.beneathOf(c);
      if (worseAccount(b.worst, best.worst)) best = { ...best, worst: b.worst, worstVia: c };
      if (nearer(b.nearest, best.nearest)) best = { ...best, nearest: b.nearest, nearestVia: c };
    };
    const old = this.beneath.get(id);
    const rescan =
      changed === undefined ||
      old === undefined ||
      (old.worstVia === id
        ? worseAccount(old.worst, own)
        : changed.has(old.worstVia) && worseAccount(old.worst, this.beneathOf(old.worstVia).worst)) ||
      (old.nearestVia === id && nearer(old.nearest, ownNearest)) ||
      (old.nearestVia !== null &&
        old.nearestVia !== id &&
        changed.has(old.nearestVia) &&
        nearer(old.nearest, this.beneathOf(old.nearestVia).nearest));
    if (rescan) {
      for (const c of a.children) consider(c);
    } else {
      if (old.worstVia !== id) {
        const b = this.beneathOf(old.worstVia);
        if (worseAccount(b.worst, best.worst)) best = { ...best, worst: b.worst, worstVia: old.worstVia };
      }
      if (old.nearestVia !== null && old.nearestVia !== id) {
        const b = this.beneathOf(old.nearestVia);
        if (nearer(b.nearest, best.nearest))
          best = { ...best, nearest: b.nearest, nearestVia: old.nearestVia };
      }
      for (const c of changed) consider(c);
    }
    this.beneath.set(id, best);
    return best;
  }

  private riskOf(id: string): Map<string, UnderlyingRisk> {
    // A node never refreshed: its subtree's greeks, children first, without recursion.
    for (const c of postOrder(this.tree.book, id)) {
      if (this.risks.has(c)) continue;
      const own = ownRisk(this.tree, c, this.units);
      const risk = new Map(own);
      for (const k of this.tree.account(c).children) addRisks(risk, this.risks.get(k)!, 1);
      this.ownRisks.set(c, own);
      this.risks.set(c, sortedRisks(risk));
    }
    return this.risks.get(id)!;
  }

  /** Returns a node's explain tree on the tree as it stands (built on request: it lists netted members). */
  explain(id: string): NodeExplain {
    return explainOf(this.tree.node(id), this.tree);
  }

  /** Returns a node as last refreshed (refreshing it if never). */
  node(id: string): ReportNode {
    return this.nodes.get(id) ?? this.refresh([id])[0]!;
  }

  private reportNode(id: string, liquidation: LiquidationPoint[], changed?: Set<string>): ReportNode {
    const { tree } = this;
    const node = tree.node(id);
    const a = node.account;
    const risk = [...(this.risks.get(id) ?? this.riskOf(id)).values()];
    const netted = { im: node.im, mm: node.mm };
    const beneath = this.beneathFor(id, node, liquidation, changed);
    return {
      id,
      parent: a.parent,
      ...(a.name === undefined ? {} : { name: a.name }),
      ...(a.venue === undefined ? {} : { venue: a.venue }),
      ...(a.mode === undefined ? {} : { mode: a.mode }),
      ...(a.agreement === undefined ? {} : { agreement: a.agreement }),
      model: a.rulebook ?? a.model,
      depth: node.depth,
      children: a.children,
      equity: node.equity,
      im: node.im,
      mm: node.mm,
      freeCollateral: node.equity - node.im,
      freeCharged: node.equity - node.charged.im,
      marginRatio: marginRatio(node.equity, node.mm),
      status: nodeStatus(node.equity, node.im, node.mm),
      accountStatus: node.accountStatus,
      worstBeneath: { ...beneath.worst, counts: node.statusCounts },
      nearestLiquidation: beneath.nearest,
      charged: node.charged,
      sumOfParts: node.sumOfParts,
      netted,
      noNetting: node.noNetting,
      capitalFreed: freed(node.sumOfParts, netted),
      capitalEfficiency: efficiency(netted, node.charged, node.sumOfParts, node.noNetting),
      components: components(node, tree),
      collateral: node.collateral,
      risk,
      liquidation,
      ...venueLiquidationOf(node, tree.context.view),
      ...(this.options.explain === true ? { explain: explainOf(node, tree) } : {}),
    };
  }

  /** Returns the whole report: every node in tree order (parents first), the scenario sets and totals. */
  report(): MarginReport {
    const { book } = this.tree;
    if (this.nodes.size === 0) this.refresh();
    const order = book.roots.flatMap((r) => preOrder(book, r));
    return { ...this.summary(), nodes: order.map((id) => this.node(id)) };
  }

  /** Returns the report's header and totals (from the roots: O(roots), not O(book)). */
  summary(): Omit<MarginReport, 'nodes'> {
    const { book, policy, context } = this.tree;
    const roots = book.roots.map((id) => this.node(id));
    const sum = (f: (n: ReportNode) => number): number => roots.reduce((a, n) => a + f(n), 0);
    const equity = sum((n) => n.equity);
    const im = sum((n) => n.im);
    const mm = sum((n) => n.mm);
    const sumOfParts = { im: sum((n) => n.sumOfParts.im), mm: sum((n) => n.sumOfParts.mm) };
    const charged = { im: sum((n) => n.charged.im), mm: sum((n) => n.charged.mm) };
    const noNetting = { im: sum((n) => n.noNetting.im), mm: sum((n) => n.noNetting.mm) };
    let worst: ReportNode['worstBeneath'] | undefined;
    let nearest: NearestLiquidation | null = null;
    let counts = NO_STATUS_COUNTS;
    for (const n of roots) {
      counts = addStatusCounts(counts, n.worstBeneath.counts);
      if (worst === undefined || worseAccount(n.worstBeneath, worst)) worst = n.worstBeneath;
      if (nearer(n.nearestLiquidation, nearest)) nearest = n.nearestLiquidation;
    }
    const { counts: _counts, ...worstAccount } = worst!;
    const underlyings = [...new Set(roots.flatMap((n) => n.risk.map((r) => r.underlying)))].sort();
    const scenarioSets = underlyings.map((u) => {
      const set = context.scenarioSet(u, book.parameters);
      return { underlying: u, range: set.range, sigma: set.sigma ?? null, scenarios: set.priceMoves.length };
    });
    return {
      asOf: new Date(context.view.market.asOf).toISOString(),
      reportingCurrency: book.reportingCurrency,
      offset: policy,
      book: book.name ?? null,
      scenarioSets,
      total: {
        equity,
        im,
        mm,
        freeCollateral: equity - im,
        freeCharged: equity - charged.im,
        marginRatio: marginRatio(equity, mm),
        charged,
        sumOfParts,
        netted: { im, mm },
        noNetting,
        capitalFreed: freed(sumOfParts, { im, mm }),
        capitalEfficiency: efficiency({ im, mm }, charged, sumOfParts, noNetting),
        accounts: counts,
        worstAccount,
        nearestLiquidation: nearest,
      },
    };
  }
}

// Stress tests: the book revalued in full under a scenario's shifted market (prices, vols), funding shocks paid
// into balances, and every node's margin recomputed by evaluateMargins on the shifted view.
import { type OffsetPolicy, type ResolvedAccount, type ResolvedBook } from '../core/index.js';
import { evaluateMargins, exposureValue, type NodeMargin } from '../aggregate/index.js';
import { isStable, reachesStatus, STATUS_LEVELS } from '../margin/index.js';
import { createMarketView, type MarketView } from '../scenarios/index.js';
import { exposedUnderlyings } from './greeks.js';
import { scenarioShifts, type StressScenario } from './stressScenario.js';
import { addBalances, replaceAccounts } from './whatifBook.js';

/** One node of the tree under a scenario; amounts in the reporting currency. */
export interface StressNode {
  id: string;
  parent: string | null;
  depth: number;
  venue: string | null;
  model: string;
  /** Whether the account itself holds balances or positions (a venue account rather than a grouping node). */
  holdsCollateral: boolean;
  equityBefore: number;
  imBefore: number;
  mmBefore: number;
  /** Full-revaluation P&L of the subtree (positions and collateral, before haircuts), funding included. */
  pnl: number;
  /** The part of pnl paid or received as funding. */
  fundingPnl: number;
  /** Equity after the scenario, as the margin engine values it (after haircuts). */
  equityAfter: number;
  imAfter: number;
  mmAfter: number;
  /** Equity at or below maintenance margin (with MM > 0), or negative equity. */
  liquidated: boolean;
}

/** A book under one scenario: every node, the totals over the roots, and what the scenario leaves unmoved. */
export interface StressResult {
  scenario: StressScenario;
  /** Underlyings the book is exposed to that the scenario does not move. */
  unmoved: string[];
  /** Scenario moves and funding keys that match nothing in the book. */
  ignored: string[];
  nodes: StressNode[];
  total: {
    equityBefore: number;
    pnl: number;
    fundingPnl: number;
    equityAfter: number;
    imAfter: number;
    mmAfter: number;
    /** Accounts holding collateral that the scenario liquidates. */
    liquidated: string[];
  };
}

/**
 * Returns whether a node is liquidated: the liquidation status of src/margin/status.ts (equity at or below a
 * positive MM), or negative equity (bankrupt even with nothing required).
 */
export function isLiquidated(equity: number, mm: number): boolean {
  return reachesStatus('liquidation', { equity, im: 0, mm }, STATUS_LEVELS) || equity < 0;
}

/** Returns each account's funding payments under the scenario, as signed asset amounts per account. */
export function fundingPayments(
  book: ResolvedBook,
  scenario: StressScenario,
  shocked: MarketView,
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const account of book.accounts.values()) {
    const payments = new Map<string, number>();
    for (const p of account.positions) {
      const inst = p.instrument;
      if (inst.kind !== 'perpetual') continue;
      const shock = scenario.funding[inst.id] ?? scenario.funding[inst.underlying];
      if (shock === undefined) continue;
      // Longs pay shorts when the rate is positive, on the position's value at the shocked mark.
      const paid = shock.rate * shock.intervals;
      const mark = shocked.deltaOneMark(inst);
      const size = p.quantity * inst.contractSize;
      const [asset, amount] =
        inst.settlement === 'inverse'
          ? [inst.underlying, -(size / mark) * paid]
          : [inst.quote, -size * mark * paid];
      payments.set(asset, (payments.get(asset) ?? 0) + amount);
    }
    if (payments.size > 0) out.set(account.id, payments);
  }
  return out;
}

function unusedFundingKeys(book: ResolvedBook, scenario: StressScenario): string[] {
  const perpetuals = [...book.instruments.values()].filter((i) => i.kind === 'perpetual');
  return Object.keys(scenario.funding)
    .filter((key) => !perpetuals.some((i) => i.id === key || i.underlying === key))
    .map((key) => `funding.${key}`);
}

function subtree(book: ResolvedBook, id: string): string[] {
  return [id, ...(book.accounts.get(id)?.children ?? []).flatMap((c) => subtree(book, c))];
}

function depthOf(book: ResolvedBook, id: string): number {
  const parent = book.accounts.get(id)?.parent;
  return parent === null || parent === undefined ? 0 : 1 + depthOf(book, parent);
}

function holds(account: ResolvedAccount): boolean {
  return account.positions.length > 0 || account.balances.some((b) => b.amount !== 0);
}

interface Evaluated {
  before: Map<string, NodeMargin>;
  after: Map<string, NodeMargin>;
  ownPnl: Map<string, number>;
  ownFunding: Map<string, number>;
}

function nodeOf(book: ResolvedBook, id: string, e: Evaluated): StressNode {
  const before = e.before.get(id)!;
  const after = e.after.get(id)!;
  const ids = subtree(book, id);
  const sum = (m: Map<string, number>): number => ids.reduce((a, s) => a + (m.get(s) ?? 0), 0);
  const account = before.account;
  return {
    id,
    parent: account.parent,
    depth: depthOf(book, id),
    venue: account.venue ?? null,
    model: account.rulebook ?? account.model,
    holdsCollateral: holds(account),
    equityBefore: before.equity,
    imBefore: before.im,
    mmBefore: before.mm,
    pnl: sum(e.ownPnl),
    fundingPnl: sum(e.ownFunding),
    equityAfter: after.equity,
    imAfter: after.im,
    mmAfter: after.mm,
    liquidated: isLiquidated(after.equity, after.mm),
  };
}

/**
 * Returns the book under a stress scenario: each node's P&L (full revaluation plus funding), equity, IM and MM
 * before and after (margins recomputed on the shifted view), and which accounts the scenario liquidates.
 */
export function runStress(
  book: ResolvedBook,
  scenario: StressScenario,
  options: { policy?: OffsetPolicy; view?: MarketView } = {},
): StressResult {
  const policy = options.policy ?? book.offset;
  const view = options.view ?? createMarketView(book.market, book.reportingCurrency);
  const { shifts, ignored } = scenarioShifts(
    scenario,
    book.market,
    book.reportingCurrency,
    book.parameters.scenarios.volFloor,
  );
  const shocked = view.shifted(shifts);
  const payments = fundingPayments(book, scenario, shocked);
  const stressed = replaceAccounts(
    book,
    [...payments].map(([id, deltas]) => addBalances(book.accounts.get(id)!, deltas)),
  );
  const before = evaluateMargins(book, view, { policy });
  const after = evaluateMargins(stressed, shocked, { policy });
  const ownPnl = new Map<string, number>();
  const ownFunding = new Map<string, number>();
  for (const [id, node] of before) {
    let funding = 0;
    for (const [asset, amount] of payments.get(id) ?? []) funding += amount * shocked.price(asset);
    const revalued = exposureValue(node.exposure, view, shocked) - exposureValue(node.exposure, view, view);
    ownFunding.set(id, funding);
    ownPnl.set(id, revalued + funding);
  }
  const evaluated = { before, after, ownPnl, ownFunding };
  const order = book.roots.flatMap((r) => subtree(book, r));
  const nodes = order.map((id) => nodeOf(book, id, evaluated));
  const roots = nodes.filter((n) => n.parent === null);
  const sum = (f: (n: StressNode) => number): number => roots.reduce((a, n) => a + f(n), 0);
  const stable = (asset: string): boolean => isStable(asset, book.parameters, book.reportingCurrency);
  const exposed = exposedUnderlyings(
    [...before.values()].map((n) => n.exposure),
    stable,
  );
  return {
    scenario,
    unmoved: exposed.filter((u) => !shifts.has(u)),
    ignored: [...ignored, ...unusedFundingKeys(book, scenario)],
    nodes,
    total: {
      equityBefore: sum((n) => n.equityBefore),
      pnl: sum((n) => n.pnl),
      fundingPnl: sum((n) => n.fundingPnl),
      equityAfter: sum((n) => n.equityAfter),
      imAfter: sum((n) => n.imAfter),
      mmAfter: sum((n) => n.mmAfter),
      liquidated: nodes.filter((n) => n.holdsCollateral && n.liquidated).map((n) => n.id),
    },
  };
}

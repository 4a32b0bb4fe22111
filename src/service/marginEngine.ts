// The service's margin state: one MarginTree held across requests and moved by what changed. An event margins
// its account again and carries the change up its ancestors; a tick margins again only the accounts that hold
// what moved, on a risk context that keeps every other risk array. Only a change to the tree itself (an account
// or instrument added, settings changed) builds the tree again.
import type { Instrument, Market } from '../core/index.js';
import { MarginTree, preOrder, type NodeState } from '../aggregate/index.js';
import { isStable, marginRatio, nodeStatus, type NodeStatus } from '../margin/index.js';
import { exposedUnderlyings, treeLiquidationPoints, type LiquidationPoint } from '../risk/index.js';
import {
  changedRiskContext,
  createMarketView,
  createRiskContext,
  type RiskContext,
} from '../scenarios/index.js';
import type { AccountLedger } from '../account/index.js';
import type { BookState } from './bookState.js';

/** The small figures of one node: equity and requirements of its subtree, reporting currency. */
export interface NodeFigures {
  equity: number;
  im: number;
  mm: number;
  freeCollateral: number;
  marginRatio: number | null;
  status: NodeStatus;
}

/** What a sync did: the held tree, and the nodes whose figures may have changed (undefined: all, rebuilt). */
export interface SyncResult {
  tree: MarginTree;
  changed: string[] | undefined;
}

/** The service's margin engine: the held tree, kept in step with the book state. */
export interface MarginEngine {
  /** Brings the held tree up to the state and returns it with the nodes that changed. */
  sync(state: BookState): SyncResult;
  /** Returns the figures of an account and its ancestors, before and after replacing its ledger (what-if). */
  whatIf(
    state: BookState,
    accountId: string,
    ledger: AccountLedger,
  ): { id: string; before: NodeFigures; after: NodeFigures }[];
  /** Returns a node's liquidation prices per underlying its subtree is exposed to, on the held tree. */
  liquidation(state: BookState, nodeId: string): LiquidationPoint[];
}

/** Returns a node's figures from equity, IM and MM. */
export function figuresOf(equity: number, im: number, mm: number): NodeFigures {
  return {
    equity,
    im,
    mm,
    freeCollateral: equity - im,
    marginRatio: marginRatio(equity, mm),
    status: nodeStatus(equity, im, mm),
  };
}

const figuresOfNode = (n: NodeState): NodeFigures => figuresOf(n.equity, n.im, n.mm);

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * Returns the assets whose prices, vols, forwards, rates or funding differ between two markets, or undefined
 * when the market's time moved (every option's time to expiry changes: everything is margined again).
 */
export function changedAssets(
  before: Market,
  after: Market,
  instruments: ReadonlyMap<string, Instrument>,
): Set<string> | undefined {
  if (before.asOf !== after.asOf) return undefined;
  const out = new Set<string>();
  const diff = <T>(a: Record<string, T>, b: Record<string, T>, assetsOf: (key: string) => string[]): void => {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      if (!same(a[key], b[key])) for (const asset of assetsOf(key)) out.add(asset);
  };
  const itself = (key: string): string[] => [key];
  const ofInstrument = (id: string): string[] => {
    const i = instruments.get(id);
    return i === undefined ? [] : [i.underlying, i.quote];
  };
  diff(before.prices, after.prices, itself);
  diff(before.instruments, after.instruments, ofInstrument);
  diff(before.forwards, after.forwards, itself);
  diff(before.smiles, after.smiles, itself);
  diff(before.rates, after.rates, itself);
  diff(before.funding, after.funding, ofInstrument);
  diff(before.history, after.history, itself);
  return out;
}

function references(n: NodeState, assets: ReadonlySet<string>): boolean {
  for (const p of n.exposure.positions)
    if (assets.has(p.instrument.underlying) || assets.has(p.instrument.quote)) return true;
  for (const a of n.exposure.assets.keys()) if (assets.has(a)) return true;
  return false;
}

interface Held {
  tree: MarginTree;
  market: Market;
  structure: string;
  settings: BookState['settings'];
}

/** Returns the engine that holds one MarginTree of the service's book and moves it by what changed. */
export function coreMarginEngine(): MarginEngine {
  let held: Held | undefined;
  const structureOf = (state: BookState): string => `${state.accounts.size}|${state.instruments.size}`;

  const rebuild = (state: BookState): MarginTree => {
    const book = state.resolved();
    state.takeChangedLedgers();
    const view = createMarketView(book.market, book.reportingCurrency);
    const tree = new MarginTree(book, view, { context: createRiskContext(view) });
    held = { tree, market: state.market, structure: structureOf(state), settings: state.settings };
    return tree;
  };

  const sync = (state: BookState): SyncResult => {
    if (held === undefined || held.structure !== structureOf(state) || held.settings !== state.settings)
      return { tree: rebuild(state), changed: undefined };
    const { tree } = held;
    const ledgers = new Set(state.takeChangedLedgers().filter((id) => tree.has(id)));
    const ids = new Set(ledgers);
    let context: RiskContext | undefined;
    let movedAssets: Set<string> | undefined;
    if (state.market !== held.market) {
      const view = createMarketView(state.market, tree.book.reportingCurrency);
      movedAssets = changedAssets(held.market, state.market, state.instruments);
      context =
        movedAssets === undefined
          ? createRiskContext(view)
          : changedRiskContext(tree.context, view, movedAssets);
      for (const n of tree.states())
        if (movedAssets === undefined || references(n, movedAssets)) ids.add(n.id);
      held.market = state.market;
    }
    // An account the market alone moved is passed as held: the tree then re-margins only what the move reaches.
    const accounts = [...ids].map((id) =>
      ledgers.has(id) ? state.withLedger(tree.account(id)) : tree.account(id),
    );
    const changed = tree.apply(accounts, {
      ...(context === undefined ? {} : { context }),
      ...(movedAssets === undefined ? {} : { movedAssets }),
      commit: true,
    });
    return { tree, changed: [...changed.keys()] };
  };

  const treeOf = (state: BookState): MarginTree => held?.tree ?? sync(state).tree;

  return {
    sync,
    whatIf(state, accountId, ledger) {
      const tree = treeOf(state);
      const after = tree.apply([state.withLedger(tree.account(accountId), ledger)]);
      return state.ancestry(accountId).map((id) => ({
        id,
        before: figuresOfNode(tree.node(id)),
        after: figuresOfNode(after.get(id) ?? tree.node(id)),
      }));
    },
    liquidation(state, nodeId) {
      const tree = treeOf(state);
      if (!tree.has(nodeId)) return [];
      const account = tree.account(nodeId);
      const stable = (asset: string): boolean =>
        isStable(asset, account.parameters, tree.book.reportingCurrency);
      const exposures = preOrder(tree.book, nodeId).map((id) => tree.node(id).exposure);
      return exposedUnderlyings(exposures, stable).flatMap((u) => treeLiquidationPoints(tree, nodeId, u));
    },
  };
}

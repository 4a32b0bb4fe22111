// What-if, stress and allocation over the current state: each is a recomputation of a modified copy of the
// book; the state itself never changes. Stress is the library's runStress on the stress scenario schema of
// src/risk/stressScenario.ts, the one the CLI's scenario files use; this file shapes its answer.
import { z } from 'zod';
import { InputError, type Instrument } from '../core/index.js';
import { boundIssue } from '../core/bounds.js';
import type { StressResult } from '../risk/stress.js';
import type { StressScenario } from '../risk/stressScenario.js';
import { fairPrice } from '../risk/index.js';
import { createMarketView } from '../scenarios/index.js';
import type { BookState } from './bookState.js';
import { applyEvent, decimalString, type AccountLedger } from '../account/index.js';
import { figuresOf, type MarginEngine, type NodeFigures } from './marginEngine.js';

const positive = decimalString.refine((d) => Number(d) > 0, { message: 'must be > 0' });
const nonZero = decimalString.refine((d) => Number(d) !== 0, { message: 'must not be zero' });

export const tradeSchema = z.strictObject({
  instrument: z.string().min(1).max(128),
  quantity: nonZero,
  /** Trade price; default: the instrument's fair value in the current market (equity unchanged). */
  price: positive.optional(),
});

export const whatIfSchema = z.strictObject({ trades: z.array(tradeSchema).min(1).max(100) });

export const allocationSchema = tradeSchema.extend({
  /** Accounts to try; default: those of the instrument's venue (or every leaf account) within the key's tree. */
  candidates: z.array(z.string().min(1).max(128)).max(1000).optional(),
});

export type Trade = z.output<typeof tradeSchema>;

/** One node's figures before and after a change. */
export interface NodeChange {
  id: string;
  before: NodeFigures;
  after: NodeFigures;
  incrementalIm: number;
  incrementalMm: number;
  equityChange: number;
}

function change(id: string, before: NodeFigures, after: NodeFigures): NodeChange {
  return {
    id,
    before,
    after,
    incrementalIm: after.im - before.im,
    incrementalMm: after.mm - before.mm,
    equityChange: after.equity - before.equity,
  };
}

/** Returns the account's ledger with the trades applied as fills (unknown instruments throw RangeError). */
function tradedLedger(state: BookState, accountId: string, trades: readonly Trade[]): AccountLedger {
  const ledger = state.ledgerCopy(accountId);
  const view = createMarketView(state.market, state.settings.reportingCurrency);
  for (const t of trades) {
    const instrument = state.instruments.get(t.instrument);
    if (instrument === undefined) throw new RangeError(`unknown instrument ${t.instrument}`);
    const price = t.price ?? String(fairPrice(instrument, view));
    applyEvent(
      ledger,
      {
        kind: 'fill',
        seq: ledger.seq + 1,
        idempotencyKey: 'what-if',
        instrument: t.instrument,
        quantity: t.quantity,
        price,
      },
      (id) => state.instruments.get(id),
    );
  }
  return ledger;
}

/**
 * Returns the margin before and after trades on an account, for the account and each ancestor up to `root`
 * (the key's subtree): the held margin tree plus the traded account, carried up its ancestors.
 */
export function whatIf(
  state: BookState,
  engine: MarginEngine,
  accountId: string,
  trades: readonly Trade[],
  root: string | null,
): NodeChange[] {
  const path = engine.whatIf(state, accountId, tradedLedger(state, accountId, trades));
  const top = root === null ? path.length : path.findIndex((p) => p.id === root) + 1;
  return path.slice(0, top).map((p) => change(p.id, p.before, p.after));
}

/** One node under a stress scenario: figures before and after, with its P&L (funding included). */
export interface StressNodeChange extends NodeChange {
  /** Full-revaluation P&L of the subtree, funding included (reporting currency). */
  pnl: number;
  /** The part of pnl paid or received as funding. */
  fundingPnl: number;
  liquidated: boolean;
}

/** The answer of POST /v1/stress: the scenario as read, and every visible node before and after it. */
export interface StressAnswer {
  scenario: StressScenario;
  nodes: StressNodeChange[];
  /** Visible accounts holding collateral that the scenario liquidates. */
  liquidated: string[];
  /** Underlyings the book is exposed to that the scenario leaves (whole-tree keys only; else empty). */
  unmoved: string[];
  /** Funding keys that match no perpetual of the book (whole-tree keys only; else empty). */
  ignored: string[];
}

/**
 * Throws InputError (paths under `body`) unless every move names an asset the market prices other than the
 * reporting currency: a service caller gets a 400, where the CLI only lists what a scenario leaves out.
 */
export function checkStressScenario(state: BookState, scenario: StressScenario): void {
  const reporting = state.settings.reportingCurrency;
  const issues = Object.keys(scenario.moves).flatMap((asset) => {
    if (asset === reporting)
      return [{ path: `body.moves.${asset}`, message: `the reporting currency ${asset} cannot move` }];
    const price = state.market.prices[asset];
    if (price === undefined)
      return [{ path: `body.moves.${asset}`, message: `the market has no price for ${asset}` }];
    // The moved price is a price like any other: within BOUNDS.price.
    const moved = boundIssue(
      'price',
      price * (1 + scenario.moves[asset]!.price),
      `body.moves.${asset}.price`,
    );
    return moved === undefined ? [] : [{ ...moved, message: `the moved price ${moved.message}` }];
  });
  if (issues.length > 0) throw new InputError(issues);
}

/** Returns the service's answer from a stress run (src/risk/stress.ts), keeping only the nodes in `nodeIds`. */
export function stressAnswer(
  result: StressResult,
  nodeIds: readonly string[],
  wholeTree: boolean,
): StressAnswer {
  const byId = new Map(result.nodes.map((n) => [n.id, n]));
  const nodes = nodeIds.flatMap((id) => {
    const n = byId.get(id);
    if (n === undefined) return [];
    const before = figuresOf(n.equityBefore, n.imBefore, n.mmBefore);
    const after = figuresOf(n.equityAfter, n.imAfter, n.mmAfter);
    return [{ ...change(id, before, after), pnl: n.pnl, fundingPnl: n.fundingPnl, liquidated: n.liquidated }];
  });
  const visible = new Set(nodeIds);
  return {
    scenario: result.scenario,
    nodes,
    liquidated: result.total.liquidated.filter((id) => visible.has(id)),
    unmoved: wholeTree ? result.unmoved : [],
    ignored: wholeTree ? result.ignored : [],
  };
}

/** One candidate account for a new position, and what placing it there costs. */
export interface AllocationCandidate {
  account: string;
  /** IM added at the account itself. */
  accountIncrementalIm: number;
  /** IM added at the top of the caller's tree: what the position really costs after netting. */
  incrementalIm: number;
  path: NodeChange[];
}

/** Returns the candidates sorted by the IM the position adds at the top of the tree, least first. */
export function allocate(
  state: BookState,
  engine: MarginEngine,
  trade: Trade,
  candidates: readonly string[],
  root: string | null,
): AllocationCandidate[] {
  const out = candidates.map((account) => {
    const path = whatIf(state, engine, account, [trade], root);
    return {
      account,
      accountIncrementalIm: path[0]?.incrementalIm ?? 0,
      incrementalIm: path[path.length - 1]?.incrementalIm ?? 0,
      path,
    };
  });
  return out.sort(
    (a, b) => a.incrementalIm - b.incrementalIm || a.accountIncrementalIm - b.accountIncrementalIm,
  );
}

/** Returns the default allocation candidates: accounts of the instrument's venue, else leaf accounts. */
export function defaultCandidates(state: BookState, instrument: Instrument, root: string | null): string[] {
  const within = state.subtree(root);
  if (instrument.venue !== undefined) {
    const venue = within.filter((id) => state.accounts.get(id)?.venue === instrument.venue);
    if (venue.length > 0) return venue;
  }
  return within.filter((id) => state.children(id).length === 0);
}

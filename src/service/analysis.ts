// What-if, stress and allocation over the current state: each is a recomputation of a modified copy of the
// book through the margin engine; the state itself never changes.
import { z } from 'zod';
import { assetCode, resolveBook, type Instrument, type ResolvedBook } from '../core/index.js';
import { createMarketView, optionPremium, tokenNav } from '../scenarios/index.js';
import type { BookState } from './bookState.js';
import { applyEvent, decimalString, type AccountLedger } from '../account/index.js';
import type { MarginEngine, NodeFigures } from './marginEngine.js';
import { moveMarket } from './marketMoves.js';

const positive = decimalString.refine((d) => Number(d) > 0, { message: 'must be > 0' });
const nonZero = decimalString.refine((d) => Number(d) !== 0, { message: 'must not be zero' });

export const tradeSchema = z.strictObject({
  instrument: z.string().min(1).max(128),
  quantity: nonZero,
  /** Trade price; default: the instrument's fair value in the current market (equity unchanged). */
  price: positive.optional(),
});

export const whatIfSchema = z.strictObject({ trades: z.array(tradeSchema).min(1).max(100) });

export const stressSchema = z.strictObject({
  moves: z
    .array(
      z.strictObject({
        underlying: assetCode,
        /** Relative price move: -0.3 is a 30% fall. */
        priceMove: decimalString
          .transform(Number)
          .refine((n) => n > -1 && n <= 10, { message: 'must be in (-1, 10]' }),
        /** Absolute implied vol change: 0.2 is +20 vol points. */
        volChange: decimalString.transform(Number).default(0),
      }),
    )
    .min(1)
    .max(100),
});

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

/** Returns an instrument's fair trade price in the current market: mark, premium or NAV per unit. */
export function fairPrice(book: ResolvedBook, instrument: Instrument): number {
  const view = createMarketView(book.market, book.reportingCurrency);
  switch (instrument.kind) {
    case 'perpetual':
    case 'future':
      return view.deltaOneMark(instrument);
    case 'option':
      return optionPremium(instrument, view);
    case 'leveraged_token':
      return tokenNav(instrument, view);
    case 'spot':
      return view.price(instrument.underlying) / view.price(instrument.quote);
  }
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
  const book = state.resolved();
  for (const t of trades) {
    const instrument = state.instruments.get(t.instrument);
    if (instrument === undefined) throw new RangeError(`unknown instrument ${t.instrument}`);
    const price = t.price ?? String(fairPrice(book, instrument));
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
 * (the key's subtree): full recomputation of the modified book.
 */
export function whatIf(
  state: BookState,
  engine: MarginEngine,
  accountId: string,
  trades: readonly Trade[],
  root: string | null,
): NodeChange[] {
  const before = engine.figures(state.resolved());
  const ledger = tradedLedger(state, accountId, trades);
  const book = resolveBook(
    state.toBook(
      new Map([[accountId, ledger]]),
      state.market,
      trades.map((t) => t.instrument),
    ),
  );
  const after = engine.figures(book);
  const path = state.ancestry(accountId);
  const top = root === null ? path.length : path.indexOf(root) + 1;
  return path.slice(0, top).map((id) => change(id, before.get(id)!, after.get(id)!));
}

/** Returns every node's figures before and after a joint move of prices and vols, for the given nodes. */
export function stress(
  state: BookState,
  engine: MarginEngine,
  moves: z.output<typeof stressSchema>['moves'],
  nodeIds: readonly string[],
): NodeChange[] {
  const before = engine.figures(state.resolved());
  const market = moveMarket(
    state.market,
    state.settings.reportingCurrency,
    state.instruments.values(),
    moves.map((m) => ({ asset: m.underlying, factor: 1 + m.priceMove, volShift: m.volChange })),
  );
  const after = engine.figures(resolveBook(state.toBook(new Map(), market)));
  return nodeIds.map((id) => change(id, before.get(id)!, after.get(id)!));
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

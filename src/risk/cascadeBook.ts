// A book's accounts as participants of a cascade: at each price of the path the book is revalued in full and
// margined (evaluateMargins on the view moved to that price), so options and rule-based margins are exact.
// A liquidated account's positions on the underlying are closed by a market order of minus their delta.
import type { OffsetPolicy, ResolvedBook } from '../core/index.js';
import { evaluateMargins, type NodeMargin } from '../aggregate/index.js';
import { positionsExposure } from '../margin/index.js';
import { createMarketView, noShift, type MarketView } from '../scenarios/index.js';
import type { ExternalAccounts } from './cascade.js';
import { underlyingRisk } from './greeks.js';
import { isLiquidated } from './stress.js';

/** A book's accounts in a cascade on one underlying, and the underlying's price in the book. */
export interface BookParticipants extends ExternalAccounts {
  price: number;
  /** Accounts that hold positions on the underlying (the ones that can be liquidated into the market). */
  accounts: string[];
}

/** Returns the book's accounts as cascade participants on `underlying` (revalued at every price of the path). */
export function bookParticipants(
  book: ResolvedBook,
  underlying: string,
  options: { policy?: OffsetPolicy } = {},
): BookParticipants {
  const base = createMarketView(book.market, book.reportingCurrency);
  const price = base.price(underlying);
  const policy = options.policy ?? book.offset;
  const cache = new Map<number, { view: MarketView; nodes: Map<string, NodeMargin> }>();
  const at = (p: number): { view: MarketView; nodes: Map<string, NodeMargin> } => {
    let entry = cache.get(p);
    if (entry === undefined) {
      const view = base.shifted(new Map([[underlying, { ...noShift(), factor: p / price }]]));
      entry = { view, nodes: evaluateMargins(book, view, { policy }) };
      cache.set(p, entry);
    }
    return entry;
  };
  const accounts = [...book.accounts.values()]
    .filter((a) => a.positions.some((p) => p.instrument.underlying === underlying))
    .map((a) => a.id);
  return {
    price,
    accounts,
    liquidatable(p, done) {
      const { view, nodes } = at(p);
      const out: { id: string; quantity: number }[] = [];
      for (const id of accounts) {
        const node = nodes.get(id)!;
        if (done.has(id) || !isLiquidated(node.ownEquity, node.own.mm)) continue;
        const positions = node.exposure.positions.filter((q) => q.instrument.underlying === underlying);
        const delta = underlyingRisk([positionsExposure(positions)], view, underlying).delta;
        out.push({ id, quantity: delta / p });
      }
      return out;
    },
    deficit(id, p) {
      const node = at(p).nodes.get(id);
      return node === undefined ? 0 : Math.max(0, -node.ownEquity);
    },
  };
}

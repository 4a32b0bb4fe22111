// Where a proposed position needs the least margin: the trade tried in every account that may hold it (the
// instrument's venue), each by the incremental what-if (grid accounts move their scenario vectors by
// quantity x risk array; rule-based accounts recompute their model), ranked by the account's incremental IM.
import type { OffsetPolicy, ResolvedBook } from '../core/index.js';
import { MarginTree } from '../aggregate/index.js';
import { createMarketView, createRiskContext } from '../scenarios/index.js';
import { collateralAccounts } from './allocation.js';
import { whatIf } from './whatif.js';
import { checkTrades, type Trade } from './whatifBook.js';

/** The trade placed in one account: incremental IM there and at the root of its tree (reporting currency). */
export interface Placement {
  account: string;
  venue: string | null;
  model: string;
  /** IM of the account's node after less before. */
  accountIncrementalIm: number;
  /** IM of the root above the account after less before: what the whole book pays under its offset policy. */
  rootIncrementalIm: number;
  root: string;
  /** Equity less IM of the account's node after the trade. */
  freeAfter: number;
}

/** Returns whether an account may hold every traded instrument: same venue, or a venue not stated. */
function mayHold(book: ResolvedBook, id: string, trades: readonly Trade[]): boolean {
  const venue = book.accounts.get(id)!.venue;
  return trades.every((t) => {
    const listed = book.instruments.get(t.instrument)!.venue;
    return listed === undefined || venue === undefined || listed === venue;
  });
}

/** Returns the placements of trades over the accounts that may hold them, least incremental account IM first. */
export function placeTrades(
  book: ResolvedBook,
  trades: readonly Trade[],
  options: { policy?: OffsetPolicy } = {},
): Placement[] {
  checkTrades(book, trades);
  const policy = options.policy ?? book.offset;
  const view = createMarketView(book.market, book.reportingCurrency);
  const context = createRiskContext(view);
  const tree = new MarginTree(book, view, { policy, context });
  const out: Placement[] = [];
  for (const id of collateralAccounts(book)) {
    if (!mayHold(book, id, trades)) continue;
    const r = whatIf(book, id, trades, { tree });
    const own = r.path[0]!;
    const root = r.path[r.path.length - 1]!;
    const account = book.accounts.get(id)!;
    out.push({
      account: id,
      venue: account.venue ?? null,
      model: account.rulebook ?? account.model,
      accountIncrementalIm: own.incremental.im,
      rootIncrementalIm: root.incremental.im,
      root: root.id,
      freeAfter: own.after.equity - own.after.im,
    });
  }
  return out.sort(
    (a, b) =>
      a.accountIncrementalIm - b.accountIncrementalIm ||
      a.rootIncrementalIm - b.rootIncrementalIm ||
      a.account.localeCompare(b.account),
  );
}

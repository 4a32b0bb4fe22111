// What-if: the margin of an account and of every ancestor after a trade, through the one margin path. The
// traded account is margined again (its own model on its traded positions); every ancestor's netting groups
// move their summed scenario vectors by (new - old) and are scanned again; nothing else is recomputed. The
// before-state is the held tree, never a recomputation.
import type { OffsetPolicy, ResolvedBook } from '../core/index.js';
import { MarginTree, type Amounts } from '../aggregate/index.js';
import {
  createMarketView,
  createRiskContext,
  type MarketView,
  type RiskContext,
} from '../scenarios/index.js';
import { accountOf, tradedAccount, type Trade } from './whatifBook.js';

/** One node on the path from the traded account to its root: figures before and after, reporting currency. */
export interface WhatIfNode {
  id: string;
  before: { im: number; mm: number; equity: number };
  after: { im: number; mm: number; equity: number };
  /** after - before. */
  incremental: Amounts;
}

/** The margin of the traded account and its ancestors before and after the trades. */
export interface WhatIfResult {
  account: string;
  trades: Trade[];
  /** How the account's own requirement was found: its grid summary rebuilt and scanned, or its model rerun. */
  method: 'incremental-grid' | 'recomputed';
  /** The traded account first, then each ancestor up to the root. */
  path: WhatIfNode[];
}

/** Offset policy and, to share work between calls, a view, a risk context or the held margin tree. */
export interface WhatIfOptions {
  policy?: OffsetPolicy;
  view?: MarketView;
  context?: RiskContext;
  /** The book's margin tree on the same view and policy, when the caller holds it. */
  tree?: MarginTree;
}

/**
 * Returns the margin before and after trades executed at mark in one account, for the account and every
 * ancestor, computed incrementally from the held tree; amounts in the reporting currency.
 */
export function whatIf(
  book: ResolvedBook,
  accountId: string,
  trades: readonly Trade[],
  options: WhatIfOptions = {},
): WhatIfResult {
  accountOf(book, accountId);
  const tree = options.tree ?? treeFor(book, options);
  const account = tree.account(accountId);
  const after = tree.apply([tradedAccount(book, account, trades, tree.context.view)]);
  const path: WhatIfNode[] = [];
  for (let id: string | null = accountId; id !== null; id = tree.account(id).parent) {
    const b = tree.node(id);
    const a = after.get(id)!;
    path.push({
      id,
      before: { im: b.im, mm: b.mm, equity: b.equity },
      after: { im: a.im, mm: a.mm, equity: a.equity },
      incremental: { im: a.im - b.im, mm: a.mm - b.mm },
    });
  }
  const grid = account.rulebook === undefined && account.model === 'grid';
  return { account: accountId, trades: [...trades], method: grid ? 'incremental-grid' : 'recomputed', path };
}

function treeFor(book: ResolvedBook, options: WhatIfOptions): MarginTree {
  const view = options.view ?? options.context?.view ?? createMarketView(book.market, book.reportingCurrency);
  return new MarginTree(book, view, {
    policy: options.policy ?? book.offset,
    context: options.context ?? createRiskContext(view),
  });
}

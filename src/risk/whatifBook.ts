// Edits of a resolved book that the what-if, stress and allocation analyses need: trades executed at mark,
// balances moved. Each returns a new book; the input is never changed.
import {
  boundIssue,
  InputError,
  type Instrument,
  type InputIssue,
  type ResolvedAccount,
  type ResolvedBook,
} from '../core/index.js';
import { filledAccount } from '../account/index.js';
import { optionPremium, tokenNav, type MarketView } from '../scenarios/index.js';

/** A trade: a signed quantity (contracts; long > 0) of an instrument, executed at the current mark. */
export interface Trade {
  instrument: string;
  quantity: number;
}

/** Returns the book with some accounts replaced (by id); the tree and everything else are shared. */
export function replaceAccounts(book: ResolvedBook, accounts: readonly ResolvedAccount[]): ResolvedBook {
  const map = new Map(book.accounts);
  for (const a of accounts) map.set(a.id, a);
  return { ...book, accounts: map };
}

/** Returns the account with signed asset amounts added to its balances (a new balance line per new asset). */
export function addBalances(account: ResolvedAccount, deltas: ReadonlyMap<string, number>): ResolvedAccount {
  const balances = account.balances.map((b) => ({ ...b }));
  for (const [asset, amount] of deltas) {
    if (amount === 0) continue;
    const line = balances.find((b) => b.asset === asset);
    if (line === undefined) balances.push({ asset, amount });
    else line.amount += amount;
  }
  return { ...account, balances };
}

/** Returns the account's id, or throws InputError naming the field when it is not in the book. */
export function accountOf(book: ResolvedBook, id: string, path = 'account'): ResolvedAccount {
  const account = book.accounts.get(id);
  if (account === undefined) {
    const known = [...book.accounts.keys()].join(', ');
    throw new InputError([{ path, message: `unknown account "${id}"`, hint: `accounts: ${known}` }]);
  }
  return account;
}

/** Throws InputError listing every trade whose instrument is unknown or whose quantity is not a non-zero number. */
export function checkTrades(book: ResolvedBook, trades: readonly Trade[]): void {
  const issues: InputIssue[] = [];
  if (trades.length === 0) issues.push({ path: 'trades', message: 'give at least one trade' });
  trades.forEach((t, i) => {
    if (!book.instruments.has(t.instrument))
      issues.push({
        path: `trades[${i}].instrument`,
        message: `unknown instrument "${t.instrument}"`,
        hint: 'use an instrument id declared in the book',
      });
    if (!Number.isFinite(t.quantity) || t.quantity === 0)
      issues.push({ path: `trades[${i}].quantity`, message: 'must be a non-zero finite number' });
    else {
      const outside = boundIssue('tradeQuantity', t.quantity, `trades[${i}].quantity`);
      if (outside !== undefined) issues.push(outside);
    }
  });
  if (issues.length > 0) throw new InputError(issues);
}

/** Returns an instrument's fair trade price under a view: mark, option premium, token NAV or spot, per unit. */
export function fairPrice(instrument: Instrument, view: MarketView): number {
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

/**
 * Returns the account after trades executed at the view's fair prices, each applied as a fill by the one
 * applyEvent (src/account): a what-if trade follows exactly the rules an executed fill does. Trading at fair
 * price is self-financing, so equity before haircuts does not change.
 */
export function tradedAccount(
  book: ResolvedBook,
  account: ResolvedAccount,
  trades: readonly Trade[],
  view: MarketView,
): ResolvedAccount {
  checkTrades(book, trades);
  return trades.reduce((traded, t, i) => {
    const instrument = book.instruments.get(t.instrument)!;
    const price = fairPrice(instrument, view);
    // A fill needs a price (core/bounds.ts): a deep out-of-the-money option's premium can be 1e-176.
    const outside = boundIssue('price', price, `trades[${i}].instrument`);
    if (outside !== undefined)
      throw new InputError([{ ...outside, message: `its fair price ${outside.message}` }]);
    return filledAccount(traded, instrument, t.quantity, price);
  }, account);
}

/** Returns the book after trades executed at mark in one account (see tradedAccount). */
export function applyTrades(
  book: ResolvedBook,
  accountId: string,
  trades: readonly Trade[],
  view: MarketView,
): ResolvedBook {
  return replaceAccounts(book, [tradedAccount(book, accountOf(book, accountId), trades, view)]);
}
